import type { CryptoKey, JSONWebKeySet, JWK } from 'jose';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import type { SigningAlgorithm } from '../keys/signing-key';
import { isSigningAlgorithm } from '../keys/signing-key';
import type { Check } from './checks';
import { failed, isPlainObject, passed } from './checks';

/** Finds the issuer's public key for a kid (e.g. from the key store, or by fetching the kid URL). */
export type KeyResolver = (
  kid: string,
  context: { issuer: string | undefined },
) => Promise<JWK | undefined> | JWK | undefined;

/** Where the issuer's published keys come from: a JWK Set (or a KeyRing), a resolver, or both (the set is tried first). */
export interface KeySources {
  jwks?: JSONWebKeySet;
  resolveKey?: KeyResolver;
}

export interface JwsHeader {
  alg: SigningAlgorithm;
  kid?: string;
  jwk?: JWK;
  typ?: string;
}

// OB 3.0 §8.2.4: the JOSE header of a VC-JWT holds only these.
const ALLOWED_HEADER = new Set(['alg', 'kid', 'jwk', 'typ']);
const SEGMENT = /^[A-Za-z0-9_-]+$/;

function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

/**
 * Reads a compact JWS without verifying it, and judges its format.
 *
 * @example
 * ```ts
 * const read = readCompactJws(jwt);
 * if (read.check.status === 'passed') console.log(read.header.kid, read.payload.id);
 * ```
 */
export function readCompactJws(
  jwt: unknown,
):
  | { check: Check; header: JwsHeader; payload: Record<string, unknown> }
  | { check: Check; header?: undefined; payload?: undefined } {
  const malformed = (reason: string) => ({
    check: failed('format', 'MALFORMED_JWS', reason),
  });
  if (typeof jwt !== 'string') return malformed('a VC-JWT is a string');
  const parts = jwt.trim().split('.');
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) {
    return malformed(
      'not a compact JWS: expected three base64url segments separated by "."',
    );
  }
  const [rawHeader, rawPayload] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = decodeSegment(rawHeader);
  } catch {
    return malformed('the JOSE header is not base64url-encoded JSON');
  }
  try {
    payload = decodeSegment(rawPayload);
  } catch {
    return malformed('the payload is not base64url-encoded JSON');
  }
  if (!isPlainObject(header))
    return malformed('the JOSE header is not a JSON object');
  if (!isPlainObject(payload))
    return malformed('the payload is not a JSON object');
  const extra = Object.keys(header).filter((name) => !ALLOWED_HEADER.has(name));
  if (extra.length > 0) {
    return {
      check: failed(
        'format',
        'UNSUPPORTED_HEADER',
        `header parameter(s) ${extra.join(', ')} not allowed: a VC-JWT header holds only alg, kid, jwk and typ`,
      ),
    };
  }
  if (header.typ !== undefined && header.typ !== 'JWT') {
    return {
      check: failed(
        'format',
        'UNSUPPORTED_HEADER',
        `typ is ${JSON.stringify(header.typ)}, not "JWT"`,
      ),
    };
  }
  if (!isSigningAlgorithm(header.alg)) {
    return {
      check: failed(
        'format',
        'UNSUPPORTED_ALGORITHM',
        `alg ${JSON.stringify(header.alg)} is not supported: RS256 or ES256`,
      ),
    };
  }
  if (header.kid !== undefined && typeof header.kid !== 'string')
    return malformed('kid is not a string');
  if (
    header.jwk !== undefined &&
    (!isPlainObject(header.jwk) || 'd' in header.jwk)
  ) {
    return {
      check: failed('format', 'UNSUPPORTED_HEADER', 'jwk must be a public JWK'),
    };
  }
  return {
    check: passed('format'),
    header: header as unknown as JwsHeader,
    payload,
  };
}

async function thumbprintOf(jwk: JWK): Promise<string | undefined> {
  try {
    return await calculateJwkThumbprint(jwk, 'sha256');
  } catch {
    return undefined;
  }
}

/**
 * The `issuerKey` check: the key named by the header (`kid`, or an embedded
 * `jwk`) must be one of the issuer's published keys, for this algorithm and
 * for signing.
 *
 * @example
 * ```ts
 * const { check, key } = await resolveIssuerKey(header, issuerId, { jwks: exportJwks(ring) });
 * ```
 */
export async function resolveIssuerKey(
  header: JwsHeader,
  issuer: string | undefined,
  sources: KeySources,
): Promise<{ check: Check; key?: JWK }> {
  const published = sources.jwks?.keys ?? [];
  let key: JWK | undefined;
  if (header.kid !== undefined) {
    key = published.find((candidate) => candidate.kid === header.kid);
    if (!key && sources.resolveKey) {
      try {
        key = await sources.resolveKey(header.kid, { issuer });
      } catch (err) {
        return {
          check: failed(
            'issuerKey',
            'KEY_UNAVAILABLE',
            `resolving kid ${header.kid} failed: ${(err as Error).message}`,
          ),
        };
      }
    }
    if (!key)
      return {
        check: failed(
          'issuerKey',
          'KEY_UNKNOWN',
          `kid ${header.kid} is not one of the issuer's published keys`,
        ),
      };
    if (
      header.jwk !== undefined &&
      (await thumbprintOf(header.jwk)) !== (await thumbprintOf(key))
    ) {
      return {
        check: failed(
          'issuerKey',
          'KEY_MISMATCH',
          `the header's jwk is not the published key ${header.kid}`,
        ),
      };
    }
  } else if (header.jwk !== undefined) {
    // An embedded key proves nothing by itself: it must be one the issuer published.
    const wanted = await thumbprintOf(header.jwk);
    for (const candidate of published) {
      if (wanted !== undefined && (await thumbprintOf(candidate)) === wanted)
        key = candidate;
    }
    if (!key)
      return {
        check: failed(
          'issuerKey',
          'KEY_UNKNOWN',
          "the header's jwk is not one of the issuer's published keys",
        ),
      };
  } else {
    return {
      check: failed(
        'issuerKey',
        'KEY_UNKNOWN',
        'the header names no key (kid or jwk)',
      ),
    };
  }
  if (key.alg !== undefined && key.alg !== header.alg) {
    return {
      check: failed(
        'issuerKey',
        'KEY_MISMATCH',
        `key ${key.kid ?? ''} is for ${key.alg}, the JWT says ${header.alg}`,
      ),
    };
  }
  if (key.use !== undefined && key.use !== 'sig') {
    return {
      check: failed(
        'issuerKey',
        'KEY_MISMATCH',
        `key ${key.kid ?? ''} is for use "${key.use}", not "sig"`,
      ),
    };
  }
  return { check: passed('issuerKey', key.kid ?? header.kid), key };
}

/**
 * The `signature` check: the JWS verifies with the issuer's key.
 *
 * @example
 * ```ts
 * await checkSignature(jwt, 'RS256', publicJwk); // { name: 'signature', status: 'passed' }
 * ```
 */
export async function checkSignature(
  jwt: string,
  alg: SigningAlgorithm,
  jwk: JWK,
): Promise<Check> {
  let key: CryptoKey;
  try {
    key = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
  } catch (err) {
    return failed(
      'signature',
      'KEY_MISMATCH',
      `the published key cannot verify ${alg}: ${(err as Error).message}`,
    );
  }
  try {
    await compactVerify(jwt.trim(), key, { algorithms: [alg] });
    return passed('signature');
  } catch {
    return failed(
      'signature',
      'SIGNATURE_INVALID',
      'the signature does not match the payload and the published key',
    );
  }
}
