import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Role } from '@laurel/platform';
import { startTestEngine, type TestEngine } from './support/test-engine';
import { hostileTokens } from './support/tokens';

type Method = 'get' | 'post' | 'delete';
interface Endpoint {
  method: Method;
  /** `:own` is the calling student's id, `:other` someone else's. */
  path: string;
  body?: object;
  /** Roles besides admin that may call it; `student` means only for their own id. */
  roles: Role[];
}

const PROGRAM = 'vilnius-tech';
const ANY_UUID = '3f0c6a52-2d8e-4c1e-9a51-2b8f1f0c9d11';

/**
 * Every protected endpoint and who may call it. Guards run before
 * validation, so an allowed caller may still get a 400/404/409/422 here: what
 * matters is that it is never a 401 or 403.
 */
const ENDPOINTS: Endpoint[] = [
  { method: 'post', path: '/participations', body: {}, roles: ['coordinator'] },
  { method: 'post', path: '/participations/batch', body: { participations: [] }, roles: ['coordinator'] },
  { method: 'delete', path: `/participations/${ANY_UUID}`, body: { reason: 'recorded twice' }, roles: ['coordinator'] },
  { method: 'get', path: '/students/:own/timeline', roles: ['coordinator', 'student'] },
  { method: 'get', path: '/students/:own/progression', roles: ['coordinator', 'student'] },
  { method: 'get', path: '/students/:own/portfolio', roles: ['coordinator', 'student'] },
  { method: 'get', path: '/students/:own/credentials', roles: ['coordinator', 'student'] },
  { method: 'post', path: '/students/:own/applications', body: { badgeId: 'no-such-badge' }, roles: ['coordinator', 'student'] },
  { method: 'post', path: '/students/:own/awards/no-such-badge/revoke', body: { reason: 'plagiarism' }, roles: ['coordinator'] },
  { method: 'post', path: '/students/:own/awards/no-such-badge/keep', body: { reason: 'checked with the organisers' }, roles: ['coordinator'] },
  { method: 'post', path: `/credentials/${ANY_UUID}/revoke`, body: { reason: 'plagiarism' }, roles: ['coordinator'] },
  { method: 'post', path: `/applications/${ANY_UUID}/approve`, body: {}, roles: ['coordinator'] },
  { method: 'post', path: `/applications/${ANY_UUID}/reject`, body: { comment: 'not enough evidence' }, roles: ['coordinator'] },
  { method: 'get', path: `/programs/${PROGRAM}/rules`, roles: ['designer', 'coordinator', 'student'] },
  { method: 'post', path: `/programs/${PROGRAM}/rules`, body: { content: 'not: a rule file' }, roles: ['designer'] },
  { method: 'post', path: `/programs/${PROGRAM}/rules/preview`, body: { content: 'not: a rule file' }, roles: ['designer'] },
  { method: 'get', path: `/programs/${PROGRAM}/stats`, roles: ['designer', 'coordinator'] },
  { method: 'get', path: `/programs/${PROGRAM}/review`, roles: ['coordinator'] },
  { method: 'post', path: '/keys/rotate', body: { alg: 'HS256' }, roles: [] },
  { method: 'get', path: '/awards/failed', roles: [] },
];

const PUBLIC: Omit<Endpoint, 'roles'>[] = [
  { method: 'get', path: '/health' },
  { method: 'get', path: '/metrics' },
  { method: 'get', path: '/.well-known/jwks.json' },
  { method: 'get', path: '/keys/no-such-key-id-at-all-here' },
  { method: 'get', path: `/issuers/${PROGRAM}` },
  { method: 'get', path: `/credentials/${ANY_UUID}` },
  { method: 'post', path: '/credentials/verify', body: { jwt: 'a.b.c' } },
  { method: 'get', path: '/status-lists/1' },
  { method: 'get', path: `/programs/${PROGRAM}/badges/sports-participant` },
  { method: 'get', path: `/programs/${PROGRAM}/levels/participation` },
  { method: 'get', path: `/programs/${PROGRAM}/competencies/teamwork` },
];

