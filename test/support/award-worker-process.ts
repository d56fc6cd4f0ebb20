/**
 * The award worker alone, as a process a test can SIGKILL: configuration from
 * the environment (like apps/worker/src/main.ts), the platform, and the
 * awards module with a short job lock so a killed worker's jobs come back
 * within seconds instead of BullMQ's default 30 s.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { connectRedis, loadConfig, openEventStore, PlatformModule } from '@laurel/platform';
import { AWARD_WORKER_OPTIONS, type AwardWorkerOptions } from '../../apps/worker/src/awards/award.processor';
import { AwardsModule } from '../../apps/worker/src/awards/awards.module';

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, LAUREL_ROLE: 'worker' });
  const redis = await connectRedis(config.redisUrl);
  const store = openEventStore(config.eventStore);
  const options: Partial<AwardWorkerOptions> = {
    lockDuration: Number(process.env.AWARD_LOCK_MS ?? 2000),
    stalledInterval: Number(process.env.AWARD_STALLED_MS ?? 1000),
    concurrency: Number(process.env.AWARD_CONCURRENCY ?? 8),
  };
  const app = await NestFactory.createApplicationContext(
    {
      module: class AwardWorkerProcess {},
      imports: [
        PlatformModule.forRoot({ config, store, redis }),
        {
          module: class AwardWorkerOptionsModule {},
          global: true,
          providers: [{ provide: AWARD_WORKER_OPTIONS, useValue: options }],
          exports: [AWARD_WORKER_OPTIONS],
        },
        AwardsModule,
      ],
    },
    { logger: ['error', 'warn'] },
  );
  app.enableShutdownHooks();
  console.log('award worker ready');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
