import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { EventFilter, EventStore, RecordedEvent, Subscription } from '@laurel/event-store';

/**
 * A projection folds the log into something else (Redis read models, new
 * events). `apply` is called once per event in global order and must be safe
 * to repeat: after a crash, or after a failed flush, the events since the
 * last checkpoint are applied again. `flush` makes everything applied so far
 * durable; the checkpoint is saved only after it.
 */
export interface Projection {
  readonly name: string;
  readonly filter: EventFilter;
  /** Called when the checkpoint is missing (first start, or Redis was flushed): clear what the projection owns. */
  reset(): Promise<void>;
  /**
   * Called before the subscription starts with the checkpoint it resumes
   * from: drop whatever was applied in memory and load what the events
   * before it established. The runner calls it again, in the same process,
   * after a failure.
   */
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
  /** First wait (ms) before starting again from the checkpoint after a failure; doubles with every failure in a row... */
  retryMinMs?: number;
  /** ...up to this. */
  retryMaxMs?: number;
}

/** The Redis key holding a projection's checkpoint (the position of the last event whose effects are flushed). */
export const checkpointKeyOf = (redisPrefix: string, projection: string): string => `${redisPrefix}:projection:${projection}:checkpoint`;

/** What the runner is doing, for the health check. */
export interface RunnerState {
  /**
   * `running`: following the log. `failing`: the last attempt failed and the
   * runner waits to start again from its checkpoint. `halted`: the runner
   * stopped on its own and will not start again (a bug). `stopped`: not
   * started, or stopped on purpose.
   */
  status: 'running' | 'failing' | 'halted' | 'stopped';
  /** Position of the last event whose effects are flushed (and saved as the checkpoint). */
  checkpoint: bigint | undefined;
  /** The current streak of failures, while it lasts. */
  failure?: { error: string; since: Date; attempts: number };
}

