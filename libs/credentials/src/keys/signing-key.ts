import { createPrivateKey } from 'node:crypto';
import type { CryptoKey, JWK } from 'jose';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
} from 'jose';
import { CredentialsError } from '../errors';

/** RS256 is the OB 3.0 default and what every verifier supports; ES256 (P-256) is the other one the official validator accepts. */
export type SigningAlgorithm = 'RS256' | 'ES256';

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = [
  'RS256',
  'ES256',
];

/** A public key as published at its `kid` URL and in `/.well-known/jwks.json`. */
export interface PublicJwk extends JWK {
  kty: 'RSA' | 'EC';
  /** `<keysUrl>/<RFC 7638 thumbprint>`: a URL that returns this JWK. */
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
}

/** A freshly generated key pair, serialisable: the caller stores `privateJwk` (mode 0600) and publishes `publicJwk`. */
export interface GeneratedSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateJwk: JWK & { kid: string; alg: SigningAlgorithm; use: 'sig' };
  publicJwk: PublicJwk;
}

/** A private key ready to sign with (import once, sign many times). */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
  publicJwk: PublicJwk;
}

const PUBLIC_MEMBERS = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
} as const;

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return value === 'RS256' || value === 'ES256';
}

function algorithmOf(jwk: JWK, requested?: SigningAlgorithm): SigningAlgorithm {
  const inferred: SigningAlgorithm | undefined =
    jwk.kty === 'RSA'
      ? 'RS256'
      : jwk.kty === 'EC' && jwk.crv === 'P-256'
        ? 'ES256'
        : undefined;
  if (!inferred)
    throw new CredentialsError(
      'UNSUPPORTED_ALGORITHM',
      `a ${jwk.kty ?? 'keyless'}${jwk.crv ? ` ${jwk.crv}` : ''} key: only RSA (RS256) and P-256 (ES256) keys are supported`,
    );
  const declared = requested ?? jwk.alg;
  if (declared !== undefined && declared !== inferred) {
    throw new CredentialsError(
      'UNSUPPORTED_ALGORITHM',
      `the key is for ${inferred}, not ${declared}`,
    );
  }
  return inferred;
}

function publicMembers(jwk: JWK): JWK {
  const names = jwk.kty === 'RSA' ? PUBLIC_MEMBERS.RSA : PUBLIC_MEMBERS.EC;
  const out: Record<string, unknown> = {};
  for (const name of names) {
    if (jwk[name] === undefined)
      throw new CredentialsError('INVALID_KEY', `the JWK has no "${name}"`);
    out[name] = jwk[name];
  }
  return out;
}

/**
 * The `kid` of a key: `<keysUrl>/<RFC 7638 SHA-256 thumbprint>`, so that the
 * kid both names the key stably and dereferences to it.
 *
 * @example
 * ```ts
 * await buildKid('https://badges.vilniustech.lt/keys', publicJwk);
 * // 'https://badges.vilniustech.lt/keys/NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 * ```
 */
export async function buildKid(keysUrl: string, jwk: JWK): Promise<string> {
  if (!/^https?:\/\//.test(keysUrl))
    throw new CredentialsError(
      'INVALID_INPUT',
      `keysUrl: "${keysUrl}" is not an http(s) URL`,
    );
  return `${keysUrl.replace(/\/+$/, '')}/${await calculateJwkThumbprint(publicMembers(jwk), 'sha256')}`;
}

/**
 * The public half of a key, as published: only the public members plus `kid`, `alg` and `use: 'sig'`.
 *
 * @example
 * ```ts
 * exportPublicJwk(privateJwk);
 * // { kty: 'EC', crv: 'P-256', x: '…', y: '…', kid: 'https://…/keys/…', alg: 'ES256', use: 'sig' }
 * ```
 */
export function exportPublicJwk(
  key: JWK | SigningKey | GeneratedSigningKey,
  kid?: string,
): PublicJwk {
  if ('publicJwk' in key && key.publicJwk) return key.publicJwk;
  const jwk = key as JWK;
  const keyId = kid ?? jwk.kid;
  if (!keyId)
    throw new CredentialsError(
      'INVALID_KEY',
      'the JWK has no kid and none was given',
    );
  const alg = algorithmOf(jwk);
  return {
    ...(publicMembers(jwk) as JWK & { kty: 'RSA' | 'EC' }),
    kid: keyId,
    alg,
    use: 'sig',
  };
}

/**
 * Generates an extractable RS256 (RSA 2048) or ES256 (P-256) key pair; the
 * kid is `<keysUrl>/<thumbprint>`.
 *
 * @example
 * ```ts
 * const generated = await generateSigningKey('ES256', { keysUrl: 'https://badges.vilniustech.lt/keys' });
 * // write generated.privateJwk to the data folder (0600), then:
 * const key = await importSigningKey(generated.privateJwk);
 * ```
 */
export async function generateSigningKey(
  alg: SigningAlgorithm = 'RS256',
  { keysUrl }: { keysUrl: string },
): Promise<GeneratedSigningKey> {
  if (!isSigningAlgorithm(alg))
    throw new CredentialsError(
      'UNSUPPORTED_ALGORITHM',
      `${String(alg)}: only RS256 and ES256 are supported`,
    );
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const exported = await exportJWK(privateKey);
  const kid = await buildKid(keysUrl, exported);
  return {
    kid,
    alg,
    privateJwk: { ...exported, kid, alg, use: 'sig' },
    publicJwk: exportPublicJwk(exported, kid),
  };
}

function jwkFromPem(pem: string): JWK {
  try {
    // node:crypto reads PKCS#8, PKCS#1 ("RSA PRIVATE KEY") and SEC1 ("EC PRIVATE KEY") alike.
    return createPrivateKey(pem).export({ format: 'jwk' });
  } catch (err) {
    throw new CredentialsError(
      'INVALID_KEY',
      `not a PEM private key: ${(err as Error).message}`,
    );
  }
}

/**
 * Imports a private key from a PEM string or a private JWK. The kid is the
 * JWK's own `kid` if it has one, else `<keysUrl>/<thumbprint>` (so a key
 * loaded from a PEM file keeps the same kid on every start).
 *
 * @example
 * ```ts
 * const key = await importSigningKey(pemFromFile, { keysUrl: 'https://badges.vilniustech.lt/keys' });
 * const jwt = await signCredential(credential, key);
 * ```
 */
export async function importSigningKey(
  source: string | JWK,
  options: { keysUrl?: string; alg?: SigningAlgorithm } = {},
): Promise<SigningKey> {
  const jwk = typeof source === 'string' ? jwkFromPem(source) : source;
  if (jwk.d === undefined)
    throw new CredentialsError(
      'INVALID_KEY',
      'a private key is required to sign',
    );
  const alg = algorithmOf(jwk, options.alg);
  let kid = jwk.kid;
  if (kid === undefined) {
    if (options.keysUrl === undefined)
      throw new CredentialsError(
        'INVALID_INPUT',
        'keysUrl is required for a key without kid',
      );
    kid = await buildKid(options.keysUrl, jwk);
  }
  let privateKey: CryptoKey;
  try {
    privateKey = (await importJWK(
      { ...publicMembers(jwk), ...jwk, kid, alg, ext: false },
      alg,
    )) as CryptoKey;
  } catch (err) {
    throw new CredentialsError(
      'INVALID_KEY',
      `cannot import the key for ${alg}: ${(err as Error).message}`,
    );
  }
  return { kid, alg, privateKey, publicJwk: exportPublicJwk(jwk, kid) };
}
