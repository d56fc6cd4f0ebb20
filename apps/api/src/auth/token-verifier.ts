import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { LAUREL_CONFIG, loadOrCreateLocalAuthKey, ROLE_NAMES, type LaurelConfig, type Role } from '@laurel/platform';
import type { Caller } from '../http/request-metadata';

/** Asymmetric algorithms only: an HS256 token "signed" with a public key is refused before any key is tried. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

export class TokenRejected extends Error {}

/** The identity provider's keys could not be fetched: the token may be fine, the server cannot tell yet. */
export class KeysUnavailable extends Error {}

/** Tokens verified recently, at most this many: a busy client sends the same token thousands of times. */
const VERIFIED_CACHE_SIZE = 10_000;
/** A cached verification is trusted this long at most, and never past the token's own expiry. */
const VERIFIED_CACHE_MS = 60_000;

/** Verifies bearer tokens with jose against the identity provider's JWKS or the local key. */
@Injectable()
export class TokenVerifier {
  private keys?: Promise<JWTVerifyGetKey>;
  /** token -> caller and until when the cached answer holds; insertion order gives the eviction order. */
  private readonly verified = new Map<string, { caller: Caller; until: number }>();

  constructor(@Inject(LAUREL_CONFIG) private readonly config: LaurelConfig) {}

  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.loadKeys();
    return this.keys;
  }

  private async loadKeys(): Promise<JWTVerifyGetKey> {
    const auth = this.config.auth;
    if (auth.kind === 'local') {
      const key = await loadOrCreateLocalAuthKey(auth.keyFile);
      return createLocalJWKSet({ keys: [key.publicJwk] });
    }
    const remote = createRemoteJWKSet(new URL(auth.jwksUrl), {
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    // A fetch that fails (refused, timeout, not 200, not a key set) is the server's problem, not a bad token.
    return async (header, jws) => {
      try {
        return await remote(header, jws);
      } catch (err) {
        if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
        throw new KeysUnavailable(`the identity provider's keys at ${auth.jwksUrl} could not be fetched`, { cause: err });
      }
    };
  }

  /**
   * The caller a valid token stands for. A token verified in the last minute
   * is answered from memory (until its `exp` at the latest), which spares a
   * signature check per request; a token is only ever cached after it passed
   * every check.
   */
  async verify(token: string): Promise<Caller> {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && hit.until > now) return hit.caller;
    if (hit) this.verified.delete(token);
    const { caller, exp } = await this.verifyFully(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { caller, until: Math.min(now + VERIFIED_CACHE_MS, exp === undefined ? Infinity : exp * 1000) });
    return caller;
  }

  private async verifyFully(token: string): Promise<{ caller: Caller; exp: number | undefined }> {
    const { issuer, audience, clockToleranceSec, rolesClaim } = this.config.auth;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(), {
        issuer,
        audience,
        algorithms: ALGORITHMS,
        clockTolerance: clockToleranceSec,
      }));
    } catch (err) {
      if (err instanceof KeysUnavailable) throw err;
      throw new TokenRejected(reason(err));
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenRejected('token has no subject (sub)');
    const raw = claimAt(payload, rolesClaim);
    const roles = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[ ,]+/) : []).filter((r): r is Role =>
      (ROLE_NAMES as readonly unknown[]).includes(r),
    );
    return { caller: { sub: payload.sub, roles }, exp: payload.exp };
  }
}

function claimAt(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), payload);
}

/** A short, safe reason for each way a token can be refused. */
function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'token not yet valid';
    if (err.claim === 'iss') return 'wrong token issuer';
    if (err.claim === 'aud') return 'wrong token audience';
    return `token claim ${err.claim} is invalid`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (err instanceof errors.JWKSNoMatchingKey) return 'token signed with an unknown key (kid)';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof errors.JOSENotSupported) return 'token algorithm not supported';
  return 'malformed token';
}