/**
 * Runs a projection on a catch-up subscription with its checkpoint in Redis
 * (`<prefix>:projection:<name>:checkpoint`). Work is flushed in batches so a
 * rebuild is not one Redis round trip per event.
 *
 * A failure anywhere (applying an event, a flush, the subscription) throws
 * away what was applied since the checkpoint, and the runner starts again
 * from the checkpoint after a pause that grows with every failure in a row:
 * the projection's `apply` is idempotent from a checkpoint, so nothing is
 * lost or written twice, and the checkpoint never passes an event whose
 * effects were not flushed.
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
  /** Set when a flush made outside the loop (the idle timer's) failed: the loop gives up its attempt on seeing it. */
  private broken?: Error;
  private readonly listeners = new Set<(position: bigint) => void>();
  private stopped = true;
  private halted = false;
  private failure?: { error: string; since: Date; attempts: number };
  private wakeFromPause?: () => void;
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

  get state(): RunnerState {
    const status = this.halted ? 'halted' : this.stopped ? 'stopped' : this.failure ? 'failing' : 'running';
    return { status, checkpoint: this.position, ...(this.failure && { failure: { ...this.failure } }) };
  }

  /** Opens the subscription from the saved checkpoint (a failure here is thrown), then follows the log until stopped. */
  async start(): Promise<void> {
    this.stopped = false;
    this.halted = false;
    try {
      await this.open();
    } catch (err) {
      this.stopped = true;
      throw err;
    }
    this.loop = this.supervise().catch((err: unknown) => {
      // supervise() handles every failure of an attempt; reaching this is a bug in the runner itself.
      this.halted = true;
      this.logger.error(`halted: ${describe(err)}`);
    });
  }

  /** Starts from the saved checkpoint: whatever was applied in memory since then is dropped by reset/resume. */
  private async open(): Promise<void> {
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
    this.lastApplied = undefined;
    this.pending = 0;
    this.broken = undefined;
    this.lastCommitAt = Date.now();
    this.subscription = this.store.subscribeToAll({ ...(from !== undefined && { fromPosition: from }), filter: this.projection.filter });
    // Nothing to apply again after a failure (it struck at the checkpoint): the attempt has succeeded already.
    if (this.failure && (await this.store.lastPosition()) <= (from ?? -1n)) this.recovered();
  }

  private async supervise(): Promise<void> {
    for (;;) {
      const subscription = this.subscription!;
      let error: unknown;
      try {
        await this.consume(subscription);
      } catch (err) {
        error = err;
      }
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
      await subscription.close().catch(() => undefined);
      await this.flushing;
      if (this.stopped && error === undefined && this.broken === undefined) return;
      // What this attempt applied is thrown away: the next attempt applies it again from the checkpoint.
      this.pending = 0;
      this.lastApplied = undefined;
      if (this.stopped) return;
      this.failed(error ?? this.broken ?? new Error('the subscription ended'));
      for (;;) {
        await this.pause();
        if (this.stopped) return;
        try {
          await this.open();
          break;
        } catch (err) {
          this.failed(err);
        }
      }
    }
  }

  private async consume(subscription: Subscription): Promise<void> {
    for await (const event of subscription) {
      await this.flushing;
      this.throwIfBroken();
      if (this.stopped) break;
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
        // The idle timer may have fired while `apply` waited on I/O: one flush at a time.
        await this.flushing;
        this.throwIfBroken();
        await this.commit(last);
      } else if (this.idleTimer) {
        // One timer, pushed back by every event (a new timer per event cost more than the event's fold).
        this.idleTimer.refresh();
      } else {
        this.idleTimer = setTimeout(() => this.flushWhenIdle(), this.options.idleFlushMs ?? 20);
      }
      if (performance.now() - this.sliceStartedAt >= SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.sliceStartedAt = performance.now();
      }
    }
    this.throwIfBroken();
  }

  private throwIfBroken(): void {
    if (this.broken) throw this.broken;
  }

  private flushWhenIdle(): void {
    if (this.lastApplied === undefined || this.broken !== undefined || this.stopped) return;
    const subscription = this.subscription;
    this.flushing = this.commit(this.lastApplied).catch((err: unknown) => {
      this.broken = err instanceof Error ? err : new Error(String(err));
      // The loop may be waiting for the next event for a long time: wake it so it starts again from the checkpoint.
      void subscription?.close().catch(() => undefined);
    });
  }

  private async commit(position: bigint): Promise<void> {
    const flushed = this.pending;
    if (flushed === 0) return;
    this.lastCommitAt = Date.now();
    await this.projection.flush();
    if (this.position === undefined) await this.redis.set(this.checkpointKey, position.toString());
    else if ((await this.redis.set(this.checkpointKey, position.toString(), 'XX')) === null) {
      // The checkpoint this runner saved is gone: Redis restarted without its data or was flushed, and the
      // read models with it. Failing the attempt starts it again without a checkpoint: a rebuild.
      throw new Error('the checkpoint vanished from Redis (restarted without persistence, or flushed): rebuilding the read models from the log');
    }
    // Only now: until the checkpoint is saved, a failure makes the runner apply these events again.
    this.pending -= flushed;
    this.position = position;
    if (this.failure) this.recovered();
    for (const listener of this.listeners) listener(position);
  }

  /** Logged once per streak of failures, with its cause; the streak ends at the next successful flush. */
  private failed(err: unknown): void {
    if (this.failure) {
      this.failure.attempts++;
      this.failure.error = describe(err, false);
      this.logger.debug(`still failing (attempt ${this.failure.attempts}): ${this.failure.error}`);
      return;
    }
    this.failure = { error: describe(err, false), since: new Date(), attempts: 1 };
    this.logger.error(`failed; starting again from checkpoint ${String(this.position ?? 'none')} after a pause, until it succeeds: ${describe(err)}`);
  }

  private recovered(): void {
    const failure = this.failure!;
    this.failure = undefined;
    this.logger.log(
      `recovered after ${failure.attempts} failed attempt(s) since ${failure.since.toISOString()}; checkpoint ${String(this.position ?? 'none')}`,
    );
  }

  private pause(): Promise<void> {
    const min = this.options.retryMinMs ?? 100;
    const max = this.options.retryMaxMs ?? 10_000;
    const ms = Math.min(max, min * 2 ** Math.min(30, (this.failure?.attempts ?? 1) - 1));
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeFromPause = () => {
        clearTimeout(timer);
        resolve();
      };
    });
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

  /** Stops following the log and flushes what was applied (unless the attempt had already failed: the next start applies it again). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.wakeFromPause?.();
    await this.subscription?.close();
    await this.flushing;
    await this.loop;
    if (this.pending > 0 && this.lastApplied !== undefined && this.broken === undefined) {
      try {
        await this.commit(this.lastApplied);
      } catch (err) {
        this.logger.error(
          `final flush failed; the next start applies the events after checkpoint ${String(this.position ?? 'none')} again: ${describe(err)}`,
        );
      }
    }
  }
}

function describe(err: unknown, withStack = true): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause === undefined ? '' : ` (cause: ${describe(err.cause, false)})`;
  return `${withStack && err.stack ? err.stack : err.message}${cause}`;
}
