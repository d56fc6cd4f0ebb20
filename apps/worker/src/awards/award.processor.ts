import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { LAUREL_CONFIG, probe, type ComponentHealth, type HealthSource, type LaurelConfig } from '@laurel/platform';
import { AWARD_QUEUE, type AwardJob } from './award-queue';
import { AwardSigner, type SignOutcome } from './sign-award';

/** Tuning of the award worker; tests shorten the lock so a killed worker's jobs come back quickly. */
export interface AwardWorkerOptions {
  concurrency: number;
  /** How long a job stays locked to its worker without a heartbeat (a killed worker's jobs return after it). */
  lockDuration: number;
  /** How often this worker looks for jobs whose worker died. */
  stalledInterval: number;
}

export const AWARD_WORKER_OPTIONS = Symbol.for('laurel.AwardWorkerOptions');

// 128 jobs in flight: signing runs on libuv's thread pool, the embedded store commits the appends of
// concurrent jobs in one transaction and the lookup index writes theirs in one HSET, so more jobs in flight
// means fewer fsyncs and round trips per credential (at 32, a commit carried ~10 credentials; the fsync,
// not the bytes, dominated). The main thread, not Redis or the store, is what saturates.
export const AWARD_WORKER_DEFAULTS: AwardWorkerOptions = { concurrency: 128, lockDuration: 30_000, stalledInterval: 15_000 };

/**
 * The BullMQ worker of the `awards` queue: each job signs one award
 * ({@link AwardSigner}). Retries come from the queue's backoff; an award that
 * can never be signed fails at once with `UnrecoverableError` and stays in
 * the failed set (GET /awards/failed). Shutdown waits for running jobs.
 */
@Injectable()
export class AwardProcessor implements OnApplicationBootstrap, OnApplicationShutdown, HealthSource {
  private readonly logger = new Logger('award-worker');
  private worker?: Worker<AwardJob, SignOutcome>;
  private connection?: Redis;
  private readonly options: AwardWorkerOptions;

  constructor(
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
    private readonly signer: AwardSigner,
    @Optional() @Inject(AWARD_WORKER_OPTIONS) options?: Partial<AwardWorkerOptions>,
  ) {
    this.options = { ...AWARD_WORKER_DEFAULTS, ...options };
  }

  onApplicationBootstrap(): void {
    if (!this.config.awardWorker) {
      this.logger.log('LAUREL_AWARD_WORKER=off: awards are queued here and signed by other worker processes');
      return;
    }
    // BullMQ blocks on this connection while waiting for jobs, so it is the worker's own.
    this.connection = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
    this.worker = new Worker<AwardJob, SignOutcome>(AWARD_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: this.config.redisPrefix,
      concurrency: this.options.concurrency,
      lockDuration: this.options.lockDuration,
      stalledInterval: this.options.stalledInterval,
      // A job whose worker died is run again; signing is idempotent, so several stalls are harmless.
      maxStalledCount: 5,
    });
    this.worker.on('failed', (job, err) => {
      if (job && (job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError')) {
        this.logger.error(`award ${job.data.awardId} (student ${job.data.studentId}) could not be signed: ${err.message}`);
      }
    });
    this.worker.on('error', (err) => this.logger.error(`award worker: ${err.message}`));
  }

  /**
   * For GET /health: down when the BullMQ worker is not running (closed, or
   * never started) or its own Redis connection does not answer, since then
   * no award is signed however healthy the rest of the process looks.
   */
  async health(): Promise<ComponentHealth | undefined> {
    if (!this.config.awardWorker) return undefined;
    const { worker, connection } = this;
    if (!worker || !connection || !worker.isRunning()) return { status: 'down', error: 'the award worker is not running' };
    const redis = await probe(() => connection.ping());
    return redis.status === 'up' ? { status: 'up' } : { status: 'down', error: `the award worker's Redis connection: ${redis.error}` };
  }

  private process(job: Job<AwardJob, SignOutcome>): Promise<SignOutcome> {
    return this.signer.sign(job.data);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    this.connection?.disconnect();
  }
}
