import { Redis } from 'ioredis';

/** Removes every key under `prefix` from the local Redis: a test's read models, checkpoints and queues. */
export async function removeRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.unlink(...keys);
  } finally {
    redis.disconnect();
  }
}
