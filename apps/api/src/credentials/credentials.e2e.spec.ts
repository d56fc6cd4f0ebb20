import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { decodeStatusList, generateSigningKey, getStatus, signCredential, type SignableCredential } from '@laurel/credentials';
import { SigningKeys } from '@laurel/platform';
import { AwardQueue } from '../../../worker/src/awards/award-queue';
import { ProjectionsService } from '../../../worker/src/projections/projections.service';
import { WorkerModule } from '../../../worker/src/worker.module';
import { REPO_ROOT, startTestEngine, type TestEngine } from '../../../../test/support/test-engine';
import { eventually } from '../../../../test/support/eventually';

const OB3 = join(REPO_ROOT, '..', 'shared', 'ob3', 'schema');
const obSchema = (() => {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(OB3, 'ob_v3p0_achievementcredential_schema.json'), 'utf8')) as object);
})();
const clrSchema = (() => {
  const ajv = new AjvDraft04({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(OB3, 'clr_v2p0_clrcredential_schema_draft4.json'), 'utf8')) as object);
})();

interface Issued {
  credentialId: string;
  awardId: string;
  badgeId: string;
  kid: string;
  jwt: string;
  statusListId: string;
  statusListIndex: number;
}

type CheckResult = { name: string; status: 'passed' | 'failed' | 'skipped'; code?: string };
const failedChecks = (checks: CheckResult[]) => checks.filter((c) => c.status === 'failed').map((c) => `${c.name}:${c.code}`);

