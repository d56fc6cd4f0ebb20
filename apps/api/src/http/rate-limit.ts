import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';

const WINDOW_MS = 60_000;

/**
 * One fixed window per caller: the first request of a window creates the
 * counter and its expiry in one atomic step, so concurrent API processes
 * sharing a Redis count together and a counter can never outlive its window.
 */
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

/** Headers a browser front end may read to pace itself (exposed through CORS). */
export const RATE_LIMIT_HEADERS = ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];

/**
 * Per-caller request limit, counted in Redis under the engine's prefix.
 * Callers are keyed by token subject when authenticated, else by client IP
 * (behind a reverse proxy, every anonymous caller shares the proxy's IP).
 */
export class RateLimiter {
  private readonly logger = new Logger('rate-limit');
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perMinute: number,
  ) {}

  /**
   * Counts one request for `caller` (e.g. `sub:c-1` or `ip:10.0.0.7`), sets
   * the `x-ratelimit-*` headers, and throws a 429 with `Retry-After` once the
   * caller is over the limit. A limit of 0 counts nothing.
   */
  async take(caller: string, reply: FastifyReply): Promise<void> {
    if (this.perMinute <= 0) return;
    let count: number;
    let ttlMs: number;
    try {
      [count, ttlMs] = await this.hit(`${this.prefix}:ratelimit:${safeKey(caller)}`);
    } catch (err) {
      // A limiter outage must not become an API outage: let the request through, and say so (at most once a minute).
      if (Date.now() - this.lastWarning > WINDOW_MS) {
        this.lastWarning = Date.now();
        this.logger.warn(`rate limiting is off while Redis fails: ${err instanceof Error ? err.message : String(err)}`);
      }
      return;
    }
    const resetSec = Math.max(1, Math.ceil(ttlMs / 1000));
    void reply.header('x-ratelimit-limit', this.perMinute);
    void reply.header('x-ratelimit-remaining', Math.max(0, this.perMinute - count));
    void reply.header('x-ratelimit-reset', resetSec);
    if (count > this.perMinute) {
      void reply.header('retry-after', resetSec);
      throw new HttpException(
        {
          error: 'Too Many Requests',
          code: 'RATE_LIMITED',
          message: `too many requests: the limit is ${this.perMinute} per minute for each caller; retry in ${resetSec} s`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  private async hit(key: string): Promise<[number, number]> {
    let result: unknown;
    try {
      result = await this.redis.evalsha(SCRIPT_SHA, 1, key, WINDOW_MS);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      result = await this.redis.eval(SCRIPT, 1, key, WINDOW_MS);
    }
    const [count, ttl] = result as [number, number];
    return [count, ttl];
  }
}

/** Subjects come from identity providers and may be long or odd: keep keys short and printable. */
function safeKey(caller: string): string {
  return /^[\w.:@-]{1,100}$/.test(caller) ? caller : `h:${createHash('sha256').update(caller).digest('base64url')}`;
}
