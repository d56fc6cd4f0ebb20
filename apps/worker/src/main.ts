import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, connectRedis, loadConfig, nestLogLevels, openEventStore, PlatformModule, RedisUnavailableError, RuleSetRejected } from '@laurel/platform';
import { WorkerModule } from './worker.module';

/** The worker entry point: projections and the award queue, no HTTP (see ADR 0001). */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, LAUREL_ROLE: 'worker' });
  Logger.overrideLogger(nestLogLevels(config.logLevel));
  const redis = await connectRedis(config.redisUrl);
  const store = openEventStore(config.eventStore);
  const app = await NestFactory.createApplicationContext({
    module: class LaurelWorker {},
    imports: [PlatformModule.forRoot({ config, store, redis }), WorkerModule.forRoot()],
  });
  app.enableShutdownHooks();
  new Logger('laurel').log('Laurel worker is running');
}

main().catch((err: unknown) => {
  console.error(
    err instanceof ConfigError || err instanceof RedisUnavailableError ? err.message : err instanceof RuleSetRejected ? err.report() : err,
  );
  process.exit(1);
});
