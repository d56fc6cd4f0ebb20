import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_NODE_FLAGS, kill9 } from '../../../test/support/spawn-engine';
import { REPO_ROOT } from '../../../test/support/test-engine';
import { removeRedisKeys } from '../../../test/support/redis-keys';

/** Starts the worker entry point; resolves with the process and its output once it says it runs, or once it exits. */
function startWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, [...ENGINE_NODE_FLAGS, '-r', '@swc-node/register', '-r', 'tsconfig-paths/register', join(REPO_ROOT, 'apps/worker/src/main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, LAUREL_LOG_LEVEL: 'info', SWC_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise<{ child: typeof child; output: string; code: number | null }>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Laurel worker is running')) resolve({ child, output, code: null });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => resolve({ child, output, code }));
  });
}

/** The nice value of every thread of a process (field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNices(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]));
}

describe('when the worker entry point starts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'laurel-worker-nice-'));
  const prefix = `laurel-test-${randomUUID()}`;
  const env = { LAUREL_DATA_DIR: dir, LAUREL_REDIS_PREFIX: prefix };

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await removeRedisKeys(prefix);
  });

  it('runs every thread at nice 5 by default, below the API', async () => {
    const worker = await startWorker(env);
    try {
      const expected = Math.max(5, getPriority());
      expect(worker.output).toContain(`Laurel worker is running (nice ${expected};`);
      const nices = threadNices(worker.child.pid!);
      expect(nices.length).toBeGreaterThan(1);
      expect(nices.every((n) => n === expected)).toBe(true);
    } finally {
      await kill9(worker.child);
    }
  }, 60_000);

  it('keeps the priority it was started with at LAUREL_WORKER_NICE=0', async () => {
    const worker = await startWorker({ ...env, LAUREL_WORKER_NICE: '0' });
    try {
      expect(worker.output).toContain(`Laurel worker is running (nice ${getPriority()};`);
      expect(threadNices(worker.child.pid!).every((n) => n === getPriority())).toBe(true);
    } finally {
      await kill9(worker.child);
    }
  }, 60_000);

  it('stops at start on a nice value it cannot use, with one line saying which values work', async () => {
    const worker = await startWorker({ ...env, LAUREL_WORKER_NICE: '-5' });
    expect(worker.code).toBe(1);
    expect(worker.output.trim()).toBe("LAUREL_WORKER_NICE=-5 is not valid: use a whole number from 0 (the API's priority) to 19 (the lowest)");
  }, 60_000);
});
