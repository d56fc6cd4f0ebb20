import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@laurel/event-store';
import { Redis } from 'ioredis';
import { LAUREL_CONFIG, type LaurelConfig } from './config';
import { HealthChecks } from './health';
import { LookupIndex } from './lookup-index';
import { RuleSetRegistry } from './rule-set-registry';
import { SigningKeys } from './signing-keys';
import { REDIS } from './redis';

/**
 * The engine's shared infrastructure: configuration, the event store and the
 * Redis connection. Built by {@link PlatformModule.forRoot} from connections
 * opened (and checked) before Nest starts, so a missing Redis or a bad
 * setting stops start-up with one clear line instead of a stack trace.
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  static forRoot(deps: { config: LaurelConfig; store: EventStore; redis: Redis }) {
    const providers = [
      { provide: LAUREL_CONFIG, useValue: deps.config },
      { provide: EVENT_STORE, useValue: deps.store },
      { provide: REDIS, useValue: deps.redis },
    ];
    return {
      module: PlatformModule,
      providers: [...providers, LookupIndex, RuleSetRegistry, SigningKeys, HealthChecks],
      exports: [...providers.map((p) => p.provide), LookupIndex, RuleSetRegistry, SigningKeys, HealthChecks],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    this.redis.disconnect();
  }
}
