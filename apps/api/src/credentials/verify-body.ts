/** What `POST /credentials/verify` takes, said the same way wherever a body is refused. */
export const SEND_COMPACT_JWT =
  'send the credential as a compact VC-JWT: a JSON body { "jwt": "<header>.<payload>.<signature>" }, or the JWT itself with Content-Type: application/jwt';

const WHERE_JWTS_ARE =
  "A Laurel badge's JWT is GET /credentials/<id> with Accept: application/jwt; a portfolio's is GET /students/<id>/portfolio with Accept: application/jwt";

/** A verifiable credential (or one wrapped as { credential } / { verifiableCredential }) sent as JSON rather than as its JWT. */
function looksLikeCredentialJson(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  if ('@context' in b || 'credentialSubject' in b || 'proof' in b) return true;
  const types = Array.isArray(b.type) ? (b.type as unknown[]) : [b.type];
  if (types.includes('VerifiableCredential')) return true;
  return [b.credential, b.verifiableCredential, b.jwt].some((inner) => typeof inner === 'object' && inner !== null && looksLikeCredentialJson(inner));
}

/**
 * The embedded proof of a credential sent as JSON (an OB 3.0 credential from another issuer is often signed with a
 * Data Integrity proof, `proof: { type, cryptosuite, ... }`), described in a few words; undefined when it has none.
 */
function embeddedProof(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const proofs = (Array.isArray(b.proof) ? b.proof : [b.proof]).filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null);
  if (proofs.length > 0) {
    const named = proofs.map((p) =>
      [typeof p.type === 'string' ? p.type : 'a proof', typeof p.cryptosuite === 'string' ? `cryptosuite ${p.cryptosuite}` : '']
        .filter(Boolean)
        .join(', '),
    );
    return named.join('; ');
  }
  for (const inner of [b.credential, b.verifiableCredential, b.jwt]) {
    const found = embeddedProof(inner);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * What is wrong with text that starts as a JWT does (`eyJ`, the base64url of
 * `{"`) but is not a compact JWS: a verifier pasting a JWT from an e-mail or
 * a PDF gets it cut short or wrapped over lines, and "send a compact
 * VC-JWT" tells them nothing they did not believe they had done.
 */
function damagedJwt(body: unknown): string | undefined {
  const text = typeof body === 'string' ? body.trim() : typeof body === 'object' && body !== null ? (body as { jwt?: unknown }).jwt : undefined;
  if (typeof text !== 'string' || !text.trim().startsWith('eyJ')) return undefined;
  const jwt = text.trim();
  if (/\s/.test(jwt))
    return 'the JWT sent has spaces or line breaks in it (a copy from an e-mail or a PDF wraps it over lines): remove them and send it again';
  const parts = jwt.split('.').length;
  if (parts !== 3)
    return `the JWT sent has ${parts} part${parts === 1 ? '' : 's'} separated by "." where a compact JWT has 3 (<header>.<payload>.<signature>): it looks ${parts < 3 ? 'cut short' : 'joined to other text'}; copy all of it, and only it`;
  return 'the JWT sent has characters a JWT cannot hold (only letters, digits, "-", "_" and the two "." separators): copy it again as issued';
}

/** The 400 message for a body that holds no compact JWS: what to send instead, and where a credential's JWT is when JSON was sent. */
export function verifyBodyHint(body: unknown): string {
  if (looksLikeCredentialJson(body)) {
    const proof = embeddedProof(body);
    if (proof !== undefined) {
      return `this is a credential as JSON signed with an embedded proof (${proof}), which this verifier does not check: it checks the signature of a VC-JWT only. Check it with a verifier that takes such proofs, or ${SEND_COMPACT_JWT}. ${WHERE_JWTS_ARE}`;
    }
    return `this is a credential as JSON, which carries no signature to check: ${SEND_COMPACT_JWT}. ${WHERE_JWTS_ARE}`;
  }
  const damaged = damagedJwt(body);
  return damaged === undefined ? SEND_COMPACT_JWT : `${damaged}. ${SEND_COMPACT_JWT}`;
}

/** The 415 message for a JSON-LD credential media type (application/vc, application/ld+json, ...) at POST /credentials/verify. */
export function credentialMediaTypeHint(type: string): string {
  return `${type} is a credential as JSON, which carries no signature to check: ${SEND_COMPACT_JWT}. ${WHERE_JWTS_ARE}`;
}
