import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { loadOrCreateLocalAuthKey, type LaurelConfig } from '@laurel/platform';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);

/** Claims a well-formed token for the engine's local auth would carry, overridable one by one. */
function claims(config: LaurelConfig, overrides: JWTPayload = {}): JWTPayload {
  const now = nowSec();
  return {
    iss: config.auth.issuer,
    aud: config.auth.audience,
    sub: 'coordinator-1',
    [config.auth.rolesClaim]: ['coordinator'],
    iat: now,
    nbf: now,
    exp: now + 600,
    ...overrides,
  };
}

/**
 * Tokens an attacker (or a misconfigured client) might send to an engine
 * that uses its local key: each must be refused with a 401.
 */
export async function hostileTokens(config: LaurelConfig): Promise<Record<string, string>> {
  if (config.auth.kind !== 'local') throw new Error('hostile tokens are built against the local key');
  const local = await loadOrCreateLocalAuthKey(config.auth.keyFile);
  const localKey = await importJWK(local.privateJwk, 'ES256');
  const sign = (payload: JWTPayload, key: CryptoKey | Uint8Array | JWK = localKey, alg = 'ES256', kid = local.kid) =>
    new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', kid }).sign(key);
  const stranger = await generateKeyPair('ES256');
  const publicPem = await exportSPKI((await importJWK(local.publicJwk, 'ES256')) as CryptoKey);
  const now = nowSec();
  const valid = await sign(claims(config));
  const [header, payload] = valid.split('.');
  return {
    unsigned: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(config))}.`,
    // The classic key-confusion attack: HMAC "signed" with the verifier's own public key.
    hs256WithPublicPem: await sign(claims(config), new TextEncoder().encode(publicPem), 'HS256'),
    hs256WithPublicJwk: await sign(claims(config), new TextEncoder().encode(JSON.stringify(local.publicJwk)), 'HS256'),
    expired: await sign(claims(config, { iat: now - 7200, nbf: now - 7200, exp: now - 3600 })),
    notYetValid: await sign(claims(config, { iat: now, nbf: now + 3600, exp: now + 7200 })),
    wrongIssuer: await sign(claims(config, { iss: 'https://evil.example.com/realms/laurel' })),
    wrongAudience: await sign(claims(config, { aud: 'some-other-api' })),
    unknownKid: await sign(claims(config), stranger.privateKey, 'ES256', 'not-a-key-we-know'),
    // Right kid, wrong key: the signature cannot verify.
    forgedSignature: await sign(claims(config), stranger.privateKey, 'ES256', local.kid),
    tamperedPayload: `${header}.${b64(claims(config, { [config.auth.rolesClaim]: ['admin'] }))}.${valid.split('.')[2]}`,
    noSubject: await sign(claims(config, { sub: undefined })),
    garbage: 'this.is.not-a-jwt',
    truncated: `${header}.${payload}`,
  };
}

export interface FakeIdentityProvider {
  /** Issuer URL, as Keycloak would have it: `<base>/realms/<realm>`. */
  issuer: string;
  jwksUrl: string;
  /** A token the way Keycloak issues it: roles under `realm_access.roles`. */
  token(claims: { sub: string; roles: string[]; audience?: string; expiresInSec?: number }): Promise<string>;
  /** How many times the key set was fetched. */
  fetches(): number;
  close(): Promise<void>;
}

/**
 * A tiny identity provider on 127.0.0.1 that publishes a JWKS (RS256, as
 * Keycloak does by default) and mints Keycloak-shaped tokens with it.
 */
export async function startFakeIdentityProvider(audience: string, realm = 'laurel'): Promise<FakeIdentityProvider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = 'idp-key-1';
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === `/realms/${realm}/protocol/openid-connect/certs`) {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/realms/${realm}`;
  return {
    issuer,
    jwksUrl: `${issuer}/protocol/openid-connect/certs`,
    token: ({ sub, roles, audience: aud = audience, expiresInSec = 300 }) =>
      new SignJWT({ realm_access: { roles: [...roles, 'offline_access', 'uma_authorization'] }, azp: 'laurel-web', typ: 'Bearer' })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
        .setIssuer(issuer)
        .setAudience(aud)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(`${expiresInSec}s`)
        .sign(privateKey),
    fetches: () => fetches,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
