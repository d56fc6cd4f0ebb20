import type { CryptoKey, JWK } from 'jose';
import { CompactSign, importJWK } from 'jose';
import { toNumericDate } from '../dates';
import { CredentialsError } from '../errors';
import type { SigningAlgorithm } from '../keys/signing-key';
import { isSigningAlgorithm } from '../keys/signing-key';

/** Any VC 2.0 credential Laurel signs: an OpenBadgeCredential, a ClrCredential or a BitstringStatusListCredential. */
export interface SignableCredential {
  id: string;
  issuer: string | { id: string };
  validFrom: string;
  validUntil?: string;
  credentialSubject: { id?: string };
}

/** The registered claims a VC-JWT carries next to the credential (OB 3.0 §8.2.4). */
export interface VcJwtClaims {
  /** `issuer.id`. */
  iss: string;
  /** `credentialSubject.id`. */
  sub: string;
  /** The credential's `id`. */
  jti: string;
  /** `validFrom` in whole seconds. */
  nbf: number;
  /** `validUntil` in whole seconds, when the credential has one. */
  exp?: number;
}

export interface SignCredentialOptions {
  /** An imported key (fast: import once) or a private JWK (imported on every call). */
  privateKey: CryptoKey | JWK;
  /** A URL that returns the single public JWK. */
  kid: string;
  /** Default RS256. */
  alg?: SigningAlgorithm;
}

const isJwk = (key: CryptoKey | JWK): key is JWK => 'kty' in key;

async function importPrivateJwk(
  jwk: JWK,
  alg: SigningAlgorithm,
): Promise<CryptoKey> {
  try {
    return (await importJWK(jwk, alg)) as CryptoKey;
  } catch (err) {
    throw new CredentialsError(
      'INVALID_KEY',
      `cannot import the key for ${alg}: ${(err as Error).message}`,
    );
  }
}

/**
 * The JWT claims of a credential: `iss` = issuer id, `sub` = subject id,
 * `jti` = id, `nbf` = validFrom and `exp` = validUntil (whole seconds).
 *
 * @example
 * ```ts
 * buildJwtClaims(credential);
 * // { iss: 'https://badges.vilniustech.lt/issuers/vilnius-tech', sub: 'urn:laurel:student:…', jti: 'urn:uuid:…', nbf: 1740823200 }
 * ```
 */
export function buildJwtClaims(credential: SignableCredential): VcJwtClaims {
  const iss =
    typeof credential.issuer === 'string'
      ? credential.issuer
      : credential.issuer?.id;
  const sub = credential.credentialSubject?.id;
  if (!iss || !sub || !credential.id || !credential.validFrom) {
    throw new CredentialsError(
      'INVALID_INPUT',
      'a credential needs id, issuer id, credentialSubject.id and validFrom to be signed',
    );
  }
  const nbf = toNumericDate(credential.validFrom);
  const exp =
    credential.validUntil === undefined
      ? undefined
      : toNumericDate(credential.validUntil);
  if (Number.isNaN(nbf) || Number.isNaN(exp))
    throw new CredentialsError(
      'INVALID_INPUT',
      'validFrom / validUntil are not dates',
    );
  return exp === undefined
    ? { iss, sub, jti: credential.id, nbf }
    : { iss, sub, jti: credential.id, nbf, exp };
}

/**
 * Signs a credential as a VC-JWT (compact JWS): the payload is the whole
 * credential plus {@link buildJwtClaims}; the protected header is exactly
 * `{ alg, typ: 'JWT', kid }`. RS256 is deterministic, so the same credential
 * and key always give the same JWT.
 *
 * @example
 * ```ts
 * const key = await importSigningKey(privateJwk);
 * const jwt = await signCredential(buildAchievementCredential(input), key);
 * // 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Imh0dHBzOi8v…'
 * ```
 */
export async function signCredential(
  credential: SignableCredential,
  options: SignCredentialOptions,
): Promise<string> {
  const alg = options.alg ?? 'RS256';
  if (!isSigningAlgorithm(alg))
    throw new CredentialsError(
      'UNSUPPORTED_ALGORITHM',
      `${String(alg)}: only RS256 and ES256 are supported`,
    );
  if (!options.kid)
    throw new CredentialsError('INVALID_INPUT', 'kid is required');
  const payload = { ...credential, ...buildJwtClaims(credential) };
  const key = isJwk(options.privateKey)
    ? await importPrivateJwk(options.privateKey, alg)
    : options.privateKey;
  try {
    return await new CompactSign(
      new TextEncoder().encode(JSON.stringify(payload)),
    )
      .setProtectedHeader({ alg, typ: 'JWT', kid: options.kid })
      .sign(key);
  } catch (err) {
    throw new CredentialsError(
      'INVALID_KEY',
      `cannot sign with this key as ${alg}: ${(err as Error).message}`,
    );
  }
}
