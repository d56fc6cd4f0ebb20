import { readParticipationCsv } from './csv-rows';

describe('when reading an attendance CSV', () => {
  it('reads rows with their line numbers and derives stable participation ids', () => {
    const csv =
      'studentId,activityId,occurredAt,role,hours\n20231234,robotics-club,2026-10-14,volunteer,2.5\n\n20231235,hackathon,2026-10-15T09:00:00+03:00,,\n';
    const first = readParticipationCsv(csv);
    expect(first.problems).toEqual([]);
    expect(first.rows).toEqual([
      {
        line: 2,
        derivedId: true,
        written: '2026-10-14',
        body: {
          participationId: expect.any(String),
          studentId: '20231234',
          activityId: 'robotics-club',
          occurredAt: '2026-10-14T00:00:00.000Z',
          role: 'volunteer',
          hours: 2.5,
        },
      },
      {
        line: 4,
        derivedId: true,
        written: '2026-10-15T09:00:00+03:00',
        body: { participationId: expect.any(String), studentId: '20231235', activityId: 'hackathon', occurredAt: '2026-10-15T06:00:00.000Z' },
      },
    ]);
    expect(readParticipationCsv(csv).rows.map((r) => r.body.participationId)).toEqual(first.rows.map((r) => r.body.participationId));
  });

  it('accepts semicolons and decimal commas, as spreadsheets in Lithuania export them', () => {
    const { rows, problems } = readParticipationCsv('studentId;activityId;occurredAt;hours\n1;photo-club;2026-10-01;1,5\n');
    expect(problems).toEqual([]);
    expect(rows[0]?.body.hours).toBe(1.5);
  });

  it('reads a tab-separated file, as a spreadsheet saves "text (tab delimited)"', () => {
    const { rows, problems } = readParticipationCsv('Student ID\tActivity ID\tOccurred at\tHours\n1\tphoto-club\t2026-10-01\t1,5\n');
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.body)).toEqual([
      expect.objectContaining({ studentId: '1', activityId: 'photo-club', occurredAt: '2026-10-01T00:00:00.000Z', hours: 1.5 }),
    ]);
  });

  it('names the column an unknown header most likely means', () => {
    const { problems } = readParticipationCsv('student,activity,occurredAt,date\n1,photo-club,2026-10-01,x\n');
    expect(problems).toEqual([
      {
        line: 1,
        message:
          'the header lacks required column(s) studentId, activityId; columns are studentId, activityId, occurredAt, participationId, role, hours, evidence',
        file: true,
      },
      {
        line: 1,
        message:
          'unknown column(s) student (did you mean studentId?), activity (did you mean activityId?), date; columns are studentId, activityId, occurredAt, participationId, role, hours, evidence',
        file: true,
      },
    ]);
  });

  it('names the line and the problem of each bad row, and keeps the good ones', () => {
    const { rows, problems } = readParticipationCsv(
      'studentId,activityId,occurredAt,hours\n1,photo-club,14/10/2026,\n2,,2026-10-01,x\n3,photo-club,2026-10-01,1\n',
    );
    expect(rows.map((r) => r.line)).toEqual([4]);
    expect(problems).toEqual([
      {
        line: 2,
        message: 'occurredAt "14/10/2026" is not a date; write YYYY-MM-DD, or an ISO-8601 date-time with Z or an offset, e.g. 2026-10-14T16:00:00Z',
      },
      { line: 3, message: 'activityId is empty; hours "x" is not a number' },
    ]);
  });

  it('names a line with more or fewer fields than the header, and reads the lines after it', () => {
    const { rows, problems } = readParticipationCsv(
      'studentId,activityId,occurredAt,hours\n1,photo-club,2026-10-01,2,5\n2,photo-club\n3,photo-club,2026-10-01,1\n',
    );
    expect(rows.map((r) => r.line)).toEqual([4]);
    expect(problems).toEqual([
      {
        line: 2,
        message: 'the line has more fields than the header\'s 4 (studentId,activityId,occurredAt,hours); a value holding "," needs double quotes',
      },
      {
        line: 3,
        message:
          'the line has fewer fields than the header\'s 4 (studentId,activityId,occurredAt,hours); write every column, leaving a value out as an empty field (",,")',
      },
    ]);
  });

  it('reads a header as a spreadsheet writes it, with spaces, underscores and capitals', () => {
    const { rows, problems } = readParticipationCsv('Student ID;activity_id;Occurred At;Role;Hours\n1;photo-club;2026-10-01;volunteer;2\n');
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.body)).toEqual([
      {
        participationId: expect.any(String),
        studentId: '1',
        activityId: 'photo-club',
        occurredAt: '2026-10-01T00:00:00.000Z',
        role: 'volunteer',
        hours: 2,
      },
    ]);
  });

  it('skips a blank spreadsheet row written as separators only, and reads the lines after it', () => {
    const { rows, problems } = readParticipationCsv(
      'studentId;activityId;occurredAt;hours\n;;;\n1;photo-club;2026-10-01;1\n;;\n2;photo-club;2026-10-01;1\n',
    );
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.line)).toEqual([3, 5]);
  });

  it('names the line a row starts on when a quoted value before it spans several lines, with LF or CRLF', () => {
    for (const eol of ['\n', '\r\n']) {
      const csv = [
        'studentId,activityId,occurredAt,evidence',
        '1,photo-club,2026-10-01,"Vilnius,',
        'Saulėtekio al. 11"',
        '',
        '2,photo-club,bad,',
        '3,,2026-10-01,"a',
        'b"',
      ].join(eol);
      const { rows, problems } = readParticipationCsv(csv);
      expect(rows.map((r) => r.line)).toEqual([2]);
      expect(problems.map((p) => p.line)).toEqual([5, 6]);
    }
  });

  it('refuses a header without the required columns, or with unknown ones', () => {
    expect(readParticipationCsv('student,activityId,occurredAt\n1,a,2026-01-01\n').problems).toEqual([
      { line: 1, message: expect.stringMatching(/lacks required column\(s\) studentId/), file: true },
      { line: 1, message: expect.stringMatching(/unknown column\(s\) student/), file: true },
    ]);
  });

  it('refuses dates and times that are not in the calendar, naming the line', () => {
    const { rows, problems } = readParticipationCsv(
      'studentId,activityId,occurredAt\n1,a,2026-02-30\n2,a,2026-13-01\n3,a,2026-10-01T24:00:00Z\n4,a,2028-02-29\n5,a,2026-10-01T10:00+25:00\n',
    );
    expect(rows.map((r) => r.body.occurredAt)).toEqual(['2028-02-29T00:00:00.000Z']);
    expect(problems).toEqual([
      { line: 2, message: 'occurredAt 2026-02-30 is not a date: 2026-02 has no day 30 (it has 28 days)' },
      { line: 3, message: 'occurredAt 2026-13-01 is not a date: there is no month 13; write the date as YYYY-MM-DD, the month from 01 to 12' },
      { line: 4, message: 'occurredAt 2026-10-01T24:00:00Z is not a time of day: write the time from 00:00 to 23:59:59' },
      { line: 6, message: 'occurredAt 2026-10-01T10:00+25:00 has an impossible time zone offset +25:00: an offset is from -23:59 to +23:59' },
    ]);
  });

  it('accepts a space for the T, as spreadsheets write date-times, and says how to write a time without a zone', () => {
    const { rows, problems } = readParticipationCsv('studentId,activityId,occurredAt\n1,a,2026-10-01 10:00+03:00\n2,a,2026-10-01 10:00\n');
    expect(rows.map((r) => r.body.occurredAt)).toEqual(['2026-10-01T07:00:00.000Z']);
    expect(problems).toEqual([
      {
        line: 3,
        message: 'occurredAt 2026-10-01 10:00 has no time zone: write 2026-10-01T10:00Z for UTC, or add the offset, e.g. 2026-10-01T10:00+02:00',
      },
    ]);
  });

  it('says an empty file is empty and names the required header', () => {
    for (const empty of ['', '\uFEFF\r\n\r\n'])
      expect(readParticipationCsv(empty).problems).toEqual([
        {
          line: 1,
          message: 'the file is empty; its first line must be a header naming the columns, at least studentId,activityId,occurredAt',
          file: true,
        },
      ]);
  });

  it('finds no rows and no problem in a file with only a header', () => {
    expect(readParticipationCsv('studentId,activityId,occurredAt\n')).toEqual({ rows: [], problems: [] });
  });

  it('matches header names and roles whatever their case and padding', () => {
    const { rows, problems } = readParticipationCsv(' StudentID ;ACTIVITYID;occurredat;Role\n1;photo-club;2026-10-01; Volunteer\n');
    expect(problems).toEqual([]);
    expect(rows[0]?.body).toMatchObject({ studentId: '1', activityId: 'photo-club', role: 'volunteer' });
  });
});
