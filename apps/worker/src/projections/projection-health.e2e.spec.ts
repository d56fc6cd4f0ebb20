import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually } from '../../../../test/support/eventually';
import { startTestEngine, type TestEngine } from '../../../../test/support/test-engine';
import { WorkerModule } from '../worker.module';
import { ProjectionsService } from './projections.service';
import { RuleProjection } from './rule-projection';

describe('GET /health with the projection in the process', () => {
  let engine: TestEngine;
  let coordinator: Record<string, string>;
  beforeAll(async () => {
    engine = await startTestEngine({ modules: [WorkerModule.forRoot()] });
    coordinator = await engine.as('coordinator');
  }, 60_000);
  afterAll(() => engine.close());
  afterEach(() => jest.restoreAllMocks());

  const participate = async (studentId: string) =>
    request(engine.http)
      .post('/participations')
      .set(coordinator)
      .send({ participationId: randomUUID(), studentId, activityId: 'basketball-league', occurredAt: '2026-10-14T16:00:00Z', role: 'participant' })
      .expect(201);

  it('answers 200 with where the projection is against the log', async () => {
    const res = await participate(`h-${randomUUID().slice(0, 8)}`);
    await engine.app.get(ProjectionsService).waitFor(res.body.position as number);
    const health = await request(engine.http).get('/health').expect(200);
    expect(health.body).toEqual({
      status: 'ok',
      checks: {
        eventStore: { status: 'up' },
        redis: { status: 'up' },
        projection: {
          status: 'up',
          checkpoint: expect.stringMatching(/^\d+$/),
          head: expect.stringMatching(/^\d+$/),
          lag: expect.stringMatching(/^\d+$/),
        },
        awardWorker: { status: 'up' },
      },
    });
  });

  describe('when the projection cannot flush', () => {
    it('answers 503 naming the cause while it fails, then catches up on its own and answers 200 again', async () => {
      const studentId = `h-${randomUUID().slice(0, 8)}`;
      const flush = jest.spyOn(engine.app.get(RuleProjection), 'flush').mockRejectedValue(new Error('Redis is unreachable (injected)'));
      const recorded = await participate(studentId);
      const position = BigInt(recorded.body.position as number);

      const failing = await eventually(async () => {
        const res = await request(engine.http).get('/health');
        return res.status === 503 ? (res.body as { checks: { projection: Record<string, unknown> } }) : undefined;
      }, 'a 503 from /health');
      expect(failing.checks.projection).toMatchObject({
        status: 'down',
        state: 'failing',
        error: expect.stringContaining('Redis is unreachable (injected)'),
        failingSince: expect.any(String),
        attempts: expect.any(Number),
      });
      expect(Number(failing.checks.projection.lag)).toBeGreaterThan(0);
      // The checkpoint stays before the participation while its effects cannot be written.
      expect(BigInt(failing.checks.projection.checkpoint as string)).toBeLessThan(position);

      flush.mockRestore();
      await eventually(async () => ((await request(engine.http).get('/health')).status === 200 ? true : undefined), 'a 200 from /health');
      await engine.app.get(ProjectionsService).waitFor(position);
      const doc = await engine.redis.hget(`${engine.config.redisPrefix}:rm:progression:vilnius-tech`, studentId);
      expect(doc).toContain(studentId);
    }, 60_000);
  });
});
