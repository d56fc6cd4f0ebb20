import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { EventStoreError, WrongExpectedVersion } from '@laurel/event-store';
import { DomainError, type DomainErrorCode } from '@laurel/progression';

/** Each domain refusal has one HTTP status. */
const STATUS: Record<DomainErrorCode, number> = {
  PARTICIPATION_CONFLICT: HttpStatus.CONFLICT,
  PARTICIPATION_NOT_FOUND: HttpStatus.NOT_FOUND,
  PARTICIPATION_ALREADY_VOIDED: HttpStatus.CONFLICT,
  UNKNOWN_ACTIVITY: HttpStatus.UNPROCESSABLE_ENTITY,
  UNKNOWN_BADGE: HttpStatus.UNPROCESSABLE_ENTITY,
  NOT_ELIGIBLE: HttpStatus.CONFLICT,
  APPLICATION_NOT_FOUND: HttpStatus.NOT_FOUND,
  APPLICATION_ALREADY_DECIDED: HttpStatus.CONFLICT,
  APPLICATION_PENDING: HttpStatus.CONFLICT,
  AWARD_NOT_FOUND: HttpStatus.NOT_FOUND,
  AWARD_ALREADY_REVOKED: HttpStatus.CONFLICT,
  AWARD_NOT_FLAGGED: HttpStatus.CONFLICT,
  AWARD_SUPERSEDED: HttpStatus.CONFLICT,
  BADGE_ALREADY_HELD: HttpStatus.CONFLICT,
  BADGE_NO_LONGER_AWARDED: HttpStatus.CONFLICT,
  NO_RULE_SET: HttpStatus.CONFLICT,
  STUDENT_NOT_FOUND: HttpStatus.NOT_FOUND,
  UNKNOWN_PROGRAM: HttpStatus.NOT_FOUND,
};

export interface Problem {
  statusCode: number;
  error: string;
  /** What went wrong and what to do about it. */
  message: string;
  code?: string;
  /** Per-field problems for invalid bodies: `{ field, messages }`. */
  errors?: unknown[];
  [extra: string]: unknown;
}

/**
 * Renders every error as one JSON shape (`statusCode`, `error`, `message`,
 * `code`, details). Unexpected errors are logged and answered with a 500 that
 * leaks nothing.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(private readonly limits: { bodyLimitBytes?: number } = {}) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const problem = this.toProblem(exception);
    if (problem.statusCode >= 500) {
      this.logger.error(`${request.method} ${request.url} failed`, exception instanceof Error ? exception.stack : String(exception));
    }
    void reply.status(problem.statusCode).header('content-type', 'application/json; charset=utf-8').send(problem);
  }

  /** Fastify reaches here as plain HttpExceptions; its wording for 413 and 415 does not say what to do. */
  private plainer(statusCode: number, message: string): string {
    if (statusCode === 413) {
      const limit = this.limits.bodyLimitBytes;
      const size = limit === undefined ? '' : ` than ${limit % 1048576 === 0 ? `${limit / 1048576} MB` : `${limit} bytes`}`;
      return `the request body is larger${size}; send less (a batch holds at most 1,000 rows)`;
    }
    if (statusCode === 415) return `${message}: send application/json (rule files may also be text/yaml)`;
    return message;
  }

  private toProblem(exception: unknown): Problem {
    if (exception instanceof DomainError) {
      const statusCode = STATUS[exception.code];
      return {
        statusCode,
        error: reasonPhrase(statusCode),
        message: exception.message,
        code: exception.code,
        ...exception.details,
      };
    }
    if (exception instanceof WrongExpectedVersion) {
      return {
        statusCode: 409,
        error: 'Conflict',
        code: exception.code,
        message: 'the record changed while the request was processed; send it again',
      };
    }
    if (exception instanceof EventStoreError && exception.code === 'EVENT_STORE_UNAVAILABLE') {
      return {
        statusCode: 503,
        error: 'Service Unavailable',
        code: exception.code,
        message: 'the event store is unavailable; try again shortly',
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'string')
        return {
          statusCode,
          error: reasonPhrase(statusCode),
          message: this.plainer(statusCode, body),
        };
      const b = body as Record<string, unknown>;
      return {
        ...b,
        statusCode,
        error: typeof b.error === 'string' ? b.error : reasonPhrase(statusCode),
        message: typeof b.message === 'string' ? b.message : Array.isArray(b.message) ? b.message.join('; ') : exception.message,
      };
    }
    if (isFastifyError(exception)) {
      return {
        statusCode: exception.statusCode,
        error: reasonPhrase(exception.statusCode),
        code: exception.code,
        message: exception.message,
        ...exception.details,
      };
    }
    return {
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'an unexpected error occurred; it has been logged',
    };
  }
}

/** `Bad Request`, `Payload Too Large`, ...: the standard phrase for a status. */
function reasonPhrase(statusCode: number): string {
  return STATUS_CODES[statusCode] ?? 'Error';
}

/** Fastify's own errors (body too large, bad JSON, bad content type) carry a 4xx statusCode; Laurel's parsers add `details` (the JSON error's position). */
function isFastifyError(e: unknown): e is Error & { statusCode: number; code: string; details?: Record<string, unknown> } {
  if (!(e instanceof Error)) return false;
  const statusCode: unknown = (e as Error & { statusCode?: unknown }).statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}
