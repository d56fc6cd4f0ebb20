import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { studentStream } from '@laurel/progression';
import { startTestEngine, type TestEngine } from '../../../../test/support/test-engine';
import { eventId } from '../students/student-stream';

const participation = (overrides: Record<string, unknown> = {}) => ({
  participationId: randomUUID(),
  studentId: `s-${randomUUID().slice(0, 8)}`,
  activityId: 'robotics-club',
  occurredAt: '2026-10-14T16:00:00Z',
  role: 'volunteer',
  hours: 3,
  ...overrides,
});

describe('POST /participations', () => {
  let engine: TestEngine;
  let coordinator: Record<string, string>;
  beforeAll(async () => {
    engine = await startTestEngine();
    coordinator = await engine.as('coordinator');
  });
  afterAll(() => engine.close());

  describe('when a valid participation is recorded', () => {
    it('answers 201 with its stream revision and global position, and the timeline shows it', async () => {
      const body = participation();
      const res = await request(engine.http).post('/participations').set(coordinator).send(body).expect(201);
      expect(res.body).toEqual({
        participationId: body.participationId,
        streamRevision: 0,
        position: expect.any(Number),
      });

      const timeline = await request(engine.http).get(`/students/${body.studentId}/timeline`).set(coordinator).expect(200);
      expect(timeline.body.events).toHaveLength(1);
      expect(timeline.body.events[0]).toMatchObject({
        type: 'ParticipationRecorded',
        revision: 0,
        position: res.body.position,
        recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        data: {
          participationId: body.participationId,
          studentId: body.studentId,
          activityId: 'robotics-club',
          occurredAt: '2026-10-14T16:00:00.000Z',
          role: 'volunteer',
          hours: 3,
        },
        metadata: {
          actor: expect.any(String),
          correlationId: expect.any(String),
        },
      });
    });

    it('keeps the caller correlation id in the event metadata', async () => {
      const body = participation();
      await request(engine.http).post('/participations').set(coordinator).set('x-correlation-id', 'import-42').send(body).expect(201);
      const timeline = await request(engine.http).get(`/students/${body.studentId}/timeline`).set(coordinator).expect(200);
      expect(timeline.body.events[0].metadata.correlationId).toBe('import-42');
    });
  });

  describe('when the same request is sent again', () => {
    it('answers 200 with the same result and writes no second event', async () => {
      const body = participation();
      const first = await request(engine.http).post('/participations').set(coordinator).send(body).expect(201);
      const again = await request(engine.http).post('/participations').set(coordinator).send(body).expect(200);
      expect(again.body).toEqual(first.body);
      const timeline = await request(engine.http).get(`/students/${body.studentId}/timeline`).set(coordinator).expect(200);
      expect(timeline.body.events).toHaveLength(1);
    });

    it('treats an equivalent timestamp spelling as the same request', async () => {
      const body = participation({ occurredAt: '2026-10-14T16:00:00Z' });
      await request(engine.http).post('/participations').set(coordinator).send(body).expect(201);
      await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send({ ...body, occurredAt: '2026-10-14T18:00:00+02:00' })
        .expect(200);
    });
  });

  describe('when the same new participationId is sent for several students at once', () => {
    it('records it for one of them and answers 409 to the others, never 500', async () => {
      const participationId = randomUUID();
      const students = Array.from({ length: 4 }, () => `s-${randomUUID().slice(0, 8)}`);
      const results = await Promise.all(
        students.map((studentId) =>
          request(engine.http).post('/participations').set(coordinator).send(participation({ participationId, studentId })),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('PARTICIPATION_CONFLICT');
    });
  });

  describe('when the same participationId comes with a different body', () => {
    it('answers 409 and leaves the first record as it was', async () => {
      const body = participation();
      await request(engine.http).post('/participations').set(coordinator).send(body).expect(201);
      const res = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send({ ...body, hours: 5 })
        .expect(409);
      expect(res.body).toMatchObject({
        statusCode: 409,
        code: 'PARTICIPATION_CONFLICT',
      });
      expect(res.body.message).toContain(body.participationId);
      const timeline = await request(engine.http).get(`/students/${body.studentId}/timeline`).set(coordinator).expect(200);
      expect(timeline.body.events).toHaveLength(1);
      expect(timeline.body.events[0].data.hours).toBe(3);
    });
  });

  describe('when a voided participation is sent again', () => {
    it('answers 409 saying it was voided and to use a new participationId, in a batch too', async () => {
      const body = participation();
      await request(engine.http).post('/participations').set(coordinator).send(body).expect(201);
      const voided = await request(engine.http)
        .delete(`/participations/${body.participationId}`)
        .set(coordinator)
        .send({ reason: 'wrong student' })
        .expect(200);
      // A retried void answers as the first did; another reason is refused, saying when and why it was voided.
      const retried = await request(engine.http)
        .delete(`/participations/${body.participationId}`)
        .set(coordinator)
        .send({ reason: 'wrong student' })
        .expect(200);
      expect(retried.body).toEqual({ ...voided.body, repeated: true });
      const other = await request(engine.http)
        .delete(`/participations/${body.participationId}`)
        .set(coordinator)
        .send({ reason: 'duplicate' })
        .expect(409);
      expect(other.body.message).toMatch(/already void since .* \(reason: wrong student\)/);
      const again = await request(engine.http).post('/participations').set(coordinator).send(body).expect(409);
      expect(again.body).toMatchObject({ code: 'PARTICIPATION_ALREADY_VOIDED', message: expect.stringMatching(/was voided .* new participationId/) });
      const batch = await request(engine.http)
        .post('/participations/batch')
        .set(coordinator)
        .send({ participations: [body] })
        .expect(200);
      expect(batch.body.results).toEqual([expect.objectContaining({ status: 'rejected', code: 'PARTICIPATION_ALREADY_VOIDED' })]);
    });
  });

  describe('when the body is invalid', () => {
    it('answers 400 naming each bad field, and writes nothing', async () => {
      const before = await engine.store.lastPosition();
      const res = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send({
          participationId: 'not-a-uuid',
          studentId: '../etc',
          activityId: 'robotics-club',
          occurredAt: 'yesterday',
          role: 'boss',
          hours: -1,
          extra: 1,
        })
        .expect(400);
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
      expect(fields).toEqual(['extra', 'hours', 'occurredAt', 'participationId', 'role', 'studentId']);
      expect(res.body.message).toMatch(/participationId must be a UUID/);
      expect(res.body.message).toMatch(/occurredAt must be an ISO-8601 date-time/);
      expect(res.body.message).toMatch(/extra is not a known field; remove it/);
      expect(await engine.store.lastPosition()).toBe(before);
    });

    it('names the field a misspelt one probably meant, also in a batch row, and writes nothing', async () => {
      const before = await engine.store.lastPosition();
      const { hours: _hours, ...rest } = participation();
      const res = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send({ ...rest, hour: 2 })
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'hour', messages: ['hour is not a known field; did you mean hours?'] }]);
      const { studentId, ...noStudent } = participation();
      const batch = await request(engine.http)
        .post('/participations/batch')
        .set(coordinator)
        .send({ participations: [{ ...noStudent, student_id: studentId }] })
        .expect(200);
      expect(batch.body.results[0].message).toContain('student_id is not a known field; did you mean studentId?');
      expect(await engine.store.lastPosition()).toBe(before);
    });

    it('answers 400 for a date-time without a time zone, whose instant would depend on the server, saying how to write it', async () => {
      const res = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send(participation({ occurredAt: '2026-10-14T16:00:00' }))
        .expect(400);
      expect(res.body.errors).toEqual([
        {
          field: 'occurredAt',
          messages: [
            'occurredAt 2026-10-14T16:00:00 has no time zone: write 2026-10-14T16:00:00Z for UTC, or add the offset, e.g. 2026-10-14T16:00:00+02:00',
          ],
        },
      ]);
      await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send(participation({ occurredAt: '2026-10-14T18:00:00+02:00' }))
        .expect(201);
    });

    it('answers 400 for a date alone, asking for the time, and for a date the calendar lacks, naming what is wrong; in a batch row too, and writes nothing', async () => {
      const before = await engine.store.lastPosition();
      const dateOnly = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send(participation({ occurredAt: '2026-10-01' }))
        .expect(400);
      expect(dateOnly.body.errors).toEqual([
        {
          field: 'occurredAt',
          messages: [
            'occurredAt 2026-10-01 is a date without a time of day: send when it took place with Z or an offset, e.g. 2026-10-01T16:00:00Z or 2026-10-01T16:00:00+03:00 (2026-10-01T00:00:00Z if only the day is known)',
          ],
        },
      ]);
      const month = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send(participation({ occurredAt: '2026-14-10T10:00:00Z' }))
        .expect(400);
      expect(month.body.errors).toEqual([
        {
          field: 'occurredAt',
          messages: ['occurredAt 2026-14-10T10:00:00Z is not a date: there is no month 14; write the date as YYYY-MM-DD, the month from 01 to 12'],
        },
      ]);
      const batch = await request(engine.http)
        .post('/participations/batch')
        .set(coordinator)
        .send({ participations: [participation({ occurredAt: '2026-09-31T10:00:00Z' })] })
        .expect(200);
      expect(batch.body.results[0].message).toContain('occurredAt 2026-09-31T10:00:00Z is not a date: 2026-09 has no day 31 (it has 30 days)');
      expect(await engine.store.lastPosition()).toBe(before);
    });

    it('answers 400 for a body that is not JSON, saying where it goes wrong and what is wrong there, and writes nothing', async () => {
      const before = await engine.store.lastPosition();
      const cut = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .set('content-type', 'application/json')
        .send('{"participationId":')
        .expect(400);
      expect(cut.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        code: 'INVALID_JSON',
        message: 'the body is not valid JSON: at line 1, column 20 (offset 19): the body ends where a value should be: it looks cut short',
        position: { line: 1, column: 20, offset: 19 },
      });
      const comma = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .set('content-type', 'application/json')
        .send('{\n  "studentId": "20231234",\n  "hours": 2,\n}')
        .expect(400);
      expect(comma.body.message).toBe(
        'the body is not valid JSON: at line 3, column 13 (offset 41): a comma before "}": remove the comma after the last field',
      );
      const empty = await request(engine.http).post('/participations').set(coordinator).set('content-type', 'application/json').send('').expect(400);
      expect(empty.body).toMatchObject({ code: 'EMPTY_JSON_BODY', message: expect.stringMatching(/^the body is empty/) });
      expect(await engine.store.lastPosition()).toBe(before);
    });

    it('answers 400 saying to send JSON as application/json when it came as text, or as an array', async () => {
      const text = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .set('content-type', 'text/plain')
        .send(JSON.stringify(participation()))
        .expect(400);
      expect(text.body.message).toBe('the body must be a JSON object, sent with content-type: application/json (got text)');
      const array = await request(engine.http).post('/participations').set(coordinator).send([participation()]).expect(400);
      expect(array.body.message).toMatch(/must be a JSON object.*\(got an array\)/);
    });

    it('answers 400 when required fields are missing', async () => {
      const res = await request(engine.http).post('/participations').set(coordinator).send({}).expect(400);
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
      expect(fields).toEqual(['activityId', 'occurredAt', 'participationId', 'studentId']);
      // Each says it is required, not every rule a value would have had to follow.
      expect(res.body.errors).toContainEqual({ field: 'studentId', messages: ['studentId is required'] });
      // A field sent wrong still says what is wrong with it.
      const wrong = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send(participation({ studentId: 'a b' }))
        .expect(400);
      expect(wrong.body.errors).toEqual([{ field: 'studentId', messages: [expect.stringMatching(/^studentId must be/)] }]);
    });
  });

  describe('when a value has the wrong JSON type, or a batch row leaves a field out', () => {
    it('says which type to send, and a batch row says the field is required, as a single request does', async () => {
      const typed = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send(participation({ studentId: 5, occurredAt: 20260301, hours: '3' }))
        .expect(400);
      expect(typed.body.errors).toEqual([
        { field: 'studentId', messages: ['studentId must be a string'] },
        { field: 'occurredAt', messages: ['occurredAt must be an ISO-8601 date-time, e.g. 2026-10-14T16:00:00Z'] },
        { field: 'hours', messages: ['hours must be a number with at most 2 decimals'] },
      ]);

      const { occurredAt: _left, ...row } = participation();
      const batch = await request(engine.http)
        .post('/participations/batch')
        .set(coordinator)
        .send({ participations: [row] })
        .expect(200);
      expect(batch.body.results).toEqual([
        { row: 0, participationId: row.participationId, status: 'rejected', code: 'INVALID_ROW', message: 'occurredAt is required' },
      ]);
      // The id as sent, even when it is what is wrong: the coordinator searches their file for it.
      const badId = await request(engine.http)
        .post('/participations/batch')
        .set(coordinator)
        .send({ participations: [participation({ participationId: 'ROW-17' }), 'not a row'] })
        .expect(200);
      expect(badId.body.results).toEqual([
        { row: 0, participationId: 'ROW-17', status: 'rejected', code: 'INVALID_ROW', message: expect.stringMatching(/^participationId must be/) },
        { row: 1, status: 'rejected', code: 'INVALID_ROW', message: 'each row must be a participation object' },
      ]);

      const notRows = await request(engine.http).post('/participations/batch').set(coordinator).send({ participations: {} }).expect(400);
      expect(notRows.body.message).toBe('participations must be an array of participation objects');
    });
  });

  describe('when many participations for one student arrive at once', () => {
    it('records every one, each at its own revision', async () => {
      const studentId = `s-${randomUUID().slice(0, 8)}`;
      const results = await Promise.all(
        Array.from({ length: 25 }, () => request(engine.http).post('/participations').set(coordinator).send(participation({ studentId }))),
      );
      expect(results.map((r) => r.status)).toEqual(Array(25).fill(201));
      const revisions = results.map((r) => r.body.streamRevision as number).sort((a, b) => a - b);
      expect(revisions).toEqual(Array.from({ length: 25 }, (_, i) => i));
    });
  });

  describe('when a batch repeats a participationId', () => {
    it('refuses a row giving the id to a second student, with a 200 for the rest, and stores nothing for that student', async () => {
      const row = participation();
      const other = `s-${randomUUID().slice(0, 8)}`;
      const rows = [row, { ...row, studentId: other }];
      for (const dryRun of [true, false]) {
        const res = await request(engine.http).post('/participations/batch').set(coordinator).send({ participations: rows, dryRun }).expect(200);
        expect(res.body.summary).toEqual({ created: 1, unchanged: 0, rejected: 1 });
        expect(res.body.results[1]).toEqual({
          row: 1,
          participationId: row.participationId,
          status: 'rejected',
          code: 'PARTICIPATION_CONFLICT',
          message: `participation ${row.participationId} is given to student ${row.studentId} in row 0 of this batch; one participation belongs to one student: use a new participationId`,
        });
      }
      await request(engine.http).get(`/students/${other}/timeline`).set(coordinator).expect(404);
    });

    it('refuses a row repeating an id of this batch with other details, naming the row, not an earlier record', async () => {
      const row = participation();
      const clash = { ...row, occurredAt: '2026-10-15T16:00:00Z' };
      for (const dryRun of [true, false]) {
        const res = await request(engine.http)
          .post('/participations/batch')
          .set(coordinator)
          .send({ participations: [row, clash], dryRun })
          .expect(200);
        expect(res.body.results[1]).toEqual({
          row: 1,
          participationId: row.participationId,
          status: 'rejected',
          code: 'PARTICIPATION_CONFLICT',
          message: `participation ${row.participationId} is in row 0 of this batch with different details; use a new participationId for this row`,
        });
      }
    });

    it('answers the repeated row unchanged, where the first one is stored (no revision or position in a dry run)', async () => {
      const row = participation();
      const dry = await request(engine.http)
        .post('/participations/batch')
        .set(coordinator)
        .send({ participations: [row, row], dryRun: true })
        .expect(200);
      expect(dry.body.results).toEqual([
        { row: 0, participationId: row.participationId, status: 'created' },
        { row: 1, participationId: row.participationId, status: 'unchanged' },
      ]);
      const res = await request(engine.http)
        .post('/participations/batch')
        .set(coordinator)
        .send({ participations: [row, row] })
        .expect(200);
      const { streamRevision, position } = res.body.results[0];
      expect(res.body.results).toEqual([
        { row: 0, participationId: row.participationId, status: 'created', streamRevision: 0, position: expect.any(Number) },
        { row: 1, participationId: row.participationId, status: 'unchanged', streamRevision, position },
      ]);
    });
  });

  // The engine decides a student's next participation on what it last saw of the stream; these write behind its back.
  describe('when another process wrote to the student since the last request', () => {
    it('records the next participation after what the other process wrote', async () => {
      const first = participation();
      await request(engine.http).post('/participations').set(coordinator).send(first).expect(201);
      await engine.store.append(studentStream(first.studentId), [{ id: randomUUID(), type: 'LevelReached', data: { programId: 'p', level: 1 } }], {
        expectedRevision: 0n,
      });
      const res = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send(participation({ studentId: first.studentId }))
        .expect(201);
      expect(res.body.streamRevision).toBe(2);
    });

    it('answers 409 when the other process recorded the same participationId with other details', async () => {
      const first = participation();
      await request(engine.http).post('/participations').set(coordinator).send(first).expect(201);
      const elsewhere = participation({ studentId: first.studentId, hours: 1 });
      await engine.store.append(
        studentStream(first.studentId),
        [{ id: eventId('ParticipationRecorded', elsewhere.participationId), type: 'ParticipationRecorded', data: elsewhere }],
        { expectedRevision: 0n },
      );
      const res = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send({ ...elsewhere, hours: 2 })
        .expect(409);
      expect(res.body.code).toBe('PARTICIPATION_CONFLICT');
    });
  });
});

describe('GET /students/:id/timeline', () => {
  let engine: TestEngine;
  let coordinator: Record<string, string>;
  beforeAll(async () => {
    engine = await startTestEngine();
    coordinator = await engine.as('coordinator');
  });
  afterAll(() => engine.close());

  it('answers 404 for a student with no events', async () => {
    const res = await request(engine.http).get('/students/nobody-here/timeline').set(coordinator).expect(404);
    expect(res.body.message).toContain('nobody-here');
  });

  it('answers 400 for an id that is not a valid student id', async () => {
    await request(engine.http).get('/students/bad%20id%3B/timeline').set(coordinator).expect(400);
  });
});

describe('GET /health', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine();
  });
  afterAll(() => engine.close());

  it('answers 200 when the event store and Redis answer', async () => {
    const res = await request(engine.http).get('/health').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      checks: { eventStore: { status: 'up' }, redis: { status: 'up' } },
    });
  });
});
