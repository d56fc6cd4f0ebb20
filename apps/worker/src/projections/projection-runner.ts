import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { EventFilter, EventStore, RecordedEvent, Subscription } from '@laurel/event-store';

/**
 * A projection folds the log into something else (Redis read models, new
 * events). `apply` is called once per event in global order and must be safe
 * to repeat: after a crash the events since the last checkpoint are applied
 * again. `flush` makes everything applied so far durable; the checkpoint is
 * saved only after it.
 */
export interface Projection {
  readonly name: string;
  readonly filter: EventFilter;
  /** Called when the checkpoint is missing (first start, or Redis was flushed): clear what the projection owns. */
  reset(): Promise<void>;
  /** Called before the subscription starts with the checkpoint it resumes from: load what the events before it established. */
  resume?(checkpoint: bigint): Promise<void>;
  apply(event: RecordedEvent): Promise<void> | void;
  flush(): Promise<void>;
}

/**
 * Longest stretch (ms) the runner works through events without letting the
 * event loop turn. Pages of events arrive as already-resolved promises, so
 * without a break a catch-up or a burst would run for as long as events keep
 * coming; in the all-in-one process every HTTP request waits behind it.
 */
const SLICE_MS = 5;

export interface RunnerOptions {
  /** Flush and checkpoint after this many events... */
  maxBatch?: number;
  /** ...or when no event has arrived for this long... */
  idleFlushMs?: number;
  /** ...or at least this often while old events keep coming (catch-up, rebuild: big batches are cheaper)... */
  maxDelayMs?: number;
  /** ...or at least this often while live events keep coming (recorded in the last seconds: keep the read models fresh). */
  liveMaxDelayMs?: number;
}

/** The Redis key holding a projection's checkpoint (the position of the last event whose effects are flushed). */
export const checkpointKeyOf = (redisPrefix: string, projection: string): string => `${redisPrefix}:projection:${projection}:checkpoint`;

/**
 * Runs a projection on a catch-up subscription with its checkpoint in Redis
 * (`<prefix>:projection:<name>:checkpoint`). Work is flushed in batches so a
 * rebuild is not one Redis round trip per event.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private subscription?: Subscription;
  private loop?: Promise<void>;
  private position: bigint | undefined;
  private lastApplied: bigint | undefined;
  private pending = 0;
  private lastCommitAt = Date.now();
  private idleTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(position: bigint) => void>();
  private stopped = false;
  private sliceStartedAt = performance.now();

  constructor(
    private readonly store: EventStore,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly projection: Projection,
    private readonly options: RunnerOptions = {},
  ) {
    this.logger = new Logger(`projection:${projection.name}`);
  }

  get checkpointKey(): string {
    return checkpointKeyOf(this.prefix, this.projection.name);
  }

  /** The position of the last event whose effects are flushed. */
  get checkpoint(): bigint | undefined {
    return this.position;
  }

  async start(): Promise<void> {
    const saved = await this.redis.get(this.checkpointKey);
    let from: bigint | undefined;
    if (saved === null) {
      this.logger.log('no checkpoint: rebuilding from the start of the log');
      await this.projection.reset();
    } else {
      from = BigInt(saved);
      await this.projection.resume?.(from);
    }
    this.position = from;
    this.subscription = this.store.subscribeToAll({ ...(from !== undefined && { fromPosition: from }), filter: this.projection.filter });
    this.loop = this.consume(this.subscription);
  }

  private async consume(subscription: Subscription): Promise<void> {
    try {
      for await (const event of subscription) {
        await this.flushing;
        await this.projection.apply(event);
        const last = event.position;
        this.lastApplied = last;
        this.pending++;
        const now = Date.now();
        const live = now - event.recordedAt.getTime() < 2000;
        const maxDelay = live ? (this.options.liveMaxDelayMs ?? 50) : (this.options.maxDelayMs ?? 1000);
        if (this.pending >= (this.options.maxBatch ?? 50_000) || now - this.lastCommitAt >= maxDelay) {
          // A cleared timer cannot be refreshed: the next quiet spell makes a new one.
          clearTimeout(this.idleTimer);
          this.idleTimer = undefined;
          await this.commit(last);
        } else if (this.idleTimer) {
          // One timer, pushed back by every event (a new timer per event cost more than the event's fold).
          this.idleTimer.refresh();
        } else {
          this.idleTimer = setTimeout(() => {
            if (this.lastApplied === undefined) return;
            this.flushing = this.commit(this.lastApplied).catch((err: unknown) => this.logger.error(`flush failed: ${String(err)}`));
          }, this.options.idleFlushMs ?? 20);
        }
        if (performance.now() - this.sliceStartedAt >= SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          this.sliceStartedAt = performance.now();
        }
      }
    } catch (err) {
      if (!this.stopped) {
        this.logger.error(`subscription failed: ${err instanceof Error ? err.stack : String(err)}`);
        throw err;
      }
    }
  }

  private async commit(position: bigint): Promise<void> {
    if (this.position !== undefined && position <= this.position && this.pending === 0) return;
    this.pending = 0;
    this.lastCommitAt = Date.now();
    await this.projection.flush();
    await this.redis.set(this.checkpointKey, position.toString());
    this.position = position;
    for (const listener of this.listeners) listener(position);
  }

  /** Resolves once everything up to `position` is flushed (tests, benchmarks, read-your-writes). */
  waitFor(position: bigint, timeoutMs = 10_000): Promise<void> {
    if (this.position !== undefined && this.position >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`projection ${this.projection.name} did not reach ${position} in ${timeoutMs} ms (at ${String(this.position)})`));
      }, timeoutMs);
      const listener = (p: bigint) => {
        if (p >= position) {
          clearTimeout(timer);
          this.listeners.delete(listener);
          resolve();
        }
      };
      this.listeners.add(listener);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.idleTimer);
    await this.subscription?.close();
    await this.loop?.catch(() => undefined);
    await this.flushing;
    if (this.pending > 0 && this.lastApplied !== undefined) await this.commit(this.lastApplied);
  }
}
