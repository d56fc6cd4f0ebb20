import { Injectable, ServiceUnavailableException, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { fork, type ChildProcess } from 'node:child_process';
import {
  AWARD_WORKER_HEALTH,
  PROJECTION_HEALTH,
  PROJECTIONS_ADMIN,
  type ComponentHealth,
  type HealthSource,
  type ProjectionsAdmin,
  type ProjectionStatus,
} from '@laurel/platform';
import type { ChildMessage, ParentRequest } from '../../../worker/src/parent-channel';

/** The worker process did not answer: it is gone, still starting, or too busy. */
export class WorkerProcessUnavailable extends Error {}

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void; timer: NodeJS.Timeout };

/** How long a health answer may take; the API's own checks allow as long. */
const HEALTH_TIMEOUT_MS = 1000;
/** How long a rebuild may take to start (it stops the projection first) or the status to come. */
const ADMIN_TIMEOUT_MS = 30_000;
/** How long the worker process may take to stop (it finishes running award jobs) before it is killed. */
const STOP_TIMEOUT_MS = 15_000;

/**
 * The worker process the all-in-one engine (`LAUREL_ROLE=all`) starts beside
 * its API (ADR 0010): `apps/worker/src/main.ts`, forked with the same
 * environment and Node flags, at the lower CPU priority every worker process
 * gives itself. Health and the projections' operations are asked of it over
 * the IPC channel; it stops when the API stops, and exits by itself should
 * the API process die.
 *
 * @example
 * const worker = new WorkerProcess(require.resolve('../../worker/src/main'));
 * const app = await createApi({ ..., extraModules: [workerProcessModule(worker)] });
 * await worker.start((why) => { console.error(why); process.exit(1); });
 */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private ended: string | undefined;
  private stopping = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The nice value the worker process runs at, once it is ready. */
  nice: number | undefined;
  /** Where the worker process serves its own /metrics (and /health), with LAUREL_WORKER_HEALTH_PORT set. */
  metricsUrl: string | undefined;

  constructor(private readonly entry: string) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Forks the worker and resolves once it is ready; rejects if it exits
   * first (its own error is on the shared stderr). `onLost` is called should
   * it exit later without being asked to.
   */
  start(onLost: (why: string) => void): Promise<void> {
    const child = fork(this.entry, [], { stdio: 'inherit' });
    this.child = child;
    return new Promise((resolve, reject) => {
      let ready = false;
      child.on('message', (message: ChildMessage) => {
        if (message.kind === 'ready') {
          ready = true;
          this.nice = message.nice;
          this.metricsUrl = message.metricsUrl;
          resolve();
        } else this.settle(message);
      });
      child.once('exit', (code, signal) => {
        const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        this.ended = `the worker process (pid ${child.pid}) ${why}`;
        for (const [id, pending] of this.pending) {
          clearTimeout(pending.timer);
          pending.reject(new WorkerProcessUnavailable(this.ended));
          this.pending.delete(id);
        }
        if (!ready) reject(new WorkerProcessUnavailable(`${this.ended} before it was ready`));
        else if (!this.stopping) onLost(this.ended);
      });
    });
  }

  /** Asks the worker process to finish its running jobs and stop; kills it if it takes longer than 15 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    if (child.connected) child.send({ kind: 'shutdown' } satisfies ParentRequest);
    else child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  }

  /** The health of the projection and the award worker in the worker process (each `undefined` if it runs none). */
  health(): Promise<{ projection?: ComponentHealth; awardWorker?: ComponentHealth }> {
    return this.request('health', HEALTH_TIMEOUT_MS) as Promise<{ projection?: ComponentHealth; awardWorker?: ComponentHealth }>;
  }

  /** One question to the worker process; rejects with {@link WorkerProcessUnavailable} when it cannot answer. */
  request(kind: 'health' | 'projections.status' | 'projections.rebuild', timeoutMs: number): Promise<unknown> {
    const child = this.child;
    if (this.ended || !child?.connected) return Promise.reject(new WorkerProcessUnavailable(this.ended ?? 'the worker process is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new WorkerProcessUnavailable(`the worker process (pid ${child.pid}) did not answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      child.send({ id, kind } satisfies ParentRequest);
    });
  }

  private settle(message: ChildMessage & { kind: 'answer' }): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if ('error' in message) pending.reject(new WorkerProcessUnavailable(message.error));
    else pending.resolve(message.value);
  }
}

/** The API-side providers of the background parts' health and operations, backed by `worker`. */
export function workerProcessModule(worker: WorkerProcess): DynamicModule {
  const part = (name: 'projection' | 'awardWorker'): HealthSource => ({
    async health() {
      try {
        return (await worker.health())[name];
      } catch (err) {
        return { status: 'down', error: (err as Error).message };
      }
    },
  });
  // A worker process that cannot answer is the server's problem, not the caller's.
  const ask = <T>(kind: 'projections.status' | 'projections.rebuild') =>
    worker.request(kind, ADMIN_TIMEOUT_MS).catch((err: Error) => {
      throw new ServiceUnavailableException(err.message);
    }) as Promise<T>;
  const admin: ProjectionsAdmin = {
    status: () => ask<ProjectionStatus>('projections.status'),
    rebuild: () => ask<{ startedAt: string }>('projections.rebuild'),
  };
  @Injectable()
  class WorkerProcessLifecycle implements OnApplicationShutdown {
    onApplicationShutdown(): Promise<void> {
      return worker.stop();
    }
  }
  return {
    module: class WorkerProcessModule {},
    providers: [
      { provide: PROJECTION_HEALTH, useValue: part('projection') },
      { provide: AWARD_WORKER_HEALTH, useValue: part('awardWorker') },
      { provide: PROJECTIONS_ADMIN, useValue: admin },
      WorkerProcessLifecycle,
    ],
  };
}
