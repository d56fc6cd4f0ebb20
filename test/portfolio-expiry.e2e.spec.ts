import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { eventually } from './support/eventually';
import { daysAgo, ladder } from './support/ladder';
import { fakeDateOnly } from './support/fake-date';
import { startEngineWithRules } from './support/engine-with-rules';
import { REPO_ROOT, type TestEngine } from './support/test-engine';

const RULES = readFileSync(join(REPO_ROOT, 'rules', 'vilnius-tech.yaml'), 'utf8');
/** The sports participation badge lasting a year; the examples go, as they do not ask about its expiry. */
const EXPIRING = RULES.replace(
  '  - id: sports-participant\n    level: participation\n',
  '  - id: sports-participant\n    level: participation\n    valid-for: 1 year\n',
).replace(/\nexamples:[\s\S]*$/, '\n');
const DAY = 86_400_000;

type Check = { name: string; status: string; code?: string };

/**
 * The engine's clock is the process's: `Date` alone is faked (as in renewal.e2e.spec.ts) so that a year can pass
 * between two requests. Tokens are minted again after a jump, as theirs would have expired.
 */
describe('a graduation portfolio when a badge in it has expired', () => {
  let engine: TestEngine;

  beforeAll(async () => {
    fakeDateOnly(Date.now() - 800 * DAY);
    engine = await startEngineWithRules(EXPIRING);
  });
  afterAll(async () => {
    await engine.close();
    jest.useRealTimers();
  });

  const verify = async (jwt: string) =>
    (await request(engine.http).post('/credentials/verify').send({ jwt }).expect(200)).body as {
      verified: boolean;
      summary: string;
      checks: Check[];
    };
  const failed = (checks: Check[]) => checks.filter((c) => c.status === 'failed').map((c) => `${c.name}:${c.code}`);
  const credentialOf = (coordinator: Record<string, string>, studentId: string, badgeId: string) =>
    eventually(async () => {
      const res = await request(engine.http).get(`/students/${studentId}/credentials`).set(coordinator).expect(200);
      return (res.body.credentials as { credentialId: string; badge: { id: string } }[]).find((c) => c.badge.id === badgeId);
    }, `the ${badgeId} credential of ${studentId}`);

  it('leaves the expired badge out, is valid no longer than the first badge inside, and verifies', async () => {
    const student = `s-${randomUUID().slice(0, 8)}`;
    let coordinator = await engine.as('coordinator');
    const drive = ladder(engine, coordinator);
    await drive.participate(student, 'basketball-league', daysAgo(20));
    await drive.participate(student, 'volleyball-tournament', daysAgo(10));
    await drive.participate(student, 'university-choir', daysAgo(5));
    await drive.participate(student, 'photo-club', daysAgo(4));
    const sports = await credentialOf(coordinator, student, 'sports-participant');
    const art = await credentialOf(coordinator, student, 'art-participant');
    const sportsJwt = (await request(engine.http).get(`/credentials/${sports.credentialId}`).set('accept', 'application/jwt').expect(200)).text;
    const sportsUntil = decodeJwt(sportsJwt).exp! * 1000;
    const portfolio = async () => {
      const asStudent = await engine.as('student', student);
      return (await request(engine.http).get(`/students/${student}/portfolio`).set(asStudent).set('accept', 'application/jwt').expect(200)).text;
    };

    // Ten months on, the sports badge has two months left: the portfolio lasts as long, not 90 days.
    jest.setSystemTime(Date.now() + 300 * DAY);
    const shortened = decodeJwt(await portfolio());
    expect(shortened.exp! * 1000).toBe(sportsUntil);
    expect(Date.parse(shortened.validUntil as string)).toBe(sportsUntil);

    // Past the year: the sports badge is no longer in a fresh portfolio, which verifies.
    jest.setSystemTime(Date.now() + 100 * DAY);
    coordinator = await engine.as('coordinator');
    expect((await verify(sportsJwt)).verified).toBe(false);
    const fresh = await portfolio();
    const inside = (decodeJwt(fresh).credentialSubject as { verifiableCredential: { id: string }[] }).verifiableCredential.map((c) => c.id);
    expect(inside).toEqual([`urn:uuid:${art.credentialId}`]);
    const result = await verify(fresh);
    expect([result.verified, failed(result.checks)]).toEqual([true, []]);
    expect(result.summary).toMatch(/^Verified: the portfolio ".+" \(1 credential, verified on its own\) issued by /);
    expect(decodeJwt(fresh).exp! - decodeJwt(fresh).nbf!).toBe(90 * 24 * 3600);
  }, 60_000);

  it('answers 404 saying why when every badge the student holds has expired', async () => {
    const student = `s-${randomUUID().slice(0, 8)}`;
    const drive = ladder(engine, await engine.as('coordinator'));
    await drive.participate(student, 'running-club', daysAgo(20));
    await drive.participate(student, 'orienteering-cup', daysAgo(10));
    await credentialOf(await engine.as('coordinator'), student, 'sports-participant');

    jest.setSystemTime(Date.now() + 400 * DAY);
    const res = await request(engine.http)
      .get(`/students/${student}/portfolio`)
      .set(await engine.as('student', student))
      .expect(404);
    expect(res.body).toMatchObject({
      code: 'PORTFOLIO_EMPTY',
      message: `student ${student} holds no credential that is still valid (of 1 issued, 1 has expired), so there is no portfolio to issue`,
    });
  }, 60_000);
});
