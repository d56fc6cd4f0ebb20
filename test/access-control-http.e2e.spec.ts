import request from 'supertest';
import { startTestEngine, type TestEngine } from './support/test-engine';

describe('when a caller goes over the rate limit', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ env: { LAUREL_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => engine.close());

  it('answers 429 with Retry-After and a message, for that caller only', async () => {
    const busy = await engine.as('coordinator', 'busy-1');
    for (let i = 0; i < 3; i++) {
      const ok = await request(engine.http).get('/programs/vilnius-tech/rules').set(busy).expect(200);
      expect(ok.headers['x-ratelimit-limit']).toBe('3');
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(2 - i));
    }
    const res = await request(engine.http).get('/programs/vilnius-tech/rules').set(busy).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.body).toMatchObject({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/^too many requests: the limit is 3 per minute for each caller; retry in \d+ s$/),
    });
    // A fresh token for the same subject is the same caller.
    await request(engine.http)
      .get('/programs/vilnius-tech/rules')
      .set(await engine.as('coordinator', 'busy-1'))
      .expect(429);
    await request(engine.http)
      .get('/programs/vilnius-tech/rules')
      .set(await engine.as('coordinator', 'calm-1'))
      .expect(200);
  });

  it('counts callers without a valid token by address, bad tokens included', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await request(engine.http).get('/health')).status);
    }
    const bad = await request(engine.http).get('/programs/vilnius-tech/rules').set('authorization', 'Bearer x.y.z');
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(bad.status).toBe(429);
  });

  it('keeps its counters in Redis under the engine prefix, expiring within a minute', async () => {
    const keys = await engine.redis.keys(`${engine.config.redisPrefix}:ratelimit:*`);
    expect(keys).toEqual(expect.arrayContaining([`${engine.config.redisPrefix}:ratelimit:sub:busy-1`]));
    for (const key of keys) {
      const ttl = await engine.redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });
});

describe('when the rate limit is off (LAUREL_RATE_LIMIT_PER_MINUTE=0)', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ env: { LAUREL_RATE_LIMIT_PER_MINUTE: '0' } });
  });
  afterAll(() => engine.close());

  it('counts nothing and sends no rate-limit headers', async () => {
    const res = await request(engine.http).get('/health').expect(200);
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    expect(await engine.redis.keys(`${engine.config.redisPrefix}:ratelimit:*`)).toEqual([]);
  });
});

describe('when a browser front end calls the API', () => {
  const FRONT_END = 'https://badges.example.edu';
  let engine: TestEngine;
  let closed: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ env: { LAUREL_CORS_ORIGINS: `${FRONT_END}, http://localhost:5173` } });
    closed = await startTestEngine();
  });
  afterAll(async () => {
    await engine.close();
    await closed.close();
  });

  it('answers the preflight of a listed origin, allowing the bearer header and no credentials', async () => {
    const res = await request(engine.http)
      .options('/participations')
      .set('origin', FRONT_END)
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'authorization, content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(FRONT_END);
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toContain('authorization');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('lets the front end read the rate-limit headers', async () => {
    const res = await request(engine.http).get('/health').set('origin', 'http://localhost:5173').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-expose-headers']).toContain('retry-after');
    expect(res.headers['access-control-expose-headers']).toContain('x-ratelimit-remaining');
  });

  it('gives an origin that is not listed no CORS headers', async () => {
    const res = await request(engine.http).get('/health').set('origin', 'https://evil.example.com').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows no origin at all by default', async () => {
    const res = await request(closed.http).get('/health').set('origin', FRONT_END).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends security headers on API answers', async () => {
    const res = await request(engine.http).get('/health').expect(200);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': expect.stringContaining('max-age='),
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
  });

  it('still serves the Swagger UI at /docs under the content security policy', async () => {
    const page = await request(engine.http).get('/docs').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    // The CSP forbids inline scripts, so every script must come from this server.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const scripts = [...page.text.matchAll(/<script[^>]*\bsrc=["']([^"']+)["']/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^(https?:)?\/\//);
      const script = await request(engine.http).get(new URL(src, 'http://laurel.test/docs').pathname).expect(200);
      expect(script.headers['content-type']).toContain('javascript');
    }
    const spec = await request(engine.http).get('/docs/openapi.json').expect(200);
    expect(spec.body.paths['/participations']).toBeDefined();
  });
});
