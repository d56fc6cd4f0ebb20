import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { LaurelConfig } from '@laurel/platform';
import { locateJsonError } from './json-error';
import { RATE_LIMIT_HEADERS } from './rate-limit';

/** Deepest JSON body accepted: every Laurel body is at most 3 levels deep; deeper is an attack on the parsers. */
export const MAX_JSON_DEPTH = 32;

/** Longest request target (path and query string) accepted. */
export const MAX_URL_LENGTH = 4096;

/** Errors a Fastify hook or parser hands on; the problem filter renders their 4xx status, message and `details` (extra fields of the body). */
function clientError(
  statusCode: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): Error & { statusCode: number; code: string; details?: Record<string, unknown> } {
  return Object.assign(new Error(message), { statusCode, code, ...(details && { details }) });
}

/**
 * Fastify's refusal of a body that does not parse says only that it is not
 * valid JSON: this one says where (line, column and offset, also as
 * `position` in the body) and what is wrong there.
 */
export function invalidJsonError(text: string): Error & { statusCode: number; code: string } {
  if (text.trim() === '') {
    return clientError(400, 'EMPTY_JSON_BODY', 'the body is empty but Content-Type says application/json; send a JSON object, or no Content-Type');
  }
  const at = locateJsonError(text);
  if (!at) return clientError(400, 'INVALID_JSON', 'the body is not valid JSON; check it with a JSON validator and send it again');
  const { line, column, offset } = at;
  return clientError(400, 'INVALID_JSON', `the body is not valid JSON: at line ${line}, column ${column} (offset ${offset}): ${at.problem}`, {
    position: { line, column, offset },
  });
}

/**
 * Nesting depth of a JSON text, counted without parsing it, stopping as soon
 * as it passes `max`: so a body of a million `[` costs a scan, not a stack.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Answers requests Node's HTTP parser refuses (headers or URL over 16 KB,
 * malformed HTTP, too slow) in the problem shape, and, unlike Fastify's
 * default, says `Connection: close`: the socket is destroyed next, and a
 * keep-alive client must not send its next request on it.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [statusCode, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request headers or URL are too large; send long input in the body']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request took too long to arrive']
        : [400, 'the request is not valid HTTP'];
  const body = JSON.stringify({ statusCode, error: STATUS_CODES[statusCode], message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/**
 * Keys that name members of `Object.prototype` (and `prototype`). Nest's
 * validation pipe and class-transformer drop them silently instead of
 * reporting them as unknown fields, so a body carrying them would pass; they
 * are refused here, with every other prototype-pollution attempt.
 */
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** The first key anywhere in a parsed JSON value that names a prototype member, if any. */
export function prototypeKeyIn(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      stack.push(...(v as unknown[]));
      continue;
    }
    for (const key of Object.keys(v)) {
      if (PROTOTYPE_KEYS.has(key)) return key;
      stack.push((v as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}

/**
 * The response headers helmet sets for `options`, worked out once.
 * @fastify/helmet builds helmet's middleware (parsing the CSP directives)
 * again on every request, a measurable share of a small request's CPU; with
 * static directives the result never varies, so each response gets the same
 * headers from a list (helmet is pinned to the version @fastify/helmet uses;
 * that plugin is no longer registered).
 */
export function helmetHeaders(options: HelmetOptions): [string, string | number | readonly string[]][] {
  const headers = new Map<string, string | number | readonly string[]>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err) => {
    if (err !== undefined && err !== null) throw new Error('helmet refused the security header options', { cause: err });
  });
  return [...headers];
}

/**
 * Hardens the HTTP face for browsers and hostile callers: security headers
 * (a CSP that still lets the Swagger UI at /docs load), CORS for the origins
 * in `LAUREL_CORS_ORIGINS`, a cap on JSON nesting, no prototype-member keys
 * in bodies, and a cap on URL length.
 */
export function applySecurity(app: NestFastifyApplication, config: LaurelConfig): void {
  const securityHeaders = helmetHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI styles its elements inline and draws its icons from data: URLs.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        // The embedded default is served over plain http: do not send the browser to https for /docs assets.
        upgradeInsecureRequests: null,
      },
    },
    // Tokens travel in headers, never cookies, so other sites may fetch public keys and badge images.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'accept', 'x-correlation-id'],
    exposedHeaders: [...RATE_LIMIT_HEADERS, 'content-disposition', 'location', 'www-authenticate'],
    maxAge: 600,
  });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of securityHeaders) reply.raw.setHeader(name, value);
    if (request.url.length > MAX_URL_LENGTH) {
      done(clientError(414, 'URI_TOO_LONG', `the URL is longer than ${MAX_URL_LENGTH} characters; send long input in the body`));
      return;
    }
    done();
  });
  // Replaces Nest's JSON parser (and so leaves form bodies unparsed: 415). Same body limit and poisoning checks, plus the depth cap.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit: fastify.initialConfig.bodyLimit }, (request, body, done) => {
    const text = body.toString('utf8');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(clientError(400, 'JSON_TOO_DEEP', `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels; flatten it`), undefined);
      return;
    }
    void parseJson(request, text, (err, value: unknown) => {
      const code = (err as { code?: unknown } | null)?.code;
      if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
        done(invalidJsonError(text), undefined);
        return;
      }
      const key = err ? undefined : prototypeKeyIn(value);
      if (key !== undefined) {
        done(clientError(400, 'FORBIDDEN_KEY', `"${key}" is not a field Laurel knows, and is refused anywhere in a body; remove it`), undefined);
        return;
      }
      done(err, value);
    });
  });
}
