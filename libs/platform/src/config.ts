import { isAbsolute, resolve } from 'node:path';

/**
 * Laurel's configuration, read once from the environment. Every variable is
 * documented in the README; a bad value stops start-up with a message that
 * names the variable.
 */
export interface LaurelConfig {
  /** `all` runs the HTTP API and the workers in one process (the embedded default). */
  role: 'all' | 'api' | 'worker';
  host: string;
  port: number;
  /** Base URL the API is reachable at; used in credential and key URLs. */
  publicUrl: string;
  dataDir: string;
  eventStore: { kind: 'sqlite'; file: string; synchronous: 'FULL' | 'NORMAL' | 'EXTRA' } | { kind: 'eventstoredb'; connectionString: string };
  redisUrl: string;
  /** Prefix of every Redis key and BullMQ queue, so several engines (or tests) can share one Redis. */
  redisPrefix: string;
  rulesDir: string;
  /**
   * Whether this process publishes the changed files of `rulesDir` at start
   * (and logs their warnings): not the worker process the API starts, which
   * finds them published by then (ADR 0010).
   */
  publishesRuleFiles: boolean;
  /** Whether this process runs the award (signing) worker; `false` leaves the queue to other worker processes. */
  awardWorker: boolean;
  /**
   * Whether this process runs the rule projection; `false` in a worker
   * process that only signs awards, so signing never holds up the projection
   * (each gets an event loop of its own).
   */
  projection: boolean;
  /**
   * Where the standalone worker process answers `GET /health` (on `host`);
   * `undefined`: it opens no port. The API process ignores it: its own
   * `/health` is on `port`.
   */
  workerHealthPort?: number;
  /**
   * The nice value (0 to 19) a worker process gives itself at start, so the
   * API process on the same machine gets the CPU first and the background
   * work catches up when requests leave room; 0 keeps the normal priority.
   * Only the worker entry point applies it (an all-in-one process would slow
   * its own API).
   */
  workerNice: number;
  auth: AuthConfig;
  /** Requests each caller (token subject, else client IP) may make per minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Browser origins allowed to call the API (CORS); empty allows none. */
  corsOrigins: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Credential signing keys: generated into `keysDir` (algorithm `alg`), or one operator-provided key file. */
  signing: { alg: 'RS256' | 'ES256'; keyFile?: string; keysDir: string };
  /** The issuer Profile of every credential; `id` is `<publicUrl>/issuers/<slug>`, where the Profile is served. */
  issuer: { id: string; slug: string; name: string; url: string; email: string };
}

/**
 * How bearer tokens are verified: against a university identity provider's
 * JWKS (Keycloak, Entra ID, ...), or against a local key that `laurel token`
 * signs with (the embedded default).
 */
export type AuthConfig = {
  issuer: string;
  audience: string;
  /** Dot path of the claim that lists the caller's roles, e.g. `roles` or `realm_access.roles` (Keycloak). */
  rolesClaim: string;
  /** Clock skew tolerated on exp / nbf, in seconds. */
  clockToleranceSec: number;
} & ({ kind: 'jwks'; jwksUrl: string } | { kind: 'local'; keyFile: string });

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

