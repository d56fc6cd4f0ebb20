import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Redis } from 'ioredis';
import { EVENT_STORE, type EventStore } from '@laurel/event-store';
import { PROJECTION_HEALTH, REDIS, type ComponentHealth, type ProjectionHealthSource } from '@laurel/platform';
import { Public } from '../auth/access';

type Check = { status: 'up' } | { status: 'down'; error: string };

async function probe(fn: () => Promise<unknown>, timeoutMs = 1000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs)))]);
    return { status: 'up' };
  } catch (err) {
    return {
      status: 'down',
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly modules: ModuleRef,
  ) {}

  @Get()
  @ApiOperation({
    summary: '200 when the event store and Redis answer and the rule projection (when it runs in this process) is following the log, 503 otherwise',
  })
  async health() {
    const [eventStore, redis, projection] = await Promise.all([
      probe(() => this.store.ping()),
      probe(() => this.redis.ping()),
      this.projection()?.health(),
    ]);
    const checks: Record<string, Check | ComponentHealth> = { eventStore, redis, ...(projection && { projection }) };
    const body = {
      status: Object.values(checks).every((c) => c.status === 'up') ? 'ok' : 'degraded',
      checks,
    };
    if (body.status !== 'ok')
      throw new HttpException(
        {
          ...body,
          message: `down: ${Object.keys(checks)
            .filter((name) => checks[name]?.status !== 'up')
            .join(', ')}`,
          error: 'Service Unavailable',
        },
        503,
      );
    return body;
  }

  /** The worker's projections, when they run in this process (LAUREL_ROLE=all): a halted projection must not look healthy. */
  private projection(): ProjectionHealthSource | undefined {
    try {
      return this.modules.get<ProjectionHealthSource>(PROJECTION_HEALTH, { strict: false });
    } catch {
      return undefined;
    }
  }
}
