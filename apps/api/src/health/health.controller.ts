import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Redis } from 'ioredis';
import { EVENT_STORE, type EventStore } from '@laurel/event-store';
import { REDIS } from '@laurel/platform';
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
  ) {}

  @Get()
  @ApiOperation({
    summary: '200 when the event store and Redis answer, 503 otherwise',
  })
  async health() {
    const [eventStore, redis] = await Promise.all([probe(() => this.store.ping()), probe(() => this.redis.ping())]);
    const body = {
      status: eventStore.status === 'up' && redis.status === 'up' ? 'ok' : 'degraded',
      checks: { eventStore, redis },
    };
    if (body.status !== 'ok')
      throw new HttpException(
        {
          ...body,
          message: 'a dependency is down',
          error: 'Service Unavailable',
        },
        503,
      );
    return body;
  }
}
