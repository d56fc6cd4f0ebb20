import type { JSONWebKeySet } from 'jose';
import { CredentialsError } from '../errors';
import type { GeneratedSigningKey, PublicJwk, SigningKey } from './signing-key';
import { exportPublicJwk } from './signing-key';

/**
 * The issuer's published keys: the kid that signs now and every public key
 * ever used, so credentials signed before a rotation still verify. Private
 * keys are not part of it (the caller keeps the active one).
 */
export interface KeyRing {
  activeKid: string;
  /** Oldest first; kids are unique. */
  keys: PublicJwk[];
}

type KeyLike = SigningKey | GeneratedSigningKey | PublicJwk;

/**
 * A ring holding one key, which is active.
 *
 * @example
 * ```ts
 * const ring = createKeyRing(await generateSigningKey('RS256', { keysUrl }));
 * ```
 */
export function createKeyRing(first: KeyLike): KeyRing {
  const publicJwk = exportPublicJwk(first);
  return { activeKid: publicJwk.kid, keys: [publicJwk] };
}

/**
 * Makes `next` the active key and keeps every earlier public key. Rotating
 * to a kid already in the ring only re-activates it.
 *
 * @example
 * ```ts
 * const next = await generateSigningKey('ES256', { keysUrl });
 * ring = rotateKeyRing(ring, next); // ring.activeKid === next.kid; old kids still in ring.keys
 * ```
 */
export function rotateKeyRing(ring: KeyRing, next: KeyLike): KeyRing {
  const publicJwk = exportPublicJwk(next);
  const known = ring.keys.find((key) => key.kid === publicJwk.kid);
  if (
    known &&
    (known.kty !== publicJwk.kty ||
      known.n !== publicJwk.n ||
      known.x !== publicJwk.x ||
      known.y !== publicJwk.y)
  ) {
    throw new CredentialsError(
      'INVALID_KEY',
      `kid ${publicJwk.kid} is already used by another key`,
    );
  }
  return {
    activeKid: publicJwk.kid,
    keys: known ? ring.keys : [...ring.keys, publicJwk],
  };
}

/**
 * The public key with that kid, if the ring has it (for `GET /keys/:kid`).
 *
 * @example
 * ```ts
 * findPublicKey(ring, header.kid) ?? notFound();
 * ```
 */
export function findPublicKey(
  ring: KeyRing,
  kid: string,
): PublicJwk | undefined {
  return ring.keys.find((key) => key.kid === kid);
}

/**
 * The JWK Set to serve at `/.well-known/jwks.json` (`application/jwk-set+json`).
 *
 * @example
 * ```ts
 * reply.type('application/jwk-set+json').send(exportJwks(ring)); // { keys: [...] }
 * ```
 */
export function exportJwks(
  ring: KeyRing,
): JSONWebKeySet & { keys: PublicJwk[] } {
  return { keys: ring.keys.map((key) => ({ ...key })) };
}
