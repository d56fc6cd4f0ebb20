import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '@laurel/credentials';
import { ProjectionsService } from '../../../worker/src/projections/projections.service';
import { WorkerModule } from '../../../worker/src/worker.module';
import { startTestEngine, type TestEngine } from '../../../../test/support/test-engine';
import { eventually } from '../../../../test/support/eventually';

const ENGINE = 'http://laurel.test';
const PROGRAM = `${ENGINE}/programs/vilnius-tech`;

/** Every string in a JSON value that is a URL of this engine, with where it was found. */
function engineUrls(value: unknown, where: string, found: Map<string, string>): Map<string, string> {
  if (typeof value === 'string') {
    if (value.startsWith(`${ENGINE}/`) && !found.has(value)) found.set(value, where);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => engineUrls(item, `${where}/${i}`, found));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) engineUrls(item, `${where}/${key}`, found);
  }
  return found;
}

/** The URLs in a VC-JWT: its header's kid and everything in its payload. */
function urlsOfJwt(jwt: string, where: string, found: Map<string, string>): Map<string, string> {
  engineUrls(decodeProtectedHeader(jwt), `${where} header`, found);
  return engineUrls(decodeJwt(jwt), where, found);
}

describe('when an employer follows the links in a credential and a portfolio', () => {
  let engine: TestEngine;
  let coordinator: Record<string, string>;
  const student = `s-${randomUUID().slice(0, 8)}`;
  let badgeJwt: string;
  let credential: Record<string, unknown>;
  let portfolioJwt: string;

  const participate = async (activityId: string, occurredAt: string) => {
    const res = await request(engine.http)
      .post('/participations')
      .set(coordinator)
      .send({ participationId: randomUUID(), studentId: student, activityId, occurredAt, role: 'participant', hours: 2 })
      .expect(201);
    await engine.app.get(ProjectionsService).waitFor(res.body.position as number);
  };
  const issued = (badgeId: string) =>
    eventually(async () => {
      const res = await request(engine.http).get(`/students/${student}/timeline`).set(coordinator).expect(200);
      const events = res.body.events as { type: string; data: { badgeId: string; credentialId: string; jwt: string } }[];
      return events.find((e) => e.type === 'CredentialIssued' && e.data.badgeId === badgeId)?.data;
    }, `the ${badgeId} credential`);

  beforeAll(async () => {
    engine = await startTestEngine({ modules: [WorkerModule.forRoot()] });
    coordinator = await engine.as('coordinator');
    await participate('basketball-league', '2026-09-10T16:00:00Z');
    await participate('volleyball-tournament', '2026-09-17T16:00:00Z');
    await participate('university-choir', '2026-09-20T18:00:00Z');
    await participate('photo-club', '2026-09-21T18:00:00Z');
    const sports = await issued('sports-participant');
    await issued('art-participant');
    badgeJwt = sports.jwt;
    credential = (await request(engine.http).get(`/credentials/${sports.credentialId}`).expect(200)).body as Record<string, unknown>;
    portfolioJwt = (await request(engine.http).get(`/students/${student}/portfolio`).set(coordinator).set('accept', 'application/jwt').expect(200))
      .text;
  }, 60_000);
  afterAll(() => engine.close());

  it('finds every URL of this engine in them answering 2xx, without a token', async () => {
    const found = new Map<string, string>();
    urlsOfJwt(badgeJwt, 'badge', found);
    engineUrls(credential, 'badge JSON', found);
    urlsOfJwt(portfolioJwt, 'portfolio', found);
    const clr = decodeJwt(portfolioJwt) as { credentialSubject: { verifiableCredential: { proof: { jwt: string }[] }[] } };
    clr.credentialSubject.verifiableCredential.forEach((embedded, i) => urlsOfJwt(embedded.proof[0]!.jwt, `portfolio embedded ${i}`, found));
    for (const url of [...found.keys()].filter((u) => u.includes('/status-lists/'))) {
      urlsOfJwt((await request(engine.http).get(new URL(url).pathname).set('accept', 'application/jwt').expect(200)).text, url, found);
    }

    const kinds = new Set(
      [...found.keys()].map((url) =>
        new URL(url).pathname
          .split('/')
          .slice(0, -1)
          .join('/')
          .replace(/\/[^/]+\/(badges|levels|competencies)$/, '/:p/$1'),
      ),
    );
    expect([...kinds].sort()).toEqual([
      '/issuers',
      '/keys',
      '/programs/:p/badges',
      '/programs/:p/competencies',
      '/programs/:p/levels',
      '/status-lists',
    ]);

    const answers = await Promise.all(
      [...found].map(async ([url, where]) => {
        const res = await request(engine.http).get(new URL(url).pathname);
        return `${res.status} ${url} (${where})`;
      }),
    );
    expect(answers.filter((a) => !a.startsWith('2'))).toEqual([]);
  });

  it('serves the badge as the very Achievement its credential carries, as JSON-LD', async () => {
    const achievement = (credential.credentialSubject as { achievement: { id: string } }).achievement;
    expect(achievement.id).toBe(`${PROGRAM}/badges/sports-participant`);
    const res = await request(engine.http).get('/programs/vilnius-tech/badges/sports-participant').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT], ...achievement });
    const ld = await request(engine.http).get('/programs/vilnius-tech/badges/sports-participant').set('accept', 'application/ld+json').expect(200);
    expect(ld.headers['content-type']).toMatch(/^application\/ld\+json/);
    const refused = await request(engine.http).get('/programs/vilnius-tech/badges/sports-participant').set('accept', 'image/png').expect(406);
    expect(refused.body.message).toBe(
      'an achievement is served as application/json or application/ld+json; Accept: image/png takes none of them: ask for one of them, or send no Accept header',
    );
  });

  it("serves the portfolio's levels as Achievements", async () => {
    const clr = decodeJwt(portfolioJwt) as { credentialSubject: { achievement: { id: string; name: string; achievementType: string }[] } };
    const level = clr.credentialSubject.achievement.find((a) => a.achievementType === 'ext:Level');
    expect(level?.id).toBe(`${PROGRAM}/levels/participation`);
    const res = await request(engine.http).get(new URL(level!.id).pathname).expect(200);
    expect(res.body).toMatchObject({ '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT], ...level, version: '1' });
  });

  it('describes a competency an alignment names: JSON for programs, a page for browsers', async () => {
    const alignment = (credential.credentialSubject as { achievement: { alignment: { targetUrl: string; targetCode: string }[] } }).achievement
      .alignment[0]!;
    expect(alignment).toMatchObject({ targetUrl: `${PROGRAM}/competencies/teamwork`, targetCode: 'teamwork' });
    const json = await request(engine.http).get('/programs/vilnius-tech/competencies/teamwork').expect(200);
    expect(json.body).toMatchObject({
      id: alignment.targetUrl,
      type: 'Competency',
      code: 'teamwork',
      name: 'Teamwork',
      names: { lt: 'Komandinis darbas', en: 'Teamwork' },
      description: expect.stringMatching(/^Teamwork is a competency of .*Student basketball league.*Sports participant/),
    });
    expect(json.body.badges).toContainEqual({ id: `${PROGRAM}/badges/sports-participant`, name: 'Sports participant', level: 'Participation' });
    const page = await request(engine.http)
      .get('/programs/vilnius-tech/competencies/teamwork')
      .set('accept', 'text/html,application/xhtml+xml,*/*;q=0.8')
      .expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<h1>Teamwork</h1>');
    expect(page.text).toContain(`<a href="${PROGRAM}/badges/sports-participant">Sports participant</a>`);
  });

  it('documents the routes, and what verifying a portfolio checks, in the OpenAPI document', async () => {
    const spec = (await request(engine.http).get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { summary?: string; description?: string; security?: unknown[] }>>;
    };
    for (const path of [
      '/programs/{programId}/badges/{badgeId}',
      '/programs/{programId}/levels/{levelId}',
      '/programs/{programId}/competencies/{competencyId}',
    ]) {
      expect(spec.paths[path]?.get?.summary).toBeDefined();
    }
    expect(spec.paths['/credentials/verify']?.post?.description).toContain('EMBEDDED_CREDENTIAL_REVOKED');
    expect(spec.paths['/students/{id}/portfolio']?.get?.description).toContain('embeddedCredentials');
  });

  it('answers 404 saying what is wrong for a definition that never existed, and for ids no rule file can hold', async () => {
    for (const [path, message] of [
      ['/programs/vilnius-tech/badges/no-such-badge', 'program vilnius-tech has never defined a badge no-such-badge'],
      ['/programs/vilnius-tech/levels/no-such-level', 'program vilnius-tech has never defined a level no-such-level'],
      ['/programs/vilnius-tech/competencies/juggling', 'program vilnius-tech has never defined a competency juggling'],
      ['/programs/no-such-program/badges/sports-participant', 'program no-such-program has never defined a badge sports-participant'],
      [`/programs/vilnius-tech/badges/${'x'.repeat(65)}`, 'badge id must be letters, digits'],
      ['/programs/%3Cscript%3E/competencies/teamwork', 'program id must be letters, digits'],
      ['/programs/vilnius-tech/competencies/%E0%A4%A', ''],
    ]) {
      const res = await request(engine.http).get(path!);
      expect([path, res.status]).toEqual([path, expect.any(Number)]);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.message).toContain(message);
    }
  });
});
