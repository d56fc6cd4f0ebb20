/** Media types a credential is served as when the caller asks for the JWT. */
const JWT_TYPES = new Set(['application/jwt', 'application/vc+jwt', 'application/vc+ld+json+jwt']);
const JSON_TYPES = new Set(['application/json', 'application/ld+json', 'application/vc+ld+json', 'application/vc', '*/*', 'application/*']);

/**
 * Whether the `Accept` header prefers the VC-JWT over JSON: the acceptable
 * type with the highest q (the first on a tie) decides; no header means JSON.
 */
export function prefersJwt(accept: string | undefined): boolean {
  if (!accept) return false;
  let best: { jwt: boolean; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    const jwt = JWT_TYPES.has(type);
    if (!jwt && !JSON_TYPES.has(type)) continue;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { jwt, q };
  }
  return best?.jwt ?? false;
}

/** The credential without the JWT's registered claims: what the JSON form of a VC-JWT shows. */
export function withoutJwtClaims(payload: Record<string, unknown>): Record<string, unknown> {
  const { iss: _iss, sub: _sub, jti: _jti, nbf: _nbf, exp: _exp, iat: _iat, ...credential } = payload;
  return credential;
}
