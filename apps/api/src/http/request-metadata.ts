import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { EventMetadata } from '@laurel/event-store';
import type { Role } from '@laurel/platform';

/** The authenticated caller, set by the auth guard; `anonymous` until one is configured. */
export interface Caller {
  sub: string;
  roles: Role[];
}

export type LaurelRequest = FastifyRequest & { caller?: Caller };

const CORRELATION = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the metadata every event carries from the request: who (from the token, never the body) and which request. */
export function requestMetadata(request: LaurelRequest): EventMetadata {
  const header = request.headers['x-correlation-id'];
  const correlationId = typeof header === 'string' && CORRELATION.test(header) ? header : request.id;
  const caller = request.caller;
  return {
    actor: caller ? `${caller.roles[0] ?? 'user'}:${caller.sub}` : 'anonymous',
    correlationId,
  };
}

/** Parameter decorator: `@Metadata() metadata: EventMetadata`. */
export const Metadata = createParamDecorator((_: unknown, ctx: ExecutionContext) => requestMetadata(ctx.switchToHttp().getRequest<LaurelRequest>()));