const ROLES: Role[] = ['designer', 'coordinator', 'student', 'admin'];
const STUDENT = 's-own';

function send(engine: TestEngine, e: Omit<Endpoint, 'roles'>, headers: Record<string, string>, path = e.path) {
  const req = request(engine.http)[e.method](path.replace(':own', STUDENT).replace(':other', 's-other')).set(headers);
  return e.body === undefined ? req : req.send(e.body);
}

describe('access control', () => {
  let engine: TestEngine;
  const tokens = {} as Record<Role, Record<string, string>>;
  beforeAll(async () => {
    engine = await startTestEngine();
    for (const role of ROLES) tokens[role] = await engine.as(role, role === 'student' ? STUDENT : `${role}-1`);
  });
  afterAll(() => engine.close());

  const cases = ENDPOINTS.flatMap((e) => ROLES.map((role) => ({ ...e, role, allowed: role === 'admin' || e.roles.includes(role) })));

  describe.each(ROLES)('when the caller is a %s', (role) => {
    const mine = cases.filter((c) => c.role === role);

    it.each(mine.filter((c) => c.allowed).map((c) => [`${c.method.toUpperCase()} ${c.path}`, c] as const))('may call %s', async (_, c) => {
      const res = await send(engine, c, tokens[role]);
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    });

    const denied = mine.filter((c) => !c.allowed);
    if (denied.length > 0) {
      it.each(denied.map((c) => [`${c.method.toUpperCase()} ${c.path}`, c] as const))(
        'may not call %s: 403 naming the roles it needs',
        async (_, c) => {
          const res = await send(engine, c, tokens[role]);
          expect(res.status).toBe(403);
          const [, needed, has] = /^this needs (?:the role|one of the roles) (.+); your token has (.+)$/.exec(res.body.message as string) ?? [];
          expect(needed?.split(', ').sort()).toEqual([...c.roles, 'admin'].sort());
          expect(has).toBe(role);
        },
      );
    }
  });

  describe('when a student reaches for another student', () => {
    const studentPaths = ENDPOINTS.filter((e) => e.path.includes(':own') && e.roles.includes('student'));

    it.each(studentPaths.map((e) => [`${e.method.toUpperCase()} ${e.path}`, e] as const))(
      "is refused %s for someone else's id (403)",
      async (_, e) => {
        const res = await send(engine, e, tokens.student, e.path.replace(':own', ':other'));
        expect(res.status).toBe(403);
        expect(res.body.message).toBe(
          `your token is for student ${STUDENT}, not s-other: a student may only see and act on their own records (/students/${STUDENT}/...)`,
        );
      },
    );

    it('reads their own progression and timeline (200 or 404, never 403)', async () => {
      for (const path of [`/students/${STUDENT}/progression`, `/students/${STUDENT}/timeline`]) {
        const res = await request(engine.http).get(path).set(tokens.student);
        expect([200, 404]).toContain(res.status);
      }
    });

    it('reads their own timeline once a coordinator recorded something for them', async () => {
      const participationId = randomUUID();
      await request(engine.http)
        .post('/participations')
        .set(tokens.coordinator)
        .send({ participationId, studentId: STUDENT, activityId: 'robotics-club', occurredAt: '2026-10-14T16:00:00Z' })
        .expect(201);
      const own = await request(engine.http).get(`/students/${STUDENT}/timeline`).set(tokens.student).expect(200);
      expect(own.body.events[0].data.participationId).toBe(participationId);
      await request(engine.http).get(`/students/${STUDENT}/progression`).set(tokens.student).expect(200);
      await request(engine.http)
        .get(`/students/${STUDENT}/timeline`)
        .set(await engine.as('student', 'someone-else'))
        .expect(403);
    });
  });

  describe('when an endpoint is public', () => {
    it.each(PUBLIC.map((e) => [`${e.method.toUpperCase()} ${e.path}`, e] as const))('answers %s without a token', async (_, e) => {
      const res = await send(engine, e, {});
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    });
  });

  describe('when the token is missing or bad', () => {
    let bad: Record<string, string>;
    beforeAll(async () => {
      bad = await hostileTokens(engine.config);
    });

    const REASONS: Record<string, string> = {
      unsigned: 'token algorithm not allowed',
      hs256WithPublicPem: 'token algorithm not allowed',
      hs256WithPublicJwk: 'token algorithm not allowed',
      expired: 'token expired',
      notYetValid: 'token not yet valid',
      wrongIssuer: 'wrong token issuer',
      wrongAudience: 'wrong token audience',
      unknownKid: 'token signed with an unknown key (kid)',
      forgedSignature: 'token signature is invalid',
      tamperedPayload: 'token signature is invalid',
      noSubject: 'token has no subject (sub)',
      garbage: 'malformed token',
      truncated: 'malformed token',
    };

    it('answers 401 asking for a bearer token when there is none', async () => {
      const res = await request(engine.http).get(`/programs/${PROGRAM}/rules`).expect(401);
      expect(res.body.message).toBe('missing bearer token: send Authorization: Bearer <token>');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('answers 401 for an Authorization header that is not a bearer token', async () => {
      for (const header of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two words', 'Bearer a.b.c!', `Bearer ${'x'.repeat(5000)}`]) {
        const res = await request(engine.http).get(`/programs/${PROGRAM}/rules`).set('authorization', header);
        expect(res.status).toBe(401);
      }
    });

    it.each(Object.entries(REASONS))('answers 401 for a %s token, saying "%s"', async (name, reason) => {
      const token = bad[name];
      const res = await request(engine.http).get(`/programs/${PROGRAM}/rules`).set('authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: reason });
      expect(res.headers['www-authenticate']).toBe(`Bearer error="invalid_token", error_description="${reason}"`);
    });

    it('writes nothing when a write comes with a bad token', async () => {
      const before = await engine.store.lastPosition();
      for (const token of Object.values(bad)) {
        await request(engine.http)
          .post('/participations')
          .set('authorization', `Bearer ${token}`)
          .send({ participationId: randomUUID(), studentId: 's-x', activityId: 'robotics-club', occurredAt: '2026-10-14T16:00:00Z' })
          .expect(401);
      }
      expect(await engine.store.lastPosition()).toBe(before);
    });
  });

  describe('when a token carries no role Laurel knows', () => {
    it('answers 403 saying the token has none', async () => {
      const res = await request(engine.http)
        .get(`/programs/${PROGRAM}/rules`)
        .set(await engine.as('unknown-role' as Role))
        .expect(403);
      expect(res.body.message).toMatch(/^this needs one of the roles .*admin; your token has none$/);
    });
  });

  describe('when the body names an actor', () => {
    const body = () => ({
      participationId: randomUUID(),
      studentId: `s-${randomUUID().slice(0, 8)}`,
      activityId: 'robotics-club',
      occurredAt: '2026-10-14T16:00:00Z',
    });

    it('refuses the field (400) and writes nothing', async () => {
      const before = await engine.store.lastPosition();
      const res = await request(engine.http)
        .post('/participations')
        .set(tokens.coordinator)
        .send({ ...body(), actor: 'admin:the-rector' })
        .expect(400);
      expect(res.body.message).toContain('actor is not a known field; remove it');
      const batch = await request(engine.http)
        .post('/participations/batch')
        .set(tokens.coordinator)
        .send({ participations: [{ ...body(), actor: 'admin:the-rector' }] })
        .expect(200);
      expect(batch.body.results[0]).toMatchObject({ status: 'rejected', message: expect.stringContaining('actor is not a known field') });
      expect(await engine.store.lastPosition()).toBe(before);
    });

    it("stores the token's subject and role as the event's actor", async () => {
      const b = body();
      await request(engine.http)
        .post('/participations')
        .set(await engine.as('coordinator', 'c-42'))
        .send(b)
        .expect(201);
      const events = await engine.store.readStream(`student-${b.studentId}`);
      expect(events).toHaveLength(1);
      expect(events[0]!.metadata.actor).toBe('coordinator:c-42');
    });
  });
});