/** Re-encodes a JWT's payload, keeping header and signature (what an attacker editing a credential produces). */
function withPayload(jwt: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(decoded);
  return `${header}.${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
}

describe('when students earn badges and the engine signs them', () => {
  let engine: TestEngine;
  let coordinator: Record<string, string>;
  let admin: Record<string, string>;
  const student = `s-${randomUUID().slice(0, 8)}`;

  const participate = async (studentId: string, activityId: string, occurredAt: string) => {
    const res = await request(engine.http)
      .post('/participations')
      .set(coordinator)
      .send({ participationId: randomUUID(), studentId, activityId, occurredAt, role: 'participant', hours: 2 })
      .expect(201);
    await engine.app.get(ProjectionsService).waitFor(res.body.position as number);
  };
  const credentialOf = (studentId: string, badgeId: string) =>
    eventually(async () => {
      const res = await request(engine.http).get(`/students/${studentId}/timeline`).set(coordinator).expect(200);
      const events = res.body.events as { type: string; data: Issued }[];
      return events.find((e) => e.type === 'CredentialIssued' && e.data.badgeId === badgeId)?.data;
    }, `the ${badgeId} credential of ${studentId}`);
  const verify = async (jwt: string) =>
    (await request(engine.http).post('/credentials/verify').send({ jwt }).expect(200)).body as {
      verified: boolean;
      summary: string;
      about?: Record<string, unknown>;
      checks: CheckResult[];
    };

  let sports: Issued;

  beforeAll(async () => {
    engine = await startTestEngine({ modules: [WorkerModule.forRoot()] });
    coordinator = await engine.as('coordinator');
    admin = await engine.as('admin');
    await participate(student, 'basketball-league', '2026-09-10T16:00:00Z');
    await participate(student, 'volleyball-tournament', '2026-09-17T16:00:00Z');
    sports = await credentialOf(student, 'sports-participant');
  }, 60_000);
  afterAll(() => engine.close());

  describe('when a badge is earned through participations', () => {
    it('serves the credential as a VC-JWT for Accept: application/jwt and as JSON otherwise', async () => {
      const jwt = await request(engine.http).get(`/credentials/${sports.credentialId}`).set('accept', 'application/jwt').expect(200);
      expect(jwt.headers['content-type']).toMatch(/^application\/jwt/);
      expect(jwt.text).toBe(sports.jwt);
      expect(decodeProtectedHeader(jwt.text)).toEqual({ alg: 'RS256', typ: 'JWT', kid: sports.kid });

      const timeline = await request(engine.http).get(`/students/${student}/timeline`).set(coordinator).expect(200);
      const earned = (timeline.body.events as { type: string; data: { awardId: string; earnedAt: string } }[]).find(
        (e) => e.type === 'BadgeEarned' && e.data.awardId === sports.awardId,
      );
      const json = await request(engine.http).get(`/credentials/urn:uuid:${sports.credentialId}`).expect(200);
      expect(json.body).toMatchObject({
        id: `urn:uuid:${sports.credentialId}`,
        type: ['VerifiableCredential', 'OpenBadgeCredential'],
        issuer: { id: 'http://laurel.test/issuers/vilnius-tech', type: ['Profile'] },
        validFrom: earned?.data.earnedAt,
        awardedDate: earned?.data.earnedAt,
        credentialSubject: {
          id: `urn:laurel:student:laurel.test:${student}`,
          achievement: {
            id: 'http://laurel.test/programs/vilnius-tech/badges/sports-participant',
            name: 'Sports participant',
            image: { id: 'https://badges.vilniustech.lt/img/sports-participant.png', type: 'Image' },
            alignment: [expect.objectContaining({ targetName: 'Teamwork', targetType: 'ceasn:Competency' })],
          },
        },
        credentialStatus: {
          type: 'BitstringStatusListEntry',
          statusListCredential: `http://laurel.test/status-lists/${sports.statusListId}`,
          statusListIndex: String(sports.statusListIndex),
        },
      });
      expect((json.body.evidence as { name: string }[]).map((e) => e.name).sort()).toEqual([
        'Student basketball league (participant, 2 h)',
        'Volleyball tournament (participant, 2 h)',
      ]);
      expect(json.body).not.toHaveProperty('iss');
    });

    it('serves the decoded credential for the JSON-LD types, labelled as asked, and a 406 naming the types for any other', async () => {
      const url = `/credentials/${sports.credentialId}`;
      const json = await request(engine.http).get(url).expect(200);
      expect(json.headers.vary).toMatch(/accept/i);
      for (const type of ['application/ld+json', 'application/vc+ld+json', 'application/vc']) {
        const ld = await request(engine.http).get(url).set('accept', type).expect(200);
        expect(ld.headers['content-type']).toBe(`${type}; charset=utf-8`);
        expect(JSON.parse(ld.text)).toEqual(json.body);
      }
      const vcJwt = await request(engine.http).get(url).set('accept', 'application/vc+jwt').expect(200);
      expect(vcJwt.headers['content-type']).toBe('application/vc+jwt');
      expect(vcJwt.text).toBe(sports.jwt);

      const refused = await request(engine.http).get(url).set('accept', 'text/html').expect(406);
      expect(refused.body.message).toBe(
        'a credential is served as application/json, application/ld+json, application/vc+ld+json, application/vc, application/jwt, application/vc+jwt or application/vc+ld+json+jwt; Accept: text/html takes none of them: ask for one of them, or send no Accept header',
      );
      await request(engine.http).get('/credentials/3f0c6a52-2d8e-4c1e-9a51-2b8f1f0c9d11').set('accept', 'text/html').expect(404);
    });

    it('issues a credential that validates against the OB 3.0 schema and verifies', async () => {
      const payload = decodeJwt(sports.jwt);
      expect(obSchema(payload)).toBe(true);
      const result = await verify(sports.jwt);
      expect(result.verified).toBe(true);
      expect(result.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
        'format:passed',
        'dataModel:passed',
        'schema:passed',
        'issuerKey:passed',
        'signature:passed',
        'claims:passed',
        'validityWindow:passed',
        'status:passed',
      ]);
      // What an employer reads first: which badge, by whom, to whom, until when.
      const subject = (payload.credentialSubject as { id: string }).id;
      const { validFrom, validUntil } = payload as { validFrom: string; validUntil?: string };
      expect(result.summary).toBe(
        `Verified: the badge "${(payload.credentialSubject as { achievement: { name: string } }).achievement.name}" issued by ${(payload.issuer as { name: string }).name} on ${validFrom.slice(0, 10)} to student ${student} (${subject}), ${validUntil ? `valid until ${validUntil.slice(0, 10)}` : 'valid with no end date'}, not revoked.`,
      );
      expect(result.about).toMatchObject({
        kind: 'badge',
        id: payload.id,
        subject,
        achievement: { id: (payload.credentialSubject as { achievement: { id: string } }).achievement.id },
      });
    });

    it('takes the JWT itself as the body too, and answers 400 for a body that is not a JWT', async () => {
      const raw = await request(engine.http).post('/credentials/verify').set('content-type', 'application/jwt').send(sports.jwt).expect(200);
      expect(raw.body.verified).toBe(true);
      await request(engine.http).post('/credentials/verify').send({ jwt: 42 }).expect(400);
      await request(engine.http).post('/credentials/verify').send({ token: sports.jwt }).expect(400);
      const res = await request(engine.http).post('/credentials/verify').set('content-type', 'application/jwt').send('not a jwt').expect(400);
      expect(res.body.message).toMatch(/compact VC-JWT/);
    });

    it('says a JWT pasted cut short or wrapped over lines is damaged, and how', async () => {
      const cut = await request(engine.http)
        .post('/credentials/verify')
        .send({ jwt: sports.jwt.slice(0, 100) })
        .expect(400);
      expect(cut.body).toMatchObject({ code: 'VC_JWT_REQUIRED' });
      expect(cut.body.message).toMatch(
        /^the JWT sent has [12] parts? separated by "\." where a compact JWT has 3 \(<header>\.<payload>\.<signature>\): it looks cut short; copy all of it, and only it\. send the credential/,
      );
      const wrapped = `${sports.jwt.slice(0, 60)}\n${sports.jwt.slice(60)}`;
      const lines = await request(engine.http).post('/credentials/verify').set('content-type', 'application/jwt').send(wrapped).expect(400);
      expect(lines.body.message).toMatch(
        /^the JWT sent has spaces or line breaks in it \(a copy from an e-mail or a PDF wraps it over lines\): remove them/,
      );
    });

    it('answers a credential sent as JSON with what to send instead: its compact JWT, and where to get it', async () => {
      const credential = (await request(engine.http).get(`/credentials/${sports.credentialId}`).expect(200)).body as object;
      for (const body of [credential, { credential }, { jwt: credential }]) {
        const res = await request(engine.http).post('/credentials/verify').send(body).expect(400);
        expect(res.body).toMatchObject({ code: 'VC_JWT_REQUIRED' });
        expect(res.body.message).toMatch(
          /^this is a credential as JSON, which carries no signature to check: send the credential as a compact VC-JWT/,
        );
        expect(res.body.message).toContain('Content-Type: application/jwt');
        expect(res.body.message).toContain('GET /credentials/<id> with Accept: application/jwt');
      }
      for (const type of ['application/vc', 'application/vc+ld+json', 'application/ld+json']) {
        const res = await request(engine.http).post('/credentials/verify').set('content-type', type).send(JSON.stringify(credential)).expect(415);
        expect(res.body).toMatchObject({ code: 'VC_JWT_REQUIRED' });
        expect(res.body.message).toContain(
          `${type} is a credential as JSON, which carries no signature to check: send the credential as a compact VC-JWT`,
        );
      }
      // One signed with an embedded Data Integrity proof (an OB 3.0 credential from another issuer) does carry a signature.
      const signedElsewhere = JSON.parse(readFileSync(join(OB3, '..', 'fixtures', 'simple-eddsa-2022.json'), 'utf8')) as object;
      for (const body of [signedElsewhere, { credential: signedElsewhere }]) {
        const res = await request(engine.http).post('/credentials/verify').send(body).expect(400);
        expect(res.body).toMatchObject({ code: 'VC_JWT_REQUIRED' });
        expect(res.body.message).toMatch(
          /^this is a credential as JSON signed with an embedded proof \(DataIntegrityProof, cryptosuite eddsa-2022\), which this verifier does not check: it checks the signature of a VC-JWT only\. Check it with a verifier that takes such proofs, or send the credential as a compact VC-JWT/,
        );
      }
      // Elsewhere such a body stays what it was: a type no route takes.
      const elsewhere = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .set('content-type', 'application/ld+json')
        .send('{}')
        .expect(415);
      expect(elsewhere.body.message).toContain('send application/json');
    });

    it('shows the credential id in the progression', async () => {
      const badge = await eventually(async () => {
        const res = await request(engine.http).get(`/students/${student}/progression`).set(coordinator).expect(200);
        return (res.body.badges as { badgeId: string; credentialId?: string }[]).find((b) => b.badgeId === 'sports-participant' && b.credentialId);
      }, 'the credential id in the read model');
      expect(badge.credentialId).toBe(sports.credentialId);
    });

    it('answers 404 for a credential it never issued and 400 for an id that is not a UUID', async () => {
      await request(engine.http).get(`/credentials/${randomUUID()}`).expect(404);
      await request(engine.http).get('/credentials/not-a-uuid').expect(400);
    });

    it('publishes the signing key in the JWKS and at its kid URL', async () => {
      const jwks = await request(engine.http).get('/.well-known/jwks.json').expect(200);
      expect(jwks.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
      const keys = JSON.parse(jwks.text) as { keys: { kid: string; d?: string }[] };
      expect(keys.keys.map((k) => k.kid)).toContain(sports.kid);
      expect(keys.keys.every((k) => k.d === undefined)).toBe(true);

      expect(sports.kid).toMatch(/^http:\/\/laurel\.test\/keys\/[A-Za-z0-9_-]{43}$/);
      const single = await request(engine.http).get(new URL(sports.kid).pathname).expect(200);
      expect(JSON.parse(single.text)).toMatchObject({ kid: sports.kid, kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(JSON.parse(single.text)).not.toHaveProperty('d');
      await request(engine.http).get('/keys/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(404);
    });

    it('serves the issuer profile at the issuer id', async () => {
      const res = await request(engine.http).get('/issuers/vilnius-tech').expect(200);
      expect(res.body).toMatchObject({
        id: 'http://laurel.test/issuers/vilnius-tech',
        type: ['Profile'],
        name: expect.stringContaining('VILNIUS TECH'),
      });
      await request(engine.http).get('/issuers/someone-else').expect(404);
    });

    it('serves a signed status list of at least 131,072 entries with the bit unset', async () => {
      const jwt = await request(engine.http).get(`/status-lists/${sports.statusListId}`).set('accept', 'application/jwt').expect(200);
      const payload = decodeJwt(jwt.text) as { id: string; type: string[]; credentialSubject: { encodedList: string; statusPurpose: string } };
      expect(payload).toMatchObject({
        id: `http://laurel.test/status-lists/${sports.statusListId}`,
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        credentialSubject: { statusPurpose: 'revocation' },
      });
      const list = decodeStatusList(payload.credentialSubject.encodedList);
      expect(list.length).toBeGreaterThanOrEqual(131_072);
      expect(getStatus(list, sports.statusListIndex)).toBe(false);
      const json = await request(engine.http).get(`/status-lists/${sports.statusListId}`).expect(200);
      expect(json.body.credentialSubject.encodedList).toBe(payload.credentialSubject.encodedList);
      // One URL, two bodies, cached by verifiers: a cache must key them on Accept.
      expect(jwt.headers.vary).toMatch(/accept/i);
      expect(json.headers.vary).toMatch(/accept/i);
      const refused = await request(engine.http).get(`/status-lists/${sports.statusListId}`).set('accept', 'application/xml').expect(406);
      expect(refused.body.message).toMatch(
        /^a status list is served as application\/json, .* or application\/vc\+ld\+json\+jwt; Accept: application\/xml takes none/,
      );
      expect(refused.headers['cache-control']).toBeUndefined();
      await request(engine.http).get('/status-lists/999').expect(404);
    });
  });

  describe('when a credential is altered or signed outside the engine', () => {
    const signWithEngineKey = async (change: (credential: Record<string, unknown>) => void) => {
      const key = await engine.app.get(SigningKeys).activeKey();
      const credential = (await request(engine.http).get(`/credentials/${sports.credentialId}`).expect(200)).body as Record<string, unknown>;
      change(credential);
      return signCredential(credential as unknown as SignableCredential, { privateKey: key.privateKey, kid: key.kid, alg: key.alg });
    };

    it('fails on signature when the payload was tampered with', async () => {
      const tampered = withPayload(sports.jwt, (p) => {
        (p.credentialSubject as { achievement: { name: string } }).achievement.name = 'UBER champion';
      });
      const result = await verify(tampered);
      expect(result.verified).toBe(false);
      expect(failedChecks(result.checks)).toEqual(['signature:SIGNATURE_INVALID']);
    });

    it('fails on signature when another key signed it under the engine kid, and on issuerKey under its own kid', async () => {
      const payload = decodeJwt(sports.jwt) as unknown as SignableCredential;
      const other = await generateSigningKey('RS256', { keysUrl: 'http://laurel.test/keys' });
      const forged = await signCredential(payload, { privateKey: other.privateJwk, kid: sports.kid, alg: 'RS256' });
      expect(failedChecks((await verify(forged)).checks)).toEqual(['signature:SIGNATURE_INVALID']);
      const foreign = await signCredential(payload, { privateKey: other.privateJwk, kid: other.kid, alg: 'RS256' });
      expect(failedChecks((await verify(foreign)).checks)).toEqual(['issuerKey:KEY_UNKNOWN']);
    });

    it('says a credential of another issuer, whose key it cannot know, is to be verified with that issuer, not that it is forged', async () => {
      const other = await generateSigningKey('ES256', { keysUrl: 'https://badges.other.example/keys' });
      const claims = decodeJwt(sports.jwt);
      const issuer = { ...(claims.issuer as object), id: 'https://badges.other.example/issuers/kaunas', name: 'Kaunas University of Technology' };
      const payload = { ...claims, issuer, iss: issuer.id } as unknown as SignableCredential;
      const result = await verify(await signCredential(payload, { privateKey: other.privateJwk, kid: other.kid, alg: 'ES256' }));
      expect([result.verified, failedChecks(result.checks)[0]]).toEqual([false, 'issuerKey:KEY_UNKNOWN']);
      expect(result.summary).toBe(
        `Not verified here: the badge "Sports participant" names Kaunas University of Technology (https://badges.other.example/issuers/kaunas) as its issuer, and this service checks only the credentials of http://laurel.test/issuers/vilnius-tech, with its keys (issuerKey check failed: kid ${other.kid} is not one of the issuer's published keys). Nothing it says is confirmed here: verify it with its issuer, or with an Open Badges 3.0 verifier that fetches that issuer's keys.`,
      );
      // Under this issuer's name, an unknown key is what a forgery looks like, and the answer stays so.
      const ours = await signCredential(decodeJwt(sports.jwt) as unknown as SignableCredential, {
        privateKey: other.privateJwk,
        kid: other.kid,
        alg: 'ES256',
      });
      expect((await verify(ours)).summary).toMatch(/^Not verified: issuerKey check failed: .+ Do not rely on what this credential says\.$/);
    });

    it('fails on validityWindow when it has expired, saying which badge, whose, and since when', async () => {
      const jwt = await signWithEngineKey((c) => {
        c.validFrom = '2020-01-01T00:00:00Z';
        c.validUntil = '2021-01-01T00:00:00Z';
      });
      const result = await verify(jwt);
      expect(failedChecks(result.checks)).toEqual(['validityWindow:EXPIRED']);
      const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(result.summary).toMatch(
        new RegExp(
          `^${escape(`Not verified: the badge "Sports participant" issued by Vilnius Gediminas Technical University (VILNIUS TECH) on 2020-01-01 to student ${student} (urn:laurel:student:laurel.test:${student}) expired on 2021-01-01 (validityWindow check failed: expired at 2021-01-01T00:00:00Z (now `)}[^)]+${escape(')). It is genuine and is not revoked, but it is no longer valid: ask the student for a badge earned again since, if there is one.')}$`,
        ),
      );
      expect(result.about).toBeUndefined();
    });

    it('fails on validityWindow when it is not valid yet', async () => {
      const jwt = await signWithEngineKey((c) => {
        c.validFrom = '2099-01-01T00:00:00Z';
      });
      expect(failedChecks((await verify(jwt)).checks)).toEqual(['validityWindow:NOT_YET_VALID']);
    });
  });

  describe('when an award is revoked', () => {
    it('sets its bit in the status list, and verification fails on status', async () => {
      const other = `s-${randomUUID().slice(0, 8)}`;
      await participate(other, 'running-club', '2026-09-10T16:00:00Z');
      await participate(other, 'orienteering-cup', '2026-09-11T16:00:00Z');
      const issued = await credentialOf(other, 'sports-participant');
      expect((await verify(issued.jwt)).verified).toBe(true);

      await request(engine.http)
        .post(`/students/${other}/awards/sports-participant/revoke`)
        .set(coordinator)
        .send({ reason: 'recorded for the wrong student' })
        .expect(200);

      const result = await verify(issued.jwt);
      expect(result.verified).toBe(false);
      expect(failedChecks(result.checks)).toEqual(['status:REVOKED']);
      expect(result.summary).toMatch(
        new RegExp(
          `^Not verified: .+ revoked the badge "Sports participant" it issued on \\d{4}-\\d{2}-\\d{2} to student ${other} \\(\\S+${other}\\) ` +
            '\\(status check failed: revoked: bit \\d+ of \\S+ is set\\)\\. Do not rely on what this credential says\\.$',
        ),
      );
      expect(result.about).toBeUndefined();
      const list = await request(engine.http).get(`/status-lists/${issued.statusListId}`).expect(200);
      expect(getStatus(decodeStatusList(list.body.credentialSubject.encodedList as string), issued.statusListIndex)).toBe(true);
      // Other credentials on the same list are untouched.
      expect((await verify(sports.jwt)).verified).toBe(true);
    });

    it('can be revoked by credential id, by a coordinator, once', async () => {
      const other = `s-${randomUUID().slice(0, 8)}`;
      await participate(other, 'running-club', '2026-09-10T16:00:00Z');
      await participate(other, 'orienteering-cup', '2026-09-11T16:00:00Z');
      const issued = await credentialOf(other, 'sports-participant');
      const path = `/credentials/urn:uuid:${issued.credentialId}/revoke`;

      const own = await engine.as('student', other);
      await request(engine.http).post(path).set(own).send({ reason: 'I changed my mind' }).expect(403);
      const noReason = await request(engine.http).post(path).set(coordinator).send({}).expect(400);
      expect(noReason.body.message).toMatch(/reason/);
      const unknown = await request(engine.http).post(`/credentials/${randomUUID()}/revoke`).set(coordinator).send({ reason: 'typo' }).expect(404);
      expect(unknown.body.message).toMatch(/no credential .* was issued here/);
      expect((await verify(issued.jwt)).verified).toBe(true);

      const revoked = await request(engine.http).post(path).set(coordinator).send({ reason: 'recorded for the wrong student' }).expect(200);
      expect(revoked.body).toMatchObject({
        credentialId: issued.credentialId,
        awardId: issued.awardId,
        studentId: other,
        badgeId: 'sports-participant',
      });
      expect(failedChecks((await verify(issued.jwt)).checks)).toEqual(['status:REVOKED']);
      const retried = await request(engine.http).post(path).set(coordinator).send({ reason: 'recorded for the wrong student' }).expect(200);
      expect(retried.body).toEqual({ ...revoked.body, repeated: true });
      const again = await request(engine.http).post(path).set(coordinator).send({ reason: 'twice' }).expect(409);
      expect(again.body.code).toBe('AWARD_ALREADY_REVOKED');
      expect(again.body.message).toMatch(/already revoked since .* \(reason: recorded for the wrong student\)/);
      const timeline = await request(engine.http).get(`/students/${other}/timeline`).set(coordinator).expect(200);
      const revocations = (timeline.body.events as { type: string; data: { awardId: string; reason: string } }[]).filter(
        (e) => e.type === 'AwardRevoked',
      );
      expect(revocations.map((e) => [e.data.awardId, e.data.reason])).toEqual([[issued.awardId, 'recorded for the wrong student']]);
    });
  });

  describe('when the signing key is rotated', () => {
    it('keeps earlier credentials verifying and signs new ones with the new kid', async () => {
      await request(engine.http).post('/keys/rotate').set(coordinator).send({}).expect(403);
      const rotated = await request(engine.http).post('/keys/rotate').set(admin).send({ alg: 'ES256' }).expect(201);
      expect(rotated.body).toMatchObject({ previousKid: sports.kid, alg: 'ES256' });
      expect(rotated.body.kid).not.toBe(sports.kid);

      expect((await verify(sports.jwt)).verified).toBe(true);

      await participate(student, 'university-choir', '2026-09-20T18:00:00Z');
      await participate(student, 'photo-club', '2026-09-21T18:00:00Z');
      const art = await credentialOf(student, 'art-participant');
      expect(art.kid).toBe(rotated.body.kid);
      expect(decodeProtectedHeader(art.jwt)).toMatchObject({ alg: 'ES256', kid: rotated.body.kid });
      expect((await verify(art.jwt)).verified).toBe(true);

      const jwks = JSON.parse((await request(engine.http).get('/.well-known/jwks.json').expect(200)).text) as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toEqual([sports.kid, rotated.body.kid]);
      await request(engine.http).get(new URL(sports.kid).pathname).expect(200);
    });
  });

  describe('when a student lists their credentials', () => {
    it('lists each signed credential with its badge, issue date, status and links to its JSON and VC-JWT, to the student and coordinators only', async () => {
      const holder = `s-${randomUUID().slice(0, 8)}`;
      await participate(holder, 'basketball-league', '2026-09-10T16:00:00Z');
      await participate(holder, 'volleyball-tournament', '2026-09-17T16:00:00Z');
      await participate(holder, 'university-choir', '2026-09-20T18:00:00Z');
      await participate(holder, 'photo-club', '2026-09-21T18:00:00Z');
      const badge = await credentialOf(holder, 'sports-participant');
      const kept = await credentialOf(holder, 'art-participant');
      await request(engine.http)
        .post(`/credentials/${badge.credentialId}/revoke`)
        .set(coordinator)
        .send({ reason: 'recorded for the wrong student' })
        .expect(200);

      const url = `/students/${holder}/credentials`;
      await request(engine.http).get(url).expect(401);
      await request(engine.http)
        .get(url)
        .set(await engine.as('student', 'someone-else'))
        .expect(403);
      const own = await request(engine.http)
        .get(url)
        .set(await engine.as('student', holder))
        .expect(200);
      const listed = own.body as { studentId: string; credentials: Record<string, unknown>[] };
      expect(listed.studentId).toBe(holder);
      expect(listed.credentials).toEqual([
        {
          credentialId: badge.credentialId,
          id: `urn:uuid:${badge.credentialId}`,
          awardId: badge.awardId,
          programId: 'vilnius-tech',
          badge: {
            id: 'sports-participant',
            name: 'Sports participant',
            achievementId: 'http://laurel.test/programs/vilnius-tech/badges/sports-participant',
          },
          issuedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
          status: 'revoked',
          revoked: { at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), reason: 'recorded for the wrong student' },
          links: [
            { href: `http://laurel.test/credentials/${badge.credentialId}`, type: 'application/json' },
            { href: `http://laurel.test/credentials/${badge.credentialId}`, type: 'application/vc+jwt' },
          ],
        },
        expect.objectContaining({ credentialId: kept.credentialId, badge: expect.objectContaining({ id: 'art-participant' }), status: 'active' }),
      ]);
      expect((await request(engine.http).get(url).set(coordinator).expect(200)).body).toEqual(listed);

      // Each link fetches the credential in the form its type names.
      const link = (listed.credentials[1]!.links as { href: string; type: string }[])[1]!;
      const jwt = await request(engine.http).get(new URL(link.href).pathname).set('accept', link.type).expect(200);
      expect(jwt.text).toBe(kept.jwt);
    });

    it('answers an empty list for a student with no credential yet, 404 for an unknown id, and 406 for an Accept it cannot serve', async () => {
      const newcomer = `s-${randomUUID().slice(0, 8)}`;
      await participate(newcomer, 'photo-club', '2026-09-21T18:00:00Z');
      expect((await request(engine.http).get(`/students/${newcomer}/credentials`).set(coordinator).expect(200)).body).toEqual({
        studentId: newcomer,
        credentials: [],
      });
      const unknown = await request(engine.http)
        .get(`/students/s-nobody-${randomUUID().slice(0, 8)}/credentials`)
        .set(coordinator)
        .expect(404);
      expect(unknown.body.message).toMatch(/no events are recorded for student s-nobody-.*; check the id/);
      const refused = await request(engine.http)
        .get(`/students/${newcomer}/credentials`)
        .set(coordinator)
        .set('accept', 'application/jwt')
        .expect(406);
      expect(refused.body.message).toMatch(/is served as application\/json; Accept: application\/jwt takes none of them/);
    });

    it('is documented in the OpenAPI document, with the roles and the statuses it answers', async () => {
      const spec = (await request(engine.http).get('/docs/openapi.json').expect(200)).body as {
        paths: Record<string, Record<string, { summary?: string; description?: string; security?: unknown[]; responses?: Record<string, unknown> }>>;
      };
      const route = spec.paths['/students/{id}/credentials']?.get;
      expect(route?.summary).toMatch(/signed credentials/);
      expect(route?.description).toContain('application/vc+jwt');
      expect(route?.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(route?.responses ?? {})).toContain('200');
    });
  });

  describe('when the student asks for the graduation portfolio', () => {
    it('answers a signed CLR 2.0 credential with every credential and the levels, valid against the CLR schema', async () => {
      const asStudent = await engine.as('student', student);
      await request(engine.http)
        .get(`/students/${student}/portfolio`)
        .set(await engine.as('student', 'someone-else'))
        .expect(403);
      const json = await request(engine.http).get(`/students/${student}/portfolio`).set(asStudent).expect(200);
      const valid = clrSchema(json.body);
      expect(clrSchema.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
      const subject = json.body.credentialSubject as {
        verifiableCredential: { id: string }[];
        achievement: { id: string }[];
        association: { associationType: string; sourceId: string; targetId: string }[];
      };
      expect(subject.verifiableCredential.map((c) => c.id).sort()).toHaveLength(2);
      expect(subject.achievement.map((a) => a.id)).toContain('http://laurel.test/programs/vilnius-tech/levels/participation');
      expect(subject.association).toContainEqual({
        type: 'Association',
        associationType: 'isParentOf',
        sourceId: 'http://laurel.test/programs/vilnius-tech/levels/participation',
        targetId: 'http://laurel.test/programs/vilnius-tech/badges/sports-participant',
      });

      const jwt = await request(engine.http).get(`/students/${student}/portfolio`).set(asStudent).set('accept', 'application/jwt').expect(200);
      const result = await verify(jwt.text);
      expect(failedChecks(result.checks)).toEqual([]);
      expect(result.verified).toBe(true);
    });
  });

  describe('when a badge inside a portfolio an employer holds is revoked', () => {
    it('fails the portfolio on embeddedCredentials naming the badge, and a portfolio downloaded since leaves it out', async () => {
      const graduate = `s-${randomUUID().slice(0, 8)}`;
      await participate(graduate, 'basketball-league', '2026-09-10T16:00:00Z');
      await participate(graduate, 'volleyball-tournament', '2026-09-17T16:00:00Z');
      await participate(graduate, 'university-choir', '2026-09-20T18:00:00Z');
      await participate(graduate, 'photo-club', '2026-09-21T18:00:00Z');
      const badge = await credentialOf(graduate, 'sports-participant');
      const kept = await credentialOf(graduate, 'art-participant');
      const asGraduate = await engine.as('student', graduate);
      const portfolio = async () =>
        (await request(engine.http).get(`/students/${graduate}/portfolio`).set(asGraduate).set('accept', 'application/jwt').expect(200)).text;
      const held = await portfolio();
      const before = await verify(held);
      expect([before.verified, failedChecks(before.checks)]).toEqual([true, []]);
      expect(before.checks.at(-1)).toMatchObject({ name: 'embeddedCredentials', status: 'passed' });
      expect(before.summary).toMatch(
        /^Verified: the portfolio ".+" \(2 credentials, each verified on its own\) issued by .+ on \d{4}-\d{2}-\d{2} to .+, valid until \d{4}-\d{2}-\d{2}\.$/,
      );
      expect(before.about).toMatchObject({ kind: 'portfolio', credentials: 2 });

      await request(engine.http)
        .post(`/credentials/${badge.credentialId}/revoke`)
        .set(coordinator)
        .send({ reason: 'the league results were recorded for the wrong student' })
        .expect(200);

      const after = (await request(engine.http).post('/credentials/verify').send({ jwt: held }).expect(200)).body as {
        verified: boolean;
        checks: (CheckResult & { reason?: string; errors?: { path: string; message: string }[] })[];
        embedded: { id: string; achievement: { id: string; name: string }; verified: boolean; reason?: string }[];
      };
      expect(after.verified).toBe(false);
      expect(failedChecks(after.checks)).toEqual(['embeddedCredentials:EMBEDDED_CREDENTIAL_REVOKED']);
      const check = after.checks.find((c) => c.name === 'embeddedCredentials');
      expect(check?.reason).toMatch(
        new RegExp(`^1 of 2 embedded credentials does not verify: "Sports participant" \\(urn:uuid:${badge.credentialId}\\): status REVOKED`),
      );
      expect(check?.errors).toEqual([
        { path: expect.stringMatching(/^\/credentialSubject\/verifiableCredential\/\d$/), message: expect.stringContaining('Sports participant') },
      ]);
      expect(after.embedded.map((e) => [e.id, e.achievement.name, e.verified]).sort()).toEqual(
        [
          [`urn:uuid:${badge.credentialId}`, 'Sports participant', false],
          [`urn:uuid:${kept.credentialId}`, 'Culture participant', true],
        ].sort(),
      );

      const fresh = await portfolio();
      const ids = (decodeJwt(fresh).credentialSubject as { verifiableCredential: { id: string }[] }).verifiableCredential.map((c) => c.id);
      expect(ids).toEqual([`urn:uuid:${kept.credentialId}`]);
      const now = await verify(fresh);
      expect([now.verified, failedChecks(now.checks)]).toEqual([true, []]);
    });

    it('is valid for 90 days, its JWT exp saying the same, and stays valid against the CLR schema', async () => {
      const json = await request(engine.http).get(`/students/${student}/portfolio`).set(coordinator).expect(200);
      const validFrom = Date.parse(json.body.validFrom as string);
      expect(Date.parse(json.body.validUntil as string) - validFrom).toBe(90 * 24 * 3600 * 1000);
      expect(json.body.expirationDate).toBe(json.body.validUntil);
      expect(clrSchema(json.body)).toBe(true);
      const jwt = await request(engine.http).get(`/students/${student}/portfolio`).set(coordinator).set('accept', 'application/jwt').expect(200);
      const claims = decodeJwt(jwt.text);
      expect(claims.exp).toBe(Date.parse(claims.validUntil as string) / 1000);
    });
  });

  describe('when an award cannot be signed', () => {
    it('keeps the failed job visible to admins with its reason, and retries it on request', async () => {
      const awardId = randomUUID();
      await engine.app
        .get(AwardQueue)
        .enqueue({ awardId, studentId: `s-${randomUUID().slice(0, 8)}`, programId: 'vilnius-tech', badgeId: 'sports-participant' });
      await request(engine.http).get('/awards/failed').set(coordinator).expect(403);
      const failed = await eventually(async () => {
        const res = await request(engine.http).get('/awards/failed').set(admin).expect(200);
        return (res.body.jobs as { awardId: string; reason: string }[]).find((j) => j.awardId === awardId);
      }, 'the failed award job');
      expect(failed.reason).toMatch(/is not in student-/);

      const retried = await request(engine.http)
        .post('/awards/failed/retry')
        .set(admin)
        .send({ awardIds: [awardId, randomUUID()] })
        .expect(200);
      expect(retried.body.retried).toEqual([awardId]);
      expect(retried.body.notFailed).toHaveLength(1);
    });
  });
});
