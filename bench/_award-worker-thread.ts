/**
 * One more award worker for `npm run bench -- awards --extra-workers N`, in a
 * worker thread: an engine of its own on the bench's data folder and Redis
 * prefix (its own store connection, Redis connections and BullMQ worker),
 * as another `awards` process on the same machine would be. It says 'ready'
 * once its worker runs, and closes the engine when told 'close'.
 */
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connectRedis, loadConfig, openEventStore, PlatformModule } from '@laurel/platform';
import { AWARD_WORKER_OPTIONS } from '../apps/worker/src/awards/award.processor';
import { AwardsModule } from '../apps/worker/src/awards/awards.module';

export interface AwardWorkerThreadData {
  env: Record<string, string>;
  root: string;
  concurrency: number;
}

async function main(): Promise<void> {
  const { env, root, concurrency } = workerData as AwardWorkerThreadData;
  Logger.overrideLogger(['error', 'warn']);
  const config = loadConfig(env, root);
  const redis = await connectRedis(config.redisUrl);
  const store = openEventStore(config.eventStore);
  const app = await NestFactory.createApplicationContext(
    {
      module: class AwardWorkerThread {},
      imports: [
        PlatformModule.forRoot({ config, store, redis }),
        {
          module: class AwardWorkerThreadOptions {},
          global: true,
          providers: [{ provide: AWARD_WORKER_OPTIONS, useValue: { concurrency } }],
          exports: [AWARD_WORKER_OPTIONS],
        },
        AwardsModule,
      ],
    },
    { logger: ['error', 'warn'] },
  );
  parentPort!.once('message', () => {
    void app.close().then(() => parentPort!.postMessage('closed'));
  });
  parentPort!.postMessage('ready');
}

// A failure rejects unhandled, which ends the thread with an 'error' event: the bench stops with it.
void main();
