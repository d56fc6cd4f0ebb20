import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadOrCreateLocalAuthKey, mintLocalToken } from '@laurel/platform';
import { eventually } from './support/eventually';
import { kill9, spawnEngine, type SpawnedEngine } from './support/spawn-engine';
import { startTestEngine } from './support/test-engine';
import { removeRedisKeys } from './support/redis-keys';

/** The parent pid and nice value of a process from /proc, or undefined once it is gone (or a zombie). */
function processInfo(pid: number): { ppid: number; nice: number } | undefined {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return undefined;
  // Fields after the command name: state is the first, ppid the second, nice the seventeenth.
  const fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
  if (fields[0] === 'Z') return undefined;
  return { ppid: Number(fields[1]), nice: Number(fields[16]) };
}

const exitOf = (engine: SpawnedEngine) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const { exitCode, signalCode } = engine.child;
    if (exitCode !== null || signalCode !== null) return resolve({ code: exitCode, signal: signalCode });
    engine.child.once('exit', (code, signal) => resolve({ code, signal }));
  });

describe('the all-in-one engine (LAUREL_ROLE=all) and the worker process it starts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'laurel-all-in-one-'));
  const prefix = `laurel-test:${randomUUID()}`;
  const env = { LAUREL_DATA_DIR: dir, LAUREL_REDIS_PREFIX: prefix, LAUREL_LOG_LEVEL: 'warn' };
  let admin: Record<string, string>;

  beforeAll(async () => {
    const key = await loadOrCreateLocalAuthKey(join(dir, 'keys', 'auth-local.jwk.json'));
    admin = { authorization: `Bearer ${await mintLocalToken(key, { issuer: 'laurel-local', audience: 'laurel', rolesClaim: 'roles' }, { sub: 'admin-1', roles: ['admin'] })}` };
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await removeRedisKeys(prefix);
  });

  /** Starts the engine and reads the worker's pid from the line it prints. */
  async function start(): Promise<{ engine: SpawnedEngine; worker: number }> {
    const engine = await spawnEngine(env);
    const worker = Number(/worker process (\d+) at nice 5/.exec(engine.output())?.[1]);
    expect(worker).toBeGreaterThan(0);
    return { engine, worker };
  }

  it('runs the worker as its child at nice 5, and answers health and the projections for it', async () => {
    const { engine, worker } = await start();
    try {
      expect(processInfo(worker)).toEqual({ ppid: engine.child.pid, nice: 5 });
      expect(processInfo(engine.child.pid ?? 0)?.nice).toBe(0);
      const health = await fetch(`${engine.url}/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { checks: Record<string, unknown> }).checks).toEqual({
        eventStore: { status: 'up' },
        redis: { status: 'up' },
        projection: expect.objectContaining({ status: 'up', lag: expect.stringMatching(/^\d+$/) }),
        awardWorker: { status: 'up' },
      });
      const status = await fetch(`${engine.url}/admin/projections`, { headers: admin });
      expect(status.status).toBe(200);
      expect(await status.json()).toEqual({ checkpoint: expect.stringMatching(/^\d+$/), head: expect.stringMatching(/^\d+$/), lag: expect.stringMatching(/^\d+$/) });
      const rebuild = await fetch(`${engine.url}/admin/projections/rebuild`, { method: 'POST', headers: admin });
      expect(rebuild.status).toBe(202);
      expect(await rebuild.json()).toEqual({ startedAt: expect.any(String) });
    } finally {
      await kill9(engine.child);
    }
  }, 60_000);

  it("names the worker's own metrics URL when LAUREL_WORKER_HEALTH_PORT is set, and serves them there", async () => {
    const engine = await spawnEngine({ ...env, LAUREL_WORKER_HEALTH_PORT: '0' });
    try {
      const url = /at nice 5, its metrics: (http:\/\/[^\s;]+)/.exec(engine.output())?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const metrics = await fetch(url ?? '');
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^laurel_process_cpu_seconds_total \d/m);
    } finally {
      await kill9(engine.child);
    }
  }, 60_000);

  it('stops both on SIGTERM', async () => {
    const { engine, worker } = await start();
    const exited = exitOf(engine);
    engine.child.kill('SIGTERM');
    // Nest closes the application, then ends the process with the signal it received.
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(processInfo(worker)).toBeUndefined();
  }, 60_000);

  it('has its worker exit at once when the API process dies', async () => {
    const { engine, worker } = await start();
    await kill9(engine.child);
    await eventually(() => Promise.resolve(processInfo(worker) === undefined ? true : undefined), `worker process ${worker} to exit`, 5_000);
  }, 60_000);

  it('stops with status 1, naming the worker, when the worker process dies', async () => {
    const { engine, worker } = await start();
    const exited = exitOf(engine);
    process.kill(worker, 'SIGKILL');
    expect(await exited).toEqual({ code: 1, signal: null });
    expect(engine.output()).toContain(`the worker process (pid ${worker}) was killed by SIGKILL: stopping the engine`);
  }, 60_000);
});

describe('GET /admin/projections of an API process that runs no projection (LAUREL_ROLE=api)', () => {
  it('answers 404 saying where the projection runs and how to rebuild it there', async () => {
    const engine = await startTestEngine();
    try {
      const res = await request(engine.http).post('/admin/projections/rebuild').set(await engine.as('admin'));
      expect(res.status).toBe(404);
      expect((res.body as { message: string }).message).toMatch(/runs no projection \(LAUREL_ROLE=api\).*delete the checkpoint key/);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
