import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { EVENT_STORE, type EventStore } from '@laurel/event-store';
import { LAUREL_CONFIG, REDIS, type LaurelConfig } from '@laurel/platform';
import { ProjectionRunner } from './projection-runner';
import { RuleProjection } from './rule-projection';

/** Starts the rule projection on its checkpointed subscription when the app starts, and stops it cleanly. */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly rules: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LAUREL_CONFIG) config: LaurelConfig,
    projection: RuleProjection,
  ) {
    this.rules = new ProjectionRunner(store, redis, config.redisPrefix, projection, { idleFlushMs: 20, maxDelayMs: 1000, maxBatch: 50_000 });
  }

  onApplicationBootstrap(): Promise<void> {
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
