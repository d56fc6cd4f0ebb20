import { HttpException, Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Redis } from 'ioredis';
import { EVENT_STORE, type EventStore } from '@laurel/event-store';
import { providedHere } from './background';
import { REDIS } from './redis';

/**
 * What `GET /health` reports about one part of the process: `down` turns
 * the whole answer into a 503.
 */
export type ComponentHealth = ({ status: 'up' } | { status: 'down'; error: string }) & Record<string, unknown>;

/** Provided by the worker's projections when they run in this process (or by the API's handle on its worker process); the health check looks it up if present. */
export const PROJECTION_HEALTH = 'laurel:projection-health';

/** Provided by the award worker (BullMQ) when its module runs in this process (or by the API's handle on its worker process); the health check looks it up if present. */
export const AWARD_WORKER_HEALTH = 'laurel:award-worker-health';

/** The provider behind {@link PROJECTION_HEALTH} or {@link AWARD_WORKER_HEALTH}. */
export interface HealthSource {
  /** `undefined` when this process does not run that part (`LAUREL_PROJECTION=off`, `LAUREL_AWARD_WORKER=off`). */
  health(): Promise<ComponentHealth | undefined>;
}

/** The body of a `GET /health` answer (200 when `ok`, 503 otherwise). */
export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, ComponentHealth>;
}

/** `fn`'s outcome as a check; a dependency that does not answer within `timeoutMs` is down. */
export async function probe(fn: () => Promise<unknown>, timeoutMs = 1000): Promise<ComponentHealth> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs)))]);
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The checks behind `GET /health` of every engine process (the API's and the
 * standalone worker's): the event store, Redis, and the background parts
 * that run in this process (the rule projection, the award worker).
 */
@Injectable()
export class HealthChecks {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly modules: ModuleRef,
  ) {}

  /** The report, or a 503 carrying it and a message naming what is down. */
  async answer(): Promise<HealthReport> {
    const [eventStore, redis, projection, awardWorker] = await Promise.all([
      probe(() => this.store.ping()),
      probe(() => this.redis.ping()),
      providedHere<HealthSource>(this.modules, PROJECTION_HEALTH)?.health(),
      providedHere<HealthSource>(this.modules, AWARD_WORKER_HEALTH)?.health(),
    ]);
    const checks: Record<string, ComponentHealth> = { eventStore, redis, ...(projection && { projection }), ...(awardWorker && { awardWorker }) };
    const down = Object.keys(checks).filter((name) => checks[name]?.status !== 'up');
    if (down.length === 0) return { status: 'ok', checks };
    throw new HttpException({ status: 'degraded', checks, message: `down: ${down.join(', ')}`, error: 'Service Unavailable' }, 503);
  }
}
