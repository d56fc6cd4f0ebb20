import 'reflect-metadata';
import { ConfigError, connectRedis, loadConfig, lowerPriority, openEventStore, RedisUnavailableError, RuleSetRejected } from '@laurel/platform';
import { startWorker } from './start-worker';

/** The worker entry point: projections and the award queue; HTTP only for GET /health, if asked (see ADR 0001). */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, LAUREL_ROLE: 'worker' });
  // Before any thread pool starts, so its threads inherit the priority (ADR 0001).
  const nice = lowerPriority(config.workerNice);
  const redis = await connectRedis(config.redisUrl);
  const store = openEventStore(config.eventStore);
  const { healthUrl } = await startWorker({ config, store, redis });
  const on = (flag: boolean) => (flag ? 'on' : 'off');
  // Always printed, whatever the log level: it is how a person (and the tests) find the worker's health endpoint.
  process.stdout.write(
    `Laurel worker is running (nice ${nice}; projection ${on(config.projection)}, award worker ${on(config.awardWorker)}; ${healthUrl ? `health: ${healthUrl}` : 'no health endpoint: set LAUREL_WORKER_HEALTH_PORT'})\n`,
  );
}

main().catch((err: unknown) => {
  console.error(
    err instanceof ConfigError || err instanceof RedisUnavailableError ? err.message : err instanceof RuleSetRejected ? err.report() : err,
  );
  process.exit(1);
});
