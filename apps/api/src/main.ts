import 'reflect-metadata';
import { ConfigError, connectRedis, loadConfig, nestLogLevels, openEventStore, RedisUnavailableError, RuleSetRejected } from '@laurel/platform';
import { WorkerProcess, workerProcessModule, WorkerProcessUnavailable } from './background/worker-process';
import { createApi } from './create-api';

/**
 * The API entry point. With LAUREL_ROLE=all (the embedded default) it also
 * starts the worker (apps/worker/src/main.ts) as a process of its own, so
 * `npm start` is the whole engine on one SQLite file; with LAUREL_ROLE=api
 * only the HTTP face runs (see ADR 0001 and ADR 0010).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const redis = await connectRedis(config.redisUrl);
  const store = openEventStore(config.eventStore);
  const worker = config.role === 'all' ? new WorkerProcess(require.resolve('../../worker/src/main')) : undefined;
  const app = await createApi({
    config,
    store,
    redis,
    logger: nestLogLevels(config.logLevel),
    extraModules: worker ? [workerProcessModule(worker)] : [],
  });
  // After the API has published the rule files and made the signing keys, so the worker finds both.
  await worker?.start((why) => {
    console.error(`${why}: stopping the engine, so that whatever supervises it starts it again whole`);
    void app.close().finally(() => process.exit(1));
  });
  await app.listen(config.port, config.host);
  const where = config.eventStore.kind === 'sqlite' ? config.eventStore.file : 'EventStoreDB';
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  const background = worker ? `; worker process ${worker.pid} at nice ${worker.nice}${worker.metricsUrl ? `, its metrics: ${worker.metricsUrl}` : ''}` : '';
  // Always printed, whatever the log level: it is how a person (and the tests) find the engine.
  process.stdout.write(`Laurel is listening on ${url} (role ${config.role}${background}; events: ${where}; API docs: ${url}/docs)\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof RedisUnavailableError || err instanceof WorkerProcessUnavailable) {
    console.error(err.message);
  } else if (err instanceof RuleSetRejected) {
    console.error(err.report());
  } else {
    console.error(err);
  }
  process.exit(1);
});
