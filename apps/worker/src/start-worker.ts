import type { INestApplicationContext, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Redis } from 'ioredis';
import type { EventStore } from '@laurel/event-store';
import { nestLogLevels, PlatformModule, type LaurelConfig } from '@laurel/platform';
import { MetricsController } from '../../api/src/metrics/metrics.controller';
import { Metrics } from '../../api/src/metrics/metrics';
import { WorkerHealthController } from './health/worker-health.controller';
import { WorkerModule } from './worker.module';

export interface WorkerDeps {
  config: LaurelConfig;
  store: EventStore;
  redis: Redis;
  logger?: LoggerService | LogLevel[] | false;
  /** Close on SIGINT/SIGTERM (default); off when the API process that started this one decides (ADR 0010). */
  shutdownHooks?: boolean;
}

export interface RunningWorker {
  app: INestApplicationContext;
  /** `http://host:port/health` when `config.workerHealthPort` is set. */
  healthUrl?: string;
  /** `http://host:port/metrics` when `config.workerHealthPort` is set. */
  metricsUrl?: string;
}

/**
 * Starts the standalone worker (the projection and the award worker, ADR
 * 0001). With `config.workerHealthPort` set it also listens there (on
 * `config.host`) and serves only `GET /health` and `GET /metrics` (the API's
 * Prometheus metrics of this process: its CPU, memory and event loop, the
 * embedded store's commits, the projection's lag, the award queue);
 * otherwise it opens no port.
 */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const imports = [PlatformModule.forRoot(deps), WorkerModule.forRoot()];
  const options = { logger: deps.logger ?? nestLogLevels(deps.config.logLevel), abortOnError: false };
  const port = deps.config.workerHealthPort;
  if (port === undefined) {
    const app = await NestFactory.createApplicationContext({ module: class LaurelWorker {}, imports }, options);
    if (deps.shutdownHooks !== false) app.enableShutdownHooks();
    return { app };
  }
  const app = await NestFactory.create<NestFastifyApplication>(
    { module: class LaurelWorker {}, imports, controllers: [WorkerHealthController, MetricsController], providers: [Metrics] },
    new FastifyAdapter(),
    options,
  );
  if (deps.shutdownHooks !== false) app.enableShutdownHooks();
  await app.listen(port, deps.config.host);
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  return { app, healthUrl: `${url}/health`, metricsUrl: `${url}/metrics` };
}
