import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { connectRedis, loadConfig, openEventStore } from '@laurel/platform';
import { spawnWorker } from '../../../../test/support/spawn-engine';
import { REPO_ROOT } from '../../../../test/support/test-engine';
import { AwardProcessor } from '../awards/award.processor';
import { startWorker, type RunningWorker } from '../start-worker';
import { removeRedisKeys } from '../../../../test/support/redis-keys';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A data folder and Redis prefix of its own, removed afterwards. */
function workerEnv(): { env: Record<string, string>; cleanUp: () => Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-test-'));
  const env = { LAUREL_DATA_DIR: dataDir, LAUREL_REDIS_PREFIX: `laurel-test:${randomUUID()}`, LAUREL_RULES_DIR: join(REPO_ROOT, 'rules'), REDIS_URL };
  return {
    env,
    async cleanUp() {
      await removeRedisKeys(env.LAUREL_REDIS_PREFIX);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('GET /health of the standalone worker', () => {
  describe('when the worker process runs with LAUREL_WORKER_HEALTH_PORT', () => {
    const { env, cleanUp } = workerEnv();
    afterAll(cleanUp);

    it('answers 200 with the event store, Redis, the projection and the award worker up', async () => {
      const worker = await spawnWorker(env);
      try {
        expect(worker.output()).toContain('projection on, award worker on; health: http://127.0.0.1:');
        const res = await fetch(worker.url);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({
          status: 'ok',
          checks: {
            eventStore: { status: 'up' },
            redis: { status: 'up' },
            projection: expect.objectContaining({ status: 'up', head: expect.stringMatching(/^-?\d+$/), lag: expect.stringMatching(/^\d+$/) }),
            awardWorker: { status: 'up' },
          },
        });
        // Only /health: the projections' operations are the API's, behind its access control.
        const rebuild = await fetch(new URL('/admin/projections/rebuild', worker.url), { method: 'POST' });
        expect(rebuild.status).toBe(404);

        // The API's metrics, of this process, on the same port.
        expect(worker.output()).toMatch(/health: http:\/\/127\.0\.0\.1:\d+\/health and metrics: http:\/\/127\.0\.0\.1:\d+\/metrics\)/);
        const metrics = await fetch(worker.url.replace(/\/health$/, '/metrics'));
        expect(metrics.status).toBe(200);
        expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        const text = await metrics.text();
        const series = [
          'laurel_process_cpu_seconds_total',
          'laurel_projection_lag_events',
          'laurel_award_jobs{state="failed"}',
          'laurel_event_store_head_position',
        ];
        for (const name of series) {
          expect(text).toMatch(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} -?\\d`, 'm'));
        }
      } finally {
        const exited = new Promise((resolve) => worker.child.once('exit', resolve));
        worker.child.kill('SIGTERM');
        await exited;
      }
    }, 60_000);
  });

  describe('when the award worker of an awards-only process has stopped', () => {
    const { env, cleanUp } = workerEnv();
    let worker: RunningWorker;
    beforeAll(async () => {
      const config = loadConfig({ ...env, LAUREL_ROLE: 'worker', LAUREL_PROJECTION: 'off', LAUREL_WORKER_HEALTH_PORT: '0' }, REPO_ROOT);
      worker = await startWorker({ config, store: openEventStore(config.eventStore), redis: await connectRedis(config.redisUrl), logger: false });
    }, 60_000);
    afterAll(async () => {
      await worker.app.close();
      await cleanUp();
    });

    it('answers 200 without a projection check while it runs, then 503 naming the award worker', async () => {
      const running = await fetch(worker.healthUrl!);
      expect(running.status).toBe(200);
      expect(await running.json()).toEqual({
        status: 'ok',
        checks: { eventStore: { status: 'up' }, redis: { status: 'up' }, awardWorker: { status: 'up' } },
      });

      await worker.app.get(AwardProcessor).onApplicationShutdown();
      const stopped = await fetch(worker.healthUrl!);
      expect(stopped.status).toBe(503);
      expect(await stopped.json()).toEqual({
        status: 'degraded',
        message: 'down: awardWorker',
        error: 'Service Unavailable',
        checks: { eventStore: { status: 'up' }, redis: { status: 'up' }, awardWorker: { status: 'down', error: 'the award worker is not running' } },
      });
    });
  });
});
