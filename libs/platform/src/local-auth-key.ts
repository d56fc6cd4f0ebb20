import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { AuthConfig } from './config';

export interface LocalAuthKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * The embedded default's token key: an ES256 key generated on first use into
 * the data folder (mode 0600). `laurel token` signs with it; the API verifies
 * with its public half.
 */
export async function loadOrCreateLocalAuthKey(file: string): Promise<LocalAuthKey> {
  if (existsSync(file)) {
    const privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    const { d: _d, ...publicJwk } = privateJwk;
    return { kid: privateJwk.kid ?? (await calculateJwkThumbprint(publicJwk)), privateJwk, publicJwk };
  }
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' };
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // `wx`: if another process created the key meanwhile, fail rather than overwrite it.
  writeFileSync(file, JSON.stringify(privateJwk, null, 2), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { kid, privateJwk, publicJwk: { ...publicJwk, kid } };
}

export type Role = 'designer' | 'coordinator' | 'student' | 'admin';
export const ROLE_NAMES: readonly Role[] = ['designer', 'coordinator', 'student', 'admin'];

/** Signs a bearer token with the local key (the embedded default's stand-in for an identity provider). */
export async function mintLocalToken(
  key: LocalAuthKey,
  auth: Pick<AuthConfig, 'issuer' | 'audience' | 'rolesClaim'>,
  claims: { sub: string; roles: Role[]; ttlSeconds?: number; now?: Date },
): Promise<string> {
  const now = Math.floor((claims.now ?? new Date()).getTime() / 1000);
  const privateKey = await importJWK(key.privateJwk, 'ES256');
  return new SignJWT({ [auth.rolesClaim]: claims.roles })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid })
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (claims.ttlSeconds ?? 3600))
    .sign(privateKey);
}
