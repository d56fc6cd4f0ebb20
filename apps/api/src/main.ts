import 'reflect-metadata';
import { ConfigError, connectRedis, loadConfig, nestLogLevels, openEventStore, RedisUnavailableError, RuleSetRejected } from '@laurel/platform';
import { WorkerModule } from '../../worker/src/worker.module';
import { createApi } from './create-api';

/**
 * The API entry point. With LAUREL_ROLE=all (the embedded default) the
 * workers run in this process too, so `npm start` is the whole engine on one
 * SQLite file; with LAUREL_ROLE=api only the HTTP face runs (see ADR 0001).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const redis = await connectRedis(config.redisUrl);
  const store = openEventStore(config.eventStore);
  const app = await createApi({
    config,
    store,
    redis,
    logger: nestLogLevels(config.logLevel),
    extraModules: config.role === 'all' ? [WorkerModule.forRoot()] : [],
  });
  await app.listen(config.port, config.host);
  const where = config.eventStore.kind === 'sqlite' ? config.eventStore.file : 'EventStoreDB';
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  // Always printed, whatever the log level: it is how a person (and the tests) find the engine.
  process.stdout.write(`Laurel is listening on ${url} (role ${config.role}; events: ${where}; API docs: ${url}/docs)\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof RedisUnavailableError) {
    console.error(err.message);
  } else if (err instanceof RuleSetRejected) {
    console.error(err.report());
  } else {
    console.error(err);
  }
  process.exit(1);
});