type Env = Record<string, string | undefined>;

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name] ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name}=${value} is not valid: use one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function tcpPort(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${name}=${raw} is not a TCP port (0-65535)`);
  }
  return value;
}

function port(env: Env): number {
  return tcpPort('LAUREL_PORT', env.LAUREL_PORT ?? env.PORT ?? '3000');
}

/** Reads the configuration from `env` (default `process.env`), resolving paths against `cwd`. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): LaurelConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const dataDir = abs(env.LAUREL_DATA_DIR ?? 'data');
  const kind = oneOf(env, 'LAUREL_EVENT_STORE', ['sqlite', 'eventstoredb'] as const, 'sqlite');
  let eventStore: LaurelConfig['eventStore'];
  if (kind === 'eventstoredb') {
    const connectionString = env.EVENTSTORE_CONNECTION_STRING;
    if (!connectionString) {
      throw new ConfigError('LAUREL_EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING, e.g. esdb://localhost:2113?tls=false');
    }
    eventStore = { kind, connectionString };
  } else {
    eventStore = {
      kind,
      file: abs(env.LAUREL_SQLITE_FILE ?? resolve(dataDir, 'events.sqlite')),
      synchronous: oneOf(env, 'LAUREL_SQLITE_SYNCHRONOUS', ['FULL', 'NORMAL', 'EXTRA'] as const, 'FULL'),
    };
  }
  const p = port(env);
  const jwksUrl = env.LAUREL_AUTH_JWKS_URL;
  const authCommon = {
    audience: env.LAUREL_AUTH_AUDIENCE ?? 'laurel',
    rolesClaim: env.LAUREL_AUTH_ROLES_CLAIM ?? 'roles',
    clockToleranceSec: Number(env.LAUREL_AUTH_CLOCK_TOLERANCE_SEC ?? '5'),
  };
  let auth: AuthConfig;
  if (jwksUrl) {
    if (!env.LAUREL_AUTH_ISSUER)
      throw new ConfigError('LAUREL_AUTH_JWKS_URL needs LAUREL_AUTH_ISSUER (the "iss" your identity provider puts in tokens)');
    if (!URL.canParse(jwksUrl)) throw new ConfigError(`LAUREL_AUTH_JWKS_URL=${jwksUrl} is not a URL`);
    auth = { kind: 'jwks', jwksUrl, issuer: env.LAUREL_AUTH_ISSUER, ...authCommon };
  } else {
    auth = {
      kind: 'local',
      keyFile: abs(env.LAUREL_AUTH_KEY_FILE ?? resolve(dataDir, 'keys', 'auth-local.jwk.json')),
      issuer: env.LAUREL_AUTH_ISSUER ?? 'laurel-local',
      ...authCommon,
    };
  }
  const host = env.LAUREL_HOST ?? '127.0.0.1';
  const publicUrl = (env.LAUREL_PUBLIC_URL ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${p}`).replace(/\/+$/, '');
  const issuerSlug = env.LAUREL_ISSUER_ID ?? 'vilnius-tech';
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(issuerSlug))
    throw new ConfigError(`LAUREL_ISSUER_ID=${issuerSlug} is not valid: use lower-case letters, digits and dashes`);
  const issuerUrl = env.LAUREL_ISSUER_URL ?? 'https://vilniustech.lt';
  if (!URL.canParse(issuerUrl)) throw new ConfigError(`LAUREL_ISSUER_URL=${issuerUrl} is not a URL`);
  const rateLimit = env.LAUREL_RATE_LIMIT_PER_MINUTE ?? '6000';
  const rateLimitPerMinute = Number(rateLimit);
  if (!/^\d+$/.test(rateLimit) || !Number.isSafeInteger(rateLimitPerMinute)) {
    throw new ConfigError(`LAUREL_RATE_LIMIT_PER_MINUTE=${rateLimit} is not valid: use a whole number of requests per minute, or 0 for no limit`);
  }
  const corsOrigins = (env.LAUREL_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => o !== '');
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/?#\s]+$/.test(origin)) {
      throw new ConfigError(`LAUREL_CORS_ORIGINS: ${origin} is not an origin; use scheme://host[:port], e.g. https://badges.example.edu`);
    }
  }
  const role = oneOf(env, 'LAUREL_ROLE', ['all', 'api', 'worker'] as const, 'all');
  const awardWorker = oneOf(env, 'LAUREL_AWARD_WORKER', ['on', 'off'] as const, 'on') === 'on';
  const projection = oneOf(env, 'LAUREL_PROJECTION', ['on', 'off'] as const, 'on') === 'on';
  if (!projection && role === 'all') {
    throw new ConfigError('LAUREL_PROJECTION=off is for worker processes: with LAUREL_ROLE=all nothing would update the read models this API serves');
  }
  if (!projection && !awardWorker && role === 'worker') {
    throw new ConfigError('LAUREL_PROJECTION=off and LAUREL_AWARD_WORKER=off leave this worker nothing to do: turn one of them on');
  }
  const workerHealthPort = env.LAUREL_WORKER_HEALTH_PORT ? tcpPort('LAUREL_WORKER_HEALTH_PORT', env.LAUREL_WORKER_HEALTH_PORT) : undefined;
  const nice = env.LAUREL_WORKER_NICE ?? '5';
  if (!/^\d+$/.test(nice) || Number(nice) > 19) {
    throw new ConfigError(`LAUREL_WORKER_NICE=${nice} is not valid: use a whole number from 0 (the API's priority) to 19 (the lowest)`);
  }
  return {
    role,
    host,
    port: p,
    publicUrl,
    dataDir,
    eventStore,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: env.LAUREL_REDIS_PREFIX ?? 'laurel',
    rulesDir: abs(env.LAUREL_RULES_DIR ?? 'rules'),
    publishesRuleFiles: true,
    awardWorker,
    projection,
    ...(workerHealthPort !== undefined && { workerHealthPort }),
    workerNice: Number(nice),
    auth,
    rateLimitPerMinute,
    corsOrigins,
    logLevel: oneOf(env, 'LAUREL_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    signing: {
      alg: oneOf(env, 'LAUREL_SIGNING_ALG', ['RS256', 'ES256'] as const, 'RS256'),
      ...(env.LAUREL_SIGNING_KEY_FILE ? { keyFile: abs(env.LAUREL_SIGNING_KEY_FILE) } : {}),
      keysDir: resolve(dataDir, 'keys', 'credentials'),
    },
    issuer: {
      id: `${publicUrl}/issuers/${issuerSlug}`,
      slug: issuerSlug,
      name: env.LAUREL_ISSUER_NAME ?? 'Vilnius Gediminas Technical University (VILNIUS TECH)',
      url: issuerUrl,
      email: env.LAUREL_ISSUER_EMAIL ?? 'info@vilniustech.lt',
    },
  };
}

/** Injection token for {@link LaurelConfig}. */
export const LAUREL_CONFIG = Symbol.for('laurel.Config');

/** The Nest log levels at and above `level` (Nest has no `trace`; it maps to `verbose`). */
export function nestLogLevels(level: LaurelConfig['logLevel']): ('fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose')[] {
  const order = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  const cut = { silent: -1, fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 }[level];
  return order.slice(0, cut + 1);
}
