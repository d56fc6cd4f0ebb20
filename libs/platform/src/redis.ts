import { Redis } from 'ioredis';

/** Injection token for the shared ioredis connection (commands only; BullMQ makes its own). */
export const REDIS = Symbol.for('laurel.Redis');

export class RedisUnavailableError extends Error {
  readonly code = 'REDIS_UNAVAILABLE';
}

/**
 * Connects to Redis and fails fast, with one line saying how to fix it, when
 * nothing answers: the engine is useless without its read models and queue.
 */
export async function connectRedis(url: string, timeoutMs = 3000): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 3,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // Commands issued in the same turn of the event loop (by concurrent
    // requests, the projection, the rate limiter) go out in one write: a
    // socket write costs more than the command itself under load.
    enableAutoPipelining: true,
  });
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    const reason = err instanceof Error ? err.message : String(err);
    throw new RedisUnavailableError(
      `Laurel cannot reach Redis at ${url} (${reason}). Start it with \`redis-server --daemonize yes\` (Debian: apt-get install redis-server) or set REDIS_URL.`,
    );
  }
}
