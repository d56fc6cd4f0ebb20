import { Logger, type DynamicModule, type LoggerService, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EventStore } from '@laurel/event-store';
import { PlatformModule, type LaurelConfig } from '@laurel/platform';
import { ApiModule } from './api.module';
import { Metrics } from './metrics/metrics';
import { ProblemFilter } from './http/problem.filter';
import { answerWrongMethod } from './http/method-not-allowed';
import { applySecurity, clientErrorHandler } from './http/security';
import { validationPipe } from './http/validation';
import { isWellFormedParticipation, RecordParticipationDto } from './participations/record-participation.dto';

export interface ApiDeps {
  config: LaurelConfig;
  store: EventStore;
  redis: Redis;
  /** Extra modules to run in the same process (the workers, on the embedded default). */
  extraModules?: (Type | DynamicModule)[];
  logger?: LoggerService | LogLevel[] | false;
}

/** Largest request body accepted; batches of 1,000 rows fit comfortably. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the HTTP application (not yet listening) on Fastify. */
export async function createApi(deps: ApiDeps): Promise<NestFastifyApplication> {
  const root: DynamicModule = {
    module: class LaurelApp {},
    imports: [PlatformModule.forRoot(deps), ApiModule, ...(deps.extraModules ?? [])],
  };
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    logger: deps.logger ?? new Logger(),
    abortOnError: false,
  });
  applySecurity(app, deps.config);
  answerWrongMethod(app.getHttpAdapter().getInstance());
  const metrics = app.get(Metrics);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      metrics.observe(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  // Rule files are published as YAML text.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(['text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain'], { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
  app.useGlobalPipes(validationPipe([[RecordParticipationDto, isWellFormedParticipation]]));
  app.useGlobalFilters(new ProblemFilter({ bodyLimitBytes: BODY_LIMIT_BYTES }));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .addBearerAuth()
      .setTitle('Laurel')
      .setDescription('Event-sourced progression engine for digital badges')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
