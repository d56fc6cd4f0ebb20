import type { FastifyReply } from 'fastify';
import { chooseType } from '../http/negotiate';

/** What a credential (a badge, a status list, a portfolio) is served as: its JSON forms first (the default), then its VC-JWT's. */
const CREDENTIAL_TYPES = [
  'application/json',
  'application/ld+json',
  'application/vc+ld+json',
  'application/vc',
  'application/jwt',
  'application/vc+jwt',
  'application/vc+ld+json+jwt',
] as const;

/**
 * The answer to a request for a credential in the form `accept` asks for:
 * `jwt` for a VC-JWT type, else `json`, with that type as Content-Type (so a
 * strict client gets one it listed) and `Vary: Accept` (one URL, two bodies:
 * a cache must not hand the JWT to a JSON client). A 406 naming the types
 * when `accept` takes none of them.
 */
export function credentialAnswer<T extends object>(
  accept: string | undefined,
  reply: FastifyReply,
  what: string,
  jwt: string,
  json: () => T,
): string | T {
  const type = chooseType(accept, CREDENTIAL_TYPES, what);
  const isJwt = type === 'application/jwt' || type.endsWith('+jwt');
  void reply.header('content-type', isJwt ? type : `${type}; charset=utf-8`).header('vary', 'accept');
  if (isJwt) return jwt;
  // Fastify serialises an object itself only under a JSON type it recognises (`json` in the name); `application/vc` is JSON too.
  return type === 'application/vc' ? JSON.stringify(json()) : json();
}

/** The credential without the JWT's registered claims: what the JSON form of a VC-JWT shows. */
export function withoutJwtClaims(payload: Record<string, unknown>): Record<string, unknown> {
  const { iss: _iss, sub: _sub, jti: _jti, nbf: _nbf, exp: _exp, iat: _iat, ...credential } = payload;
  return credential;
}
