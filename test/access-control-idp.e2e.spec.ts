import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadOrCreateLocalAuthKey, mintLocalToken } from '@laurel/platform';
import { startTestEngine, type TestEngine } from './support/test-engine';
import { startFakeIdentityProvider, type FakeIdentityProvider } from './support/tokens';

const AUDIENCE = 'laurel-api';

describe('when a university identity provider (Keycloak-style JWKS) is configured', () => {
  let idp: FakeIdentityProvider;
  let engine: TestEngine;
  beforeAll(async () => {
    idp = await startFakeIdentityProvider(AUDIENCE);
    engine = await startTestEngine({
      env: {
        LAUREL_AUTH_JWKS_URL: idp.jwksUrl,
        LAUREL_AUTH_ISSUER: idp.issuer,
        LAUREL_AUTH_AUDIENCE: AUDIENCE,
        LAUREL_AUTH_ROLES_CLAIM: 'realm_access.roles',
      },
    });
  });
  afterAll(async () => {
    await engine.close();
    await idp.close();
  });

  it("accepts the provider's token and reads the roles from realm_access.roles", async () => {
    const token = await idp.token({ sub: 'f:1b2c:coordinator-7', roles: ['coordinator'] });
    await request(engine.http).get('/programs/vilnius-tech/rules').set('authorization', `Bearer ${token}`).expect(200);
    const studentId = `s-${randomUUID().slice(0, 8)}`;
    await request(engine.http)
      .post('/participations')
      .set('authorization', `Bearer ${token}`)
      .send({ participationId: randomUUID(), studentId, activityId: 'robotics-club', occurredAt: '2026-10-14T16:00:00Z' })
      .expect(201);
    const [event] = await engine.store.readStream(`student-${studentId}`);
    expect(event?.metadata.actor).toBe('coordinator:f:1b2c:coordinator-7');
    expect(idp.fetches()).toBe(1);
  });

  it('applies the roles: a provider token for a student may not record participation', async () => {
    const token = await idp.token({ sub: '20231234', roles: ['student'] });
    const res = await request(engine.http).post('/participations').set('authorization', `Bearer ${token}`).send({}).expect(403);
    expect(res.body.message).toContain('your token has student');
    await request(engine.http).get('/students/20231234/progression').set('authorization', `Bearer ${token}`).expect(404);
    await request(engine.http).get('/students/20239999/progression').set('authorization', `Bearer ${token}`).expect(403);
  });

  it('refuses a token minted with the local key, even with the right issuer and audience (401 unknown kid)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'laurel-local-key-'));
    try {
      const key = await loadOrCreateLocalAuthKey(join(dir, 'auth-local.jwk.json'));
      const token = await mintLocalToken(
        key,
        { issuer: idp.issuer, audience: AUDIENCE, rolesClaim: 'realm_access.roles' },
        { sub: 'mallory', roles: ['admin'] },
      );
      const res = await request(engine.http).get('/programs/vilnius-tech/rules').set('authorization', `Bearer ${token}`).expect(401);
      expect(res.body.message).toBe('token signed with an unknown key (kid)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses the provider's token issued for another audience (401)", async () => {
    const token = await idp.token({ sub: 'x', roles: ['admin'], audience: 'account' });
    const res = await request(engine.http).get('/programs/vilnius-tech/rules').set('authorization', `Bearer ${token}`).expect(401);
    expect(res.body.message).toBe('wrong token audience');
  });

  it('refuses an expired provider token (401)', async () => {
    const token = await idp.token({ sub: 'x', roles: ['admin'], expiresInSec: -60 });
    const res = await request(engine.http).get('/programs/vilnius-tech/rules').set('authorization', `Bearer ${token}`).expect(401);
    expect(res.body.message).toBe('token expired');
  });
});

describe("when the identity provider's keys cannot be fetched", () => {
  let idp: FakeIdentityProvider;
  let engine: TestEngine;
  beforeAll(async () => {
    idp = await startFakeIdentityProvider(AUDIENCE);
    engine = await startTestEngine({
      env: {
        // Right issuer, but nothing serves keys at this path (404).
        LAUREL_AUTH_JWKS_URL: `${idp.issuer}/protocol/openid-connect/nothing-here`,
        LAUREL_AUTH_ISSUER: idp.issuer,
        LAUREL_AUTH_AUDIENCE: AUDIENCE,
        LAUREL_AUTH_ROLES_CLAIM: 'realm_access.roles',
      },
    });
  });
  afterAll(async () => {
    await engine.close();
    await idp.close();
  });

  it('answers 503 saying so, rather than blaming the token', async () => {
    const token = await idp.token({ sub: 'c-1', roles: ['coordinator'] });
    const res = await request(engine.http).get('/programs/vilnius-tech/rules').set('authorization', `Bearer ${token}`).expect(503);
    expect(res.body.message).toMatch(/identity provider's keys at .* could not be fetched; try again shortly/);
  });
});
