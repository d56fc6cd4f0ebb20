import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Redis } from 'ioredis';
import type { EventStore } from '@laurel/event-store';
import { connectRedis, loadConfig, loadOrCreateLocalAuthKey, mintLocalToken, openEventStore, type LaurelConfig, type Role } from '@laurel/platform';
import { createApi } from '../../apps/api/src/create-api';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface TestEngine {
  app: NestFastifyApplication;
  /** For supertest: `request(engine.http)`. */
  http: ReturnType<NestFastifyApplication['getHttpServer']>;
  store: EventStore;
  redis: Redis;
  config: LaurelConfig;
  /** `{ authorization: 'Bearer ...' }` for a caller with `role` (and `sub`, default `<role>-1`). */
  as(role: Role, sub?: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * Starts the real engine in-process for a test: its own SQLite file in a
 * temporary folder and its own Redis key prefix (and so its own queues), on
 * the real local Redis.
 */
export async function startTestEngine(options: { env?: Record<string, string>; modules?: (Type | DynamicModule)[] } = {}): Promise<TestEngine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-test-'));
  const config = loadConfig(
    {
      LAUREL_DATA_DIR: dataDir,
      LAUREL_REDIS_PREFIX: `laurel-test:${randomUUID()}`,
      LAUREL_PORT: '0',
      LAUREL_PUBLIC_URL: 'http://laurel.test',
      LAUREL_RULES_DIR: join(REPO_ROOT, 'rules'),
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      ...options.env,
    },
    REPO_ROOT,
  );
  const redis = await connectRedis(config.redisUrl);
  const store = openEventStore(config.eventStore);
  const app = await createApi({
    config,
    store,
    redis,
    logger: process.env.LAUREL_TEST_LOGS ? undefined : false,
    extraModules: options.modules ?? [],
  });
  return {
    app,
    http: app.getHttpServer(),
    store,
    redis,
    config,
    async as(role, sub) {
      if (config.auth.kind !== 'local') throw new Error('tests mint tokens with the local key');
      const key = await loadOrCreateLocalAuthKey(config.auth.keyFile);
      return { authorization: `Bearer ${await mintLocalToken(key, config.auth, { sub: sub ?? `${role}-1`, roles: [role] })}` };
    },
    async close() {
      const cleaner = redis.duplicate();
      await app.close();
      const keys = await cleaner.keys(`${config.redisPrefix}*`);
      if (keys.length > 0) await cleaner.del(...keys);
      cleaner.disconnect();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
