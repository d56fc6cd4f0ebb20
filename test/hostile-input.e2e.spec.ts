import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { hostileRequest, sendRaw, type Caller } from './support/hostile-requests';
import { startTestEngine, type TestEngine } from './support/test-engine';

const participation = (overrides: Record<string, unknown> = {}) => ({
  participationId: randomUUID(),
  studentId: `s-${randomUUID().slice(0, 8)}`,
  activityId: 'robotics-club',
  occurredAt: '2026-10-14T16:00:00Z',
  ...overrides,
});

describe('input limits', () => {
  let engine: TestEngine;
  let coordinator: Record<string, string>;
  let before: bigint | number;
  beforeAll(async () => {
    engine = await startTestEngine();
    coordinator = await engine.as('coordinator');
    before = await engine.store.lastPosition();
  });
  afterAll(async () => {
    // Nothing any of these requests sent was written.
    expect(await engine.store.lastPosition()).toBe(before);
    await engine.close();
  });

  const post = (path: string) => request(engine.http).post(path).set(coordinator);

  describe('when the body is larger than 1 MB', () => {
    it('answers 413 saying what the limit is', async () => {
      const res = await post('/participations')
        .send(participation({ evidence: 'x'.repeat(1024 * 1024) }))
        .expect(413);
      expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large', message: expect.stringContaining('larger than 1 MB') });
    });
  });

  describe('when a batch has more than 1,000 rows', () => {
    it('answers 400 asking to split it', async () => {
      const rows = Array.from({ length: 1001 }, () => participation());
      const res = await post('/participations/batch').send({ participations: rows }).expect(400);
      expect(res.body.message).toContain('participations must hold at most 1000 rows; split the batch');
    });

    it('takes exactly 1,000 rows', async () => {
      const rows = Array.from({ length: 1000 }, () => participation({ activityId: 'no-such-activity' }));
      const res = await post('/participations/batch').send({ participations: rows }).expect(200);
      expect(res.body.summary).toEqual({ created: 0, unchanged: 0, rejected: 1000 });
    });
  });

  describe('when a text field is too long or unprintable', () => {
    it.each([
      ['/participations', 'a 2001-character evidence', participation({ evidence: 'e'.repeat(2001) }), 'evidence must be at most 2000 characters'],
      [
        '/participations',
        'a NUL in evidence',
        participation({ evidence: 'see \u0000 here' }),
        'evidence must be text without control characters or unpaired surrogates',
      ],
      [
        '/participations',
        'half a surrogate pair in evidence',
        participation({ evidence: 'half an emoji \ud83d' }),
        'evidence must be text without control characters',
      ],
      ['/participations', 'a 65-character student id', participation({ studentId: 's'.repeat(65) }), 'studentId must be letters, digits'],
      [
        '/students/s-1/applications',
        'a 4001-character statement',
        { badgeId: 'meta-leadership', statement: 's'.repeat(4001) },
        'statement must be at most 4000 characters',
      ],
      ['/students/s-1/awards/meta-leadership/revoke', 'a 501-character reason', { reason: 'r'.repeat(501) }, 'reason must be at most 500 characters'],
      [
        '/students/s-1/awards/meta-leadership/revoke',
        'a BEL in the reason',
        { reason: 'bell \u0007' },
        'reason must be text without control characters',
      ],
      [`/applications/${randomUUID()}/reject`, 'a 2001-character comment', { comment: 'c'.repeat(2001) }, 'comment must be at most 2000 characters'],
    ])('POST %s with %s answers 400', async (path, _what, body, message) => {
      const res = await post(path).send(body).expect(400);
      expect(res.body.message).toContain(message);
    });

    it('keeps right-to-left, zero-width and astral characters, which are text', async () => {
      // The activity check runs after validation: an unknown activity proves the text got past it, without writing anything.
      const body = participation({ evidence: 'שלום\u200f 😀 Žalgirio\u200b', activityId: 'no-such-activity' });
      const res = await post('/participations').send(body).expect(422);
      expect(res.body.code).toBe('UNKNOWN_ACTIVITY');
      // Nothing is close to it: no guess, but where the known activities are listed.
      expect(res.body).toMatchObject({ nearMatches: [] });
      expect(res.body.message).toContain('no known activity id is close to it; GET /programs/vilnius-tech/rules lists the known ones');
    });
  });

  describe('when the JSON is nested too deep', () => {
    it('answers 400 before parsing it', async () => {
      const res = await post('/participations')
        .set('content-type', 'application/json')
        .send(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)
        .expect(400);
      expect(res.body).toMatchObject({ code: 'JSON_TOO_DEEP', message: 'the JSON body is nested deeper than 32 levels; flatten it' });
    });
  });

  describe('when the body tries to pollute prototypes', () => {
    it.each(['{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}'])('answers 400 for %s', async (text) => {
      await post('/participations').set('content-type', 'application/json').send(text).expect(400);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    // Nest's pipe and class-transformer drop these silently, so without the parser's check a good body carrying them was recorded.
    it.each(['prototype', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
      'answers 400 for a good participation that also carries "%s"',
      async (key) => {
        const text = JSON.stringify(participation()).replace('{', `{"${key}":{"polluted":"yes"},`);
        const res = await post('/participations').set('content-type', 'application/json').send(text).expect(400);
        expect(res.body.message).toBe(`"${key}" is not a field Laurel knows, and is refused anywhere in a body; remove it`);
      },
    );
  });

  describe('when an optional field is sent as null', () => {
    it.each([['hours'], ['role'], ['evidence']])('answers 400 for %s: null instead of storing it', async (field) => {
      const res = await post('/participations')
        .send(participation({ [field]: null }))
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    });
  });

  describe('when the body is not JSON', () => {
    it('answers 415 for a form post, saying what to send', async () => {
      const res = await post('/participations').set('content-type', 'application/x-www-form-urlencoded').send('studentId=1').expect(415);
      expect(res.body.message).toContain('send application/json');
    });
  });

  describe('when the URL or query string is too long', () => {
    it('answers 414 for a query string past 4096 characters', async () => {
      const res = await request(engine.http)
        .get(`/students/s-1/progression?asOf=${'9'.repeat(5000)}`)
        .set(coordinator)
        .expect(414);
      expect(res.body.message).toBe('the URL is longer than 4096 characters; send long input in the body');
    });

    it('answers 400 for a query value that is not what it should be', async () => {
      await request(engine.http)
        .get(`/students/s-1/progression?programId=${'p'.repeat(65)}`)
        .set(coordinator)
        .expect(400);
      await request(engine.http).get('/students/s-1/progression?asOf=2026-01-01&asOf=2027-01-01').set(coordinator).expect(400);
      await request(engine.http).get('/students/s-1/progression?unknown=1').set(coordinator).expect(400);
    });

    it('answers 400, not 500, for ISO-8601 forms that name no instant (week and ordinal dates, basic format, an hour-only offset)', async () => {
      const designer = await engine.as('designer');
      for (const when of ['2026-W48', '2026-328', '20261124', '2026-11-24T09:24+02']) {
        const asOf = await request(engine.http)
          .get(`/students/s-1/progression?asOf=${encodeURIComponent(when)}`)
          .set(coordinator)
          .expect(400);
        expect(asOf.body.message).toBe('asOf must be an ISO-8601 date or date-time, e.g. 2026-06-30 or 2026-06-30T12:00:00Z');
        const at = await request(engine.http)
          .post(`/programs/vilnius-tech/rules/preview?at=${encodeURIComponent(when)}`)
          .set(designer)
          .set('content-type', 'text/yaml')
          .send('program: { id: vilnius-tech }')
          .expect(400);
        expect(at.body.message).toBe('at must be an ISO-8601 date or date-time, e.g. 2026-06-30 or 2026-06-30T12:00:00Z');
      }
    });

    it('names the day, month or time the calendar lacks in asOf and at, as it does for occurredAt', async () => {
      const designer = await engine.as('designer');
      const asOf = await request(engine.http).get('/students/s-1/progression?asOf=2026-02-30').set(coordinator).expect(400);
      expect(asOf.body.message).toBe('asOf 2026-02-30 is not a date: 2026-02 has no day 30 (it has 28 days)');
      const late = await request(engine.http).get('/students/s-1/progression?asOf=2026-01-10T25:00:00Z').set(coordinator).expect(400);
      expect(late.body.message).toBe('asOf 2026-01-10T25:00:00Z is not a time of day: write the time from 00:00 to 23:59:59');
      const at = await request(engine.http)
        .post('/programs/vilnius-tech/rules/preview?at=2026-14-01')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send('program: { id: vilnius-tech }')
        .expect(400);
      expect(at.body.message).toBe('at 2026-14-01 is not a date: there is no month 14; write the date as YYYY-MM-DD, the month from 01 to 12');
    });
  });
});

/** Request count and seed: LAUREL_FUZZ_REQUESTS / LAUREL_FUZZ_SEED reproduce or extend a run. */
const REQUESTS = Number(process.env.LAUREL_FUZZ_REQUESTS ?? 5000);
const SEED = Number(process.env.LAUREL_FUZZ_SEED ?? 20261014);
const CONCURRENCY = 8;

describe(`when ${REQUESTS} hostile requests hit the write endpoints (seed ${SEED})`, () => {
  let engine: TestEngine;
  let agent: Agent;
  beforeAll(async () => {
    // The limiter stays on (it is in every request's path), high enough not to refuse the run.
    engine = await startTestEngine({ env: { LAUREL_RATE_LIMIT_PER_MINUTE: '1000000' } });
    await engine.app.listen(0, '127.0.0.1');
    agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  });
  afterAll(async () => {
    agent.destroy();
    await engine.close();
  });

  it(
    'answers every one with a 4xx (or a 200 that accepts nothing), never a 5xx, and writes nothing',
    async () => {
      const { port } = engine.app.getHttpServer().address() as AddressInfo;
      const base = { host: '127.0.0.1', port };
      const auth: Record<Caller, string> = {
        coordinator: (await engine.as('coordinator', 'fuzz-coordinator')).authorization!,
        designer: (await engine.as('designer', 'fuzz-designer')).authorization!,
      };
      const before = await engine.store.lastPosition();
      const started = Date.now();
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      let next = 0;
      const worker = async () => {
        while (next < REQUESTS) {
          const req = hostileRequest(SEED, next++);
          let res;
          try {
            res = await sendRaw(base, agent, req, auth[req.caller]);
          } catch (err) {
            // The server may close the connection on a refused oversized body before the client finished sending it.
            if (req.body !== undefined && req.body.length > 1024 * 1024) {
              statuses.set(413, (statuses.get(413) ?? 0) + 1);
              continue;
            }
            failures.push(`${req.label}: ${(err as Error).message}`);
            continue;
          }
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const clientError = res.status >= 400 && res.status < 500;
          if (!clientError && !(req.allows2xx && res.status === 200)) {
            failures.push(`${req.label} -> ${res.status} ${res.body.slice(0, 300)}`);
          } else if (clientError && res.status !== 404 && !/"message":"[^"]/.test(res.body)) {
            failures.push(`${req.label} -> ${res.status} without a message: ${res.body.slice(0, 300)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const seconds = (Date.now() - started) / 1000;
      const summary = `${REQUESTS} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`;
      if (process.env.LAUREL_FUZZ_VERBOSE) process.stdout.write(`${summary}\n`);

      expect({ summary, failures: failures.slice(0, 20), count: failures.length }).toEqual({ summary, failures: [], count: 0 });
      expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
      expect(await engine.store.lastPosition()).toBe(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    },
    Math.max(120_000, REQUESTS * 30),
  );
});
