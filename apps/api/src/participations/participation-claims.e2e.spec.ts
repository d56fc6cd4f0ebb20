import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { EventStoreError } from '@laurel/event-store';
import { studentStream } from '@laurel/progression';
import { startTestEngine, type TestEngine } from '../../../../test/support/test-engine';
import { claimParticipation, participationClaimStream, releaseUnrecordedClaim } from './participation-claims';

const participation = (participationId: string, studentId: string) => ({
  participationId,
  studentId,
  activityId: 'basketball-league',
  occurredAt: '2026-10-14T16:00:00Z',
  role: 'participant',
});

describe('when one participation id is given to two students', () => {
  let engine: TestEngine;
  let coordinator: Record<string, string>;
  const metadata = { actor: 'coordinator:c-1' };
  beforeAll(async () => {
    engine = await startTestEngine();
    coordinator = await engine.as('coordinator');
  }, 60_000);
  afterAll(() => engine.close());

  it('tells a batch row the same as a single request: use a new participationId', async () => {
    const id = randomUUID();
    await request(engine.http)
      .post('/participations')
      .set(coordinator)
      .send(participation(id, `c-${randomUUID().slice(0, 8)}`))
      .expect(201);
    const single = await request(engine.http).post('/participations').set(coordinator).send(participation(id, 'd-1')).expect(409);
    const batch = await request(engine.http)
      .post('/participations/batch')
      .set(coordinator)
      .send({ participations: [participation(id, 'd-1')] })
      .expect(200);
    expect(batch.body.results).toEqual([
      {
        row: 0,
        participationId: id,
        status: 'rejected',
        code: 'PARTICIPATION_CONFLICT',
        message: `participation ${id} is already recorded for another student; use a new participationId`,
      },
    ]);
    expect(batch.body.results[0].message).toBe(single.body.message);
  });

  describe('when a claim is made on the store itself', () => {
    it('belongs to the first student; their retry finds it, another student is told who holds it', async () => {
      const id = randomUUID();
      expect(await claimParticipation(engine.store, id, 'a-1', metadata)).toEqual({ holder: 'a-1', revision: 0n, made: true });
      expect(await claimParticipation(engine.store, id, 'a-1', metadata)).toEqual({ holder: 'a-1', revision: 0n, made: false });
      expect(await claimParticipation(engine.store, id, 'b-1', metadata)).toEqual({ holder: 'a-1', revision: 0n, made: false });
      const claims = await engine.store.readStream(participationClaimStream(id));
      expect(claims.map((e) => [e.type, e.data])).toEqual([['ParticipationClaimed', { participationId: id, studentId: 'a-1' }]]);
    });

    it('belongs to exactly one of two students claiming it at once', async () => {
      const id = randomUUID();
      const holders = await Promise.all([
        claimParticipation(engine.store, id, 'a-2', metadata),
        claimParticipation(engine.store, id, 'b-2', metadata),
      ]);
      expect(holders[0].holder).toBe(holders[1].holder);
      expect(holders.filter((h) => h.made)).toHaveLength(1);
      expect(await engine.store.readStream(participationClaimStream(id))).toHaveLength(1);
    });

    it('is free again once released, for whoever claims it next', async () => {
      const id = randomUUID();
      const first = await claimParticipation(engine.store, id, 'a-3', metadata);
      await releaseUnrecordedClaim(engine.store, id, 'a-3', first, metadata);
      expect(await claimParticipation(engine.store, id, 'b-3', metadata)).toEqual({ holder: 'b-3', revision: 2n, made: true });
      const claims = await engine.store.readStream(participationClaimStream(id));
      expect(claims.map((e) => [e.type, (e.data as { studentId: string }).studentId])).toEqual([
        ['ParticipationClaimed', 'a-3'],
        ['ParticipationClaimReleased', 'a-3'],
        ['ParticipationClaimed', 'b-3'],
      ]);
    });

    it('is not released by a request that did not make it, nor once the participation is recorded', async () => {
      const id = randomUUID();
      const made = await claimParticipation(engine.store, id, 'a-4', metadata);
      await releaseUnrecordedClaim(engine.store, id, 'a-4', { ...made, made: false }, metadata);
      await engine.store.append(studentStream('a-4'), [
        { id: randomUUID(), type: 'ParticipationRecorded', data: participation(id, 'a-4'), metadata },
      ]);
      await releaseUnrecordedClaim(engine.store, id, 'a-4', made, metadata);
      expect(await engine.store.readStream(participationClaimStream(id))).toHaveLength(1);
    });
  });

  describe('when the store refuses one event id in two streams (the embedded store)', () => {
    it('records it for the first of two batches at once and rejects the row of the other', async () => {
      const batched = randomUUID();
      const [a, b] = [`sa-${randomUUID().slice(0, 8)}`, `sb-${randomUUID().slice(0, 8)}`];
      const other = randomUUID();
      const batches = await Promise.all(
        [a, b].map((studentId) =>
          request(engine.http)
            .post('/participations/batch')
            .set(coordinator)
            .send({ participations: [participation(batched, studentId), participation(studentId === a ? other : randomUUID(), studentId)] }),
        ),
      );
      expect(batches.map((r) => r.status)).toEqual([200, 200]);
      const firstRows = batches.map((r) => (r.body.results as { status: string; code?: string }[])[0]);
      expect(firstRows).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'created' })]));
      expect(firstRows).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'rejected', code: 'PARTICIPATION_CONFLICT' })]));
      // The other rows of both batches are recorded.
      expect(batches.map((r) => (r.body.results as { status: string }[])[1]!.status)).toEqual(['created', 'created']);
    });
  });

  // EventStoreDB (no server here) stores one event id in two streams; the engine's real SQLite store says so here,
  // so the API takes the path it takes on EventStoreDB: claim first, then record.
  describe('when the store checks event ids per stream only', () => {
    beforeAll(() => {
      Object.defineProperty(engine.store, 'eventIdScope', { value: 'stream' });
    });

    it('records it for the first of two requests at once and answers the other 409, one at a time or in batches', async () => {
      const single = randomUUID();
      const [a, b] = [`pa-${randomUUID().slice(0, 8)}`, `pb-${randomUUID().slice(0, 8)}`];
      const answers = await Promise.all(
        [a, b].map((studentId) => request(engine.http).post('/participations').set(coordinator).send(participation(single, studentId))),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
      const refused = answers.find((r) => r.status === 409)!;
      expect(refused.body.message).toBe(`participation ${single} is already recorded for another student; use a new participationId`);
      const [claim] = await engine.store.readStream(participationClaimStream(single));
      const holder = (claim!.data as { studentId: string }).studentId;
      expect(await engine.store.readStream(studentStream(holder))).toHaveLength(1);
      expect(await engine.store.readStream(studentStream(holder === a ? b : a))).toEqual([]);

      const batched = randomUUID();
      const batches = await Promise.all(
        [a, b].map((studentId) =>
          request(engine.http)
            .post('/participations/batch')
            .set(coordinator)
            .send({ participations: [participation(batched, studentId)] })
            .expect(200),
        ),
      );
      const statuses = batches.map((r) => (r.body.results as { status: string; code?: string }[])[0]);
      expect(statuses).toEqual(
        expect.arrayContaining([
          { row: 0, participationId: batched, status: 'created', streamRevision: expect.any(Number), position: expect.any(Number) },
        ]),
      );
      expect(statuses).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'rejected', code: 'PARTICIPATION_CONFLICT' })]));
    });

    /** Makes the store fail the next append to `stream`, as EventStoreDB does when it goes away between the claim and the record. */
    const failNextAppendTo = (stream: string) => {
      const append = engine.store.append.bind(engine.store);
      jest.spyOn(engine.store, 'append').mockImplementation((to, events, options) => {
        if (to !== stream) return append(to, events, options);
        jest.mocked(engine.store.append).mockRestore();
        return Promise.reject(new EventStoreError('EVENT_STORE_UNAVAILABLE', 'the event store went away'));
      });
    };

    it('releases the claim when the student append fails, so the id can be recorded later, for another student too', async () => {
      const id = randomUUID();
      const [a, b] = [`fa-${randomUUID().slice(0, 8)}`, `fb-${randomUUID().slice(0, 8)}`];
      failNextAppendTo(studentStream(a));
      await request(engine.http).post('/participations').set(coordinator).send(participation(id, a)).expect(503);
      expect((await engine.store.readStream(participationClaimStream(id))).map((e) => e.type)).toEqual([
        'ParticipationClaimed',
        'ParticipationClaimReleased',
      ]);
      await request(engine.http).post('/participations').set(coordinator).send(participation(id, b)).expect(201);
      await request(engine.http).post('/participations').set(coordinator).send(participation(id, a)).expect(409);

      const batched = randomUUID();
      failNextAppendTo(studentStream(a));
      await request(engine.http)
        .post('/participations/batch')
        .set(coordinator)
        .send({ participations: [participation(batched, a)] })
        .expect(503);
      const batch = await request(engine.http)
        .post('/participations/batch')
        .set(coordinator)
        .send({ participations: [participation(batched, b)] })
        .expect(200);
      expect(batch.body.results[0]).toMatchObject({ status: 'created' });
    });

    it('keeps the claim of a student whose request was refused because their stream holds the id already', async () => {
      const id = randomUUID();
      const [a, b] = [`ka-${randomUUID().slice(0, 8)}`, `kb-${randomUUID().slice(0, 8)}`];
      await request(engine.http).post('/participations').set(coordinator).send(participation(id, a)).expect(201);
      await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send({ ...participation(id, a), hours: 3 })
        .expect(409);
      await request(engine.http).post('/participations').set(coordinator).send(participation(id, b)).expect(409);
      expect(await engine.store.readStream(participationClaimStream(id))).toHaveLength(1);
    });
  });
});
