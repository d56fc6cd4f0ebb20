import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { EVENT_STORE, type EventStore } from '@laurel/event-store';
import { LAUREL_CONFIG, REDIS, type ComponentHealth, type LaurelConfig, type HealthSource, type ProjectionsAdmin, type ProjectionStatus } from '@laurel/platform';
import { ProjectionRunner } from './projection-runner';
import { RuleProjection } from './rule-projection';

/** Starts the rule projection on its checkpointed subscription when the app starts, and stops it cleanly. */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnApplicationShutdown, HealthSource, ProjectionsAdmin {
  rules: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
    private readonly projection: RuleProjection,
  ) {
    this.rules = this.runner();
  }

  private runner(): ProjectionRunner {
    return new ProjectionRunner(this.store, this.redis, this.config.redisPrefix, this.projection, { idleFlushMs: 2, maxDelayMs: 1000, liveMaxDelayMs: 50, maxBatch: 50_000 });
  }

  /** Where the projection is against the log's head. */
  async status(): Promise<ProjectionStatus> {
    const [saved, head] = await Promise.all([this.redis.get(this.rules.checkpointKey), this.store.lastPosition()]);
    return { checkpoint: saved, head: head.toString(), lag: saved === null ? null : (head - BigInt(saved)).toString() };
  }

  /**
   * For GET /health: down while the projection is failing (it retries from
   * its checkpoint) or has halted, with the cause; up or down, where it is
   * against the log's head.
   */
  async health(): Promise<ComponentHealth | undefined> {
    if (!this.config.projection) return undefined;
    const { status, checkpoint, failure } = this.rules.state;
    const head = await this.store.lastPosition().catch(() => undefined);
    const position = {
      checkpoint: checkpoint?.toString() ?? null,
      ...(head !== undefined && { head: head.toString(), lag: (head - (checkpoint ?? -1n)).toString() }),
    };
    if (status === 'running') return { status: 'up', ...position };
    return {
      status: 'down',
      state: status,
      error: failure?.error ?? `the projection is ${status}`,
      ...(failure && { failingSince: failure.since.toISOString(), attempts: failure.attempts }),
      ...position,
    };
  }

  /** Drops every read model and rebuilds them from the log (the projection keeps serving the API meanwhile). */
  async rebuild(): Promise<{ startedAt: string }> {
    await this.rules.stop();
    await this.redis.del(this.rules.checkpointKey);
    this.rules = this.runner();
    await this.rules.start();
    return { startedAt: new Date().toISOString() };
  }

  onApplicationBootstrap(): Promise<void> {
    // LAUREL_PROJECTION=off: an award-only worker process; the projection runs elsewhere.
    if (!this.config.projection) return Promise.resolve();
    return this.rules.start();
  }

  /** Resolves once the read models reflect everything up to `position`. */
  waitFor(position: bigint | number, timeoutMs?: number): Promise<void> {
    return this.rules.waitFor(BigInt(position), timeoutMs);
  }

  /** Forgets the checkpoint so the next start rebuilds every read model from the log. */
  async forgetCheckpoint(): Promise<void> {
    await this.redis.del(this.rules.checkpointKey);
  }

  onApplicationShutdown(): Promise<void> {
    return this.rules.stop();
  }
}
