import { readParticipationCsv } from './csv-rows';

describe('when reading an attendance CSV', () => {
  it('reads rows with their line numbers and derives stable participation ids', () => {
    const csv = 'studentId,activityId,occurredAt,role,hours\n20231234,robotics-club,2026-10-14,volunteer,2.5\n\n20231235,hackathon,2026-10-15T09:00:00+03:00,,\n';
    const first = readParticipationCsv(csv);
    expect(first.problems).toEqual([]);
    expect(first.rows).toEqual([
      {
        line: 2,
        body: { participationId: expect.any(String), studentId: '20231234', activityId: 'robotics-club', occurredAt: '2026-10-14T00:00:00.000Z', role: 'volunteer', hours: 2.5 },
      },
      { line: 4, body: { participationId: expect.any(String), studentId: '20231235', activityId: 'hackathon', occurredAt: '2026-10-15T06:00:00.000Z' } },
    ]);
    expect(readParticipationCsv(csv).rows.map((r) => r.body.participationId)).toEqual(first.rows.map((r) => r.body.participationId));
  });

  it('accepts semicolons and decimal commas, as spreadsheets in Lithuania export them', () => {
    const { rows, problems } = readParticipationCsv('studentId;activityId;occurredAt;hours\n1;photo-club;2026-10-01;1,5\n');
    expect(problems).toEqual([]);
    expect(rows[0]?.body.hours).toBe(1.5);
  });

  it('names the line and the problem of each bad row, and keeps the good ones', () => {
    const { rows, problems } = readParticipationCsv('studentId,activityId,occurredAt,hours\n1,photo-club,14/10/2026,\n2,,2026-10-01,x\n3,photo-club,2026-10-01,1\n');
    expect(rows.map((r) => r.line)).toEqual([4]);
    expect(problems).toEqual([
      { line: 2, message: 'occurredAt "14/10/2026" is not a date; use YYYY-MM-DD or an ISO-8601 date-time' },
      { line: 3, message: 'activityId is empty; hours "x" is not a number' },
    ]);
  });

  it('refuses a header without the required columns, or with unknown ones', () => {
    expect(readParticipationCsv('student,activityId,occurredAt\n1,a,2026-01-01\n').problems).toEqual([
      { line: 1, message: expect.stringMatching(/lacks required column\(s\) studentId/) },
      { line: 1, message: expect.stringMatching(/unknown column\(s\) student/) },
    ]);
  });
});
