import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { studentStream } from '@laurel/progression';
import { startTestEngine, type TestEngine } from '../../../../test/support/test-engine';
import { claimParticipation, participationClaimStream } from './participation-claims';

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

  describe('when a claim is made on the store itself', () => {
    it('belongs to the first student; their retry finds it, another student is told who holds it', async () => {
      const id = randomUUID();
      expect(await claimParticipation(engine.store, id, 'a-1', metadata)).toBe('a-1');
      expect(await claimParticipation(engine.store, id, 'a-1', metadata)).toBe('a-1');
      expect(await claimParticipation(engine.store, id, 'b-1', metadata)).toBe('a-1');
      const claims = await engine.store.readStream(participationClaimStream(id));
      expect(claims.map((e) => [e.type, e.data])).toEqual([['ParticipationClaimed', { participationId: id, studentId: 'a-1' }]]);
    });

    it('belongs to exactly one of two students claiming it at once', async () => {
      const id = randomUUID();
      const holders = await Promise.all([
        claimParticipation(engine.store, id, 'a-2', metadata),
        claimParticipation(engine.store, id, 'b-2', metadata),
      ]);
      expect(holders[0]).toBe(holders[1]);
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
  });
});
