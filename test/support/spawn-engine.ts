import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './test-engine';

export interface SpawnedEngine {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** Node flags the engine runs with, as `npm start` and the Dockerfile give them (docs/adr/0006-young-generation-size.md). */
export const ENGINE_NODE_FLAGS = ['--max-semi-space-size=64'];

/**
 * Starts the real engine entry point (apps/api/src/main.ts) in a child
 * process, from source through SWC, and resolves with its URL once it says
 * it is listening.
 */
export function spawnEngine(env: Record<string, string>, timeoutMs = 30_000): Promise<SpawnedEngine> {
  return spawnEntry('engine', 'apps/api/src/main.ts', /listening on (http:\/\/[^\s]+)/, env, timeoutMs);
}

/**
 * Starts the standalone worker (apps/worker/src/main.ts) with a health port
 * and resolves with its health URL once it says it is running.
 */
export function spawnWorker(env: Record<string, string>, timeoutMs = 30_000): Promise<SpawnedEngine> {
  return spawnEntry('worker', 'apps/worker/src/main.ts', /health: (http:\/\/[^\s)]+)/, { LAUREL_WORKER_HEALTH_PORT: '0', ...env }, timeoutMs);
}

function spawnEntry(name: string, entry: string, ready: RegExp, env: Record<string, string>, timeoutMs: number): Promise<SpawnedEngine> {
  const child = spawn(process.execPath, [...ENGINE_NODE_FLAGS, '-r', '@swc-node/register', '-r', 'tsconfig-paths/register', join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: { ...process.env, LAUREL_PORT: '0', LAUREL_LOG_LEVEL: 'info', SWC_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], child, output: () => out });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    // 'close', not 'exit': by then the output is read to its end, so the rejection carries the process's last words.
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${out}`));
    });
  });
}

/** Kills the process with SIGKILL (no shutdown hooks run) and waits for it to be gone. */
export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
