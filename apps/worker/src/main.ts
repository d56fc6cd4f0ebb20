import 'reflect-metadata';
import { ConfigError, connectRedis, loadConfig, lowerPriority, openEventStore, RedisUnavailableError, RuleSetRejected } from '@laurel/platform';
import { serveParent } from './parent-channel';
import { startWorker } from './start-worker';

/**
 * The worker entry point: projections and the award queue; HTTP only for GET
 * /health, if asked (see ADR 0001). Started on its own, or by the API
 * process on the embedded default, which then talks to it over the IPC
 * channel of `fork` (ADR 0010).
 */
async function main(): Promise<void> {
  const startedByApi = process.send !== undefined;
  // Started by the API, which published the rule files before it started this process (and logged what they hold).
  const config = { ...loadConfig({ ...process.env, LAUREL_ROLE: 'worker' }), publishesRuleFiles: !startedByApi };
  // Before any thread pool starts, so its threads inherit the priority (ADR 0001).
  const nice = lowerPriority(config.workerNice);
  const redis = await connectRedis(config.redisUrl);
  const store = openEventStore(config.eventStore);
  const { app, healthUrl, metricsUrl } = await startWorker({ config, store, redis, shutdownHooks: !startedByApi });
  // The API process prints the engine's line, this process's pid and nice among it.
  if (startedByApi) return serveParent(app, { nice, metricsUrl });
  const on = (flag: boolean) => (flag ? 'on' : 'off');
  // Always printed, whatever the log level: it is how a person (and the tests) find the worker's health and metrics endpoints.
  process.stdout.write(
    `Laurel worker is running (nice ${nice}; projection ${on(config.projection)}, award worker ${on(config.awardWorker)}; ${healthUrl ? `health: ${healthUrl} and metrics: ${metricsUrl}` : 'no health or metrics endpoint: set LAUREL_WORKER_HEALTH_PORT'})\n`,
  );
}

main().catch((err: unknown) => {
  console.error(
    err instanceof ConfigError || err instanceof RedisUnavailableError ? err.message : err instanceof RuleSetRejected ? err.report() : err,
  );
  process.exit(1);
});
