/**
 * Every verification step is a named check with one of three outcomes. A
 * failed check carries a stable `code`; a skipped one says why it could not
 * run (no resolver configured, or an earlier check it depends on failed).
 */
export type CheckName =
  /** Compact JWS, header only alg/kid/jwk/typ, typ JWT, alg RS256/ES256, payload a JSON object. */
  | 'format'
  /** VC Data Model 2.0 (VC 1.1 credentials are named as legacy). */
  | 'dataModel'
  /** The OB 3.0 (Ajv 2019-09) or CLR 2.0 (draft 4) JSON Schema. */
  | 'schema'
  /** Embedded Data Integrity proofs (JSON credentials only): never verified, named as unsupported. */
  | 'proof'
  /** The header's key is one of the issuer's published keys. */
  | 'issuerKey'
  /** The JWS signature against that key. */
  | 'signature'
  /** iss / sub / jti / nbf (/ exp) equal the credential's fields. */
  | 'claims'
  /** validFrom <= now < validUntil. */
  | 'validityWindow'
  /** The credential's bit in its Bitstring Status List is not set. */
  | 'status'
  /** ClrCredential only: every credential it embeds verifies on its own VC-JWT (signature, key, validity, status). */
  | 'embeddedCredentials';

export type CheckFailureCode =
  | 'MALFORMED_JWS'
  | 'MALFORMED_JSON'
  | 'UNSUPPORTED_HEADER'
  | 'UNSUPPORTED_ALGORITHM'
  | 'LEGACY_DATA_MODEL'
  | 'UNKNOWN_DATA_MODEL'
  | 'SCHEMA_INVALID'
  | 'PROOF_METHOD_INVALID'
  | 'PROOF_UNSUPPORTED'
  | 'KEY_UNKNOWN'
  | 'KEY_MISMATCH'
  | 'KEY_UNAVAILABLE'
  | 'SIGNATURE_INVALID'
  | 'CLAIMS_MISMATCH'
  | 'INVALID_DATE'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'REVOKED'
  | 'SUSPENDED'
  | 'STATUS_UNAVAILABLE'
  | 'STATUS_LIST_INVALID'
  /** A credential inside a ClrCredential is revoked (or suspended). */
  | 'EMBEDDED_CREDENTIAL_REVOKED'
  /** A credential inside a ClrCredential does not verify for another reason (forged, expired, no proof, copy differs). */
  | 'EMBEDDED_CREDENTIAL_INVALID';

/** One specific problem: a JSON Pointer (schema), a claim name (claims), ... */
export interface CheckError {
  path: string;
  message: string;
  keyword?: string;
}

export type Check =
  | { name: CheckName; status: 'passed'; detail?: string }
  | {
      name: CheckName;
      status: 'failed';
      code: CheckFailureCode;
      reason: string;
      errors?: CheckError[];
    }
  | { name: CheckName; status: 'skipped'; reason: string };

export type FailedCheck = Extract<Check, { status: 'failed' }>;

/** What the verifier found for one credential embedded in a ClrCredential. */
export interface EmbeddedCredentialResult {
  /** JSON Pointer of the credential in the CLR, e.g. `/credentialSubject/verifiableCredential/0`. */
  path: string;
  /** The credential's id, e.g. `urn:uuid:…`. */
  id?: string;
  /** The achievement it awards (the badge), from its signed JWT when it has one. */
  achievement?: { id?: string; name?: string };
  /** True when its own VC-JWT verified (signature, issuer key, claims, validity window, status) and the embedded copy matches it. */
  verified: boolean;
  /** Why not, in one line. */
  reason?: string;
  /** The checks of its own VC-JWT, when it carries one. */
  checks?: Check[];
}

/** The outcome of {@link verifyCredential}. */
export interface VerificationResult {
  /** True only when the signature passed and no check failed (skipped checks are listed with their reason). */
  verified: boolean;
  /** In a fixed order: format, dataModel, schema, issuerKey, signature, claims, validityWindow, status (and embeddedCredentials for a ClrCredential). */
  checks: Check[];
  /** The decoded payload, when the JWT could be read (whether or not it verified). */
  credential?: Record<string, unknown>;
  /** ClrCredential only: each embedded credential (which badge) and whether it verified. */
  embedded?: EmbeddedCredentialResult[];
}

/** The outcome of {@link verifyCredentialJson}. */
export interface JsonCheckResult {
  /**
   * True when no check failed. It says the data is well formed and currently
   * valid, never who issued it: a JSON credential's proof is not verified.
   */
  valid: boolean;
  /** In a fixed order: format, dataModel, schema, proof, validityWindow, status (and embeddedCredentials for a ClrCredential). */
  checks: Check[];
  /** ClrCredential only: each embedded credential (which badge) and whether it verified. */
  embedded?: EmbeddedCredentialResult[];
}

export const passed = (name: CheckName, detail?: string): Check =>
  detail === undefined
    ? { name, status: 'passed' }
    : { name, status: 'passed', detail };

export const failed = (
  name: CheckName,
  code: CheckFailureCode,
  reason: string,
  errors?: CheckError[],
): Check =>
  errors === undefined
    ? { name, status: 'failed', code, reason }
    : { name, status: 'failed', code, reason, errors };

export const skipped = (name: CheckName, reason: string): Check => ({
  name,
  status: 'skipped',
  reason,
});

export const isPlainObject = (
  value: unknown,
): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
