import { toNumericDate } from '../dates';
import type {
  Check,
  CheckError,
  CheckName,
  JsonCheckResult,
  VerificationResult,
} from './checks';
import { failed, isPlainObject, passed, skipped } from './checks';
import type { StatusListResolver } from './data-checks';
import {
  checkDataModel,
  checkSchema,
  checkStatus,
  checkValidityWindow,
  issuerIdOf,
} from './data-checks';
import { checkEmbeddedCredentials } from './embedded-credentials';
import type { KeySources } from './jws';
import { checkSignature, readCompactJws, resolveIssuerKey } from './jws';

export interface VerifyCredentialOptions extends KeySources {
  /** The verifier's clock (passed in: verification is a pure function of its inputs). */
  now: Date;
  /** Looks up `statusListCredential` URLs; without it the `status` check is skipped. */
  resolveStatusList?: StatusListResolver;
}

const JWT_CHECKS: readonly CheckName[] = [
  'format',
  'dataModel',
  'schema',
  'issuerKey',
  'signature',
  'claims',
  'validityWindow',
  'status',
];

function checkClaims(payload: Record<string, unknown>): Check {
  const errors: CheckError[] = [];
  const expect = (
    claim: string,
    actual: unknown,
    wanted: unknown,
    field: string,
  ) => {
    if (actual !== wanted) {
      errors.push({
        path: claim,
        message: `${claim} is ${JSON.stringify(actual)}, ${field} is ${JSON.stringify(wanted)}`,
      });
    }
  };
  const subject = payload.credentialSubject;
  expect('iss', payload.iss, issuerIdOf(payload), 'issuer.id');
  expect(
    'sub',
    payload.sub,
    isPlainObject(subject) ? subject.id : undefined,
    'credentialSubject.id',
  );
  expect('jti', payload.jti, payload.id, 'id');
  const validFrom =
    typeof payload.validFrom === 'string'
      ? toNumericDate(payload.validFrom)
      : undefined;
  expect(
    'nbf',
    payload.nbf,
    Number.isNaN(validFrom) ? undefined : validFrom,
    'validFrom (whole seconds)',
  );
  if (payload.validUntil !== undefined || payload.exp !== undefined) {
    const validUntil =
      typeof payload.validUntil === 'string'
        ? toNumericDate(payload.validUntil)
        : undefined;
    expect(
      'exp',
      payload.exp,
      Number.isNaN(validUntil) ? undefined : validUntil,
      'validUntil (whole seconds)',
    );
  }
  if (errors.length === 0) return passed('claims');
  return failed(
    'claims',
    'CLAIMS_MISMATCH',
    `${errors.map((e) => e.path).join(', ')} differ from the credential's fields`,
    errors,
  );
}

/**
 * Verifies a VC-JWT the way OB 3.0 §9 describes, and names every check:
 * `format`, `dataModel`, `schema`, `issuerKey`, `signature`, `claims`
 * (iss/sub/jti/nbf/exp equal to the credential's fields), `validityWindow` and
 * `status`; a ClrCredential also gets `embeddedCredentials`: each credential
 * it bundles is verified on its own VC-JWT (so a revoked badge inside a
 * portfolio fails the portfolio, and `embedded` says which). Checks that do
 * not depend on each other all run, so a tampered payload fails `signature`
 * alone and an expired credential `validityWindow` alone. Never throws for a bad credential. Works for OpenBadgeCredentials,
 * ClrCredentials (CLR schema) and BitstringStatusListCredentials (no schema).
 *
 * @example
 * ```ts
 * const result = await verifyCredential(jwt, {
 *   jwks: exportJwks(ring),
 *   now: new Date(),
 *   resolveStatusList: (url) => statusListJwtFor(url),
 * });
 * // { verified: false, checks: [..., { name: 'status', status: 'failed', code: 'REVOKED', reason: 'revoked: bit 7 of … is set' }] }
 * ```
 */
export async function verifyCredential(
  jwt: string,
  options: VerifyCredentialOptions,
): Promise<VerificationResult> {
  return verifyAtDepth(jwt, options, 0);
}

/** A CLR may embed a CLR (CLR 2.0 allows it); deeper nesting than this is refused rather than followed. */
const MAX_CLR_DEPTH = 2;

const isClr = (credential: Record<string, unknown>): boolean =>
  (Array.isArray(credential.type)
    ? (credential.type as unknown[])
    : [credential.type]
  ).includes('ClrCredential');

/** The `embeddedCredentials` check of a ClrCredential (nothing for other credentials). */
async function embeddedOf(
  credential: Record<string, unknown>,
  options: VerifyCredentialOptions,
  depth: number,
): Promise<Pick<VerificationResult, 'embedded'> & { checks: Check[] }> {
  if (!isClr(credential)) return { checks: [] };
  if (depth >= MAX_CLR_DEPTH)
    return {
      checks: [
        failed(
          'embeddedCredentials',
          'EMBEDDED_CREDENTIAL_INVALID',
          `ClrCredentials nested more than ${MAX_CLR_DEPTH} deep are not verified`,
        ),
      ],
    };
  const { check, embedded } = await checkEmbeddedCredentials(
    credential,
    (inner) => verifyAtDepth(inner, options, depth + 1),
  );
  return { checks: [check], embedded };
}

async function verifyAtDepth(
  jwt: string,
  options: VerifyCredentialOptions,
  depth: number,
): Promise<VerificationResult> {
  const read = readCompactJws(jwt);
  if (!read.header) {
    return {
      verified: false,
      checks: [
        read.check,
        ...JWT_CHECKS.slice(1).map((name) =>
          skipped(name, 'the JWT could not be read'),
        ),
      ],
    };
  }
  const { header, payload } = read;
  const dataModel = checkDataModel(payload);
  if (dataModel.legacy) {
    return {
      verified: false,
      checks: [
        read.check,
        dataModel.check,
        ...JWT_CHECKS.slice(2).map((name) =>
          skipped(name, 'not a VC Data Model 2.0 credential'),
        ),
      ],
      credential: payload,
    };
  }
  const issuer = issuerIdOf(payload);
  const issuerKey = await resolveIssuerKey(header, issuer, options);
  const signature = issuerKey.key
    ? await checkSignature(jwt, header.alg, issuerKey.key)
    : skipped('signature', 'no published issuer key to verify against');
  const checks: Check[] = [
    read.check,
    dataModel.check,
    checkSchema(payload),
    issuerKey.check,
    signature,
    checkClaims(payload),
    checkValidityWindow(payload, options.now),
    await checkStatus(payload, options),
  ];
  const embedded = await embeddedOf(payload, options, depth);
  checks.push(...embedded.checks);
  return {
    verified:
      signature.status === 'passed' &&
      checks.every((check) => check.status !== 'failed'),
    checks,
    credential: payload,
    ...(embedded.embedded ? { embedded: embedded.embedded } : {}),
  };
}

const DID_METHODS = new Set(['key', 'web']);

function checkProof(credential: Record<string, unknown>): Check {
  const { proof } = credential;
  if (proof === undefined)
    return skipped(
      'proof',
      'no embedded proof: the data was checked, not who issued it',
    );
  const proofs = Array.isArray(proof) ? proof : [proof];
  const errors: CheckError[] = [];
  const kinds = new Set<string>();
  proofs.forEach((item, i) => {
    if (!isPlainObject(item)) {
      errors.push({ path: `/proof/${i}`, message: 'not an object' });
      return;
    }
    kinds.add(
      [item.type, item.cryptosuite]
        .filter((part) => typeof part === 'string')
        .join(' / '),
    );
    const method = item.verificationMethod;
    const scheme =
      typeof method === 'string'
        ? /^([a-z][a-z0-9+.-]*):/i.exec(method)?.[1]?.toLowerCase()
        : undefined;
    if (method === undefined) return;
    if (typeof method !== 'string') {
      errors.push({
        path: `/proof/${i}/verificationMethod`,
        message: 'not a string',
      });
    } else if (scheme === undefined) {
      errors.push({
        path: `/proof/${i}/verificationMethod`,
        message: `"${method}" is not a URI (no scheme)`,
      });
    } else if (scheme === 'did') {
      const didMethod = method.split(':')[1] ?? '';
      if (!DID_METHODS.has(didMethod))
        errors.push({
          path: `/proof/${i}/verificationMethod`,
          message: `unknown DID method "did:${didMethod}" (did:key and did:web are resolvable)`,
        });
    } else if (scheme !== 'https' && scheme !== 'http') {
      errors.push({
        path: `/proof/${i}/verificationMethod`,
        message: `unknown scheme "${scheme}:"`,
      });
    }
  });
  if (errors.length > 0) {
    return failed(
      'proof',
      'PROOF_METHOD_INVALID',
      `the proof's verification method cannot be resolved: ${errors.map((e) => e.message).join('; ')}`,
      errors,
    );
  }
  return failed(
    'proof',
    'PROOF_UNSUPPORTED',
    `embedded proofs (${[...kinds].join(', ')}) are not verified: Laurel secures credentials as VC-JWT (verifyCredential); this proof was neither accepted nor checked`,
  );
}

/**
 * Checks an unsigned (or Data-Integrity-secured) credential given as JSON:
 * `format` (a JSON object), `dataModel`, `schema`, `proof`, `validityWindow`
 * and `status` (and `embeddedCredentials` for a ClrCredential, whose embedded
 * VC-JWTs are verified even though its own proof is not). The JWT-only
 * checks (`issuerKey`, `signature`, `claims`) do not apply. Embedded proofs are not verified: a present proof fails `proof`
 * with `PROOF_UNSUPPORTED` (or `PROOF_METHOD_INVALID` when its verification
 * method cannot even be resolved), an absent one is skipped. `valid` never
 * means authentic.
 *
 * @example
 * ```ts
 * verifyCredentialJson(JSON.parse(text), { now: new Date() });
 * // { valid: false, checks: [..., { name: 'schema', status: 'failed', code: 'SCHEMA_INVALID', errors: [{ path: '/type', … }] }, …] }
 * ```
 */
export async function verifyCredentialJson(
  credential: unknown,
  options: VerifyCredentialOptions,
): Promise<JsonCheckResult> {
  const names: CheckName[] = [
    'format',
    'dataModel',
    'schema',
    'proof',
    'validityWindow',
    'status',
  ];
  if (!isPlainObject(credential)) {
    return {
      valid: false,
      checks: [
        failed('format', 'MALFORMED_JSON', 'a credential is a JSON object'),
        ...names.slice(1).map((name) => skipped(name, 'not a JSON object')),
      ],
    };
  }
  const dataModel = checkDataModel(credential);
  if (dataModel.legacy) {
    return {
      valid: false,
      checks: [
        passed('format'),
        dataModel.check,
        ...names
          .slice(2)
          .map((name) => skipped(name, 'not a VC Data Model 2.0 credential')),
      ],
    };
  }
  const checks = [
    passed('format'),
    dataModel.check,
    checkSchema(credential),
    checkProof(credential),
    checkValidityWindow(credential, options.now),
    await checkStatus(credential, options),
  ];
  const embedded = await embeddedOf(credential, options, 0);
  checks.push(...embedded.checks);
  return {
    valid: checks.every((check) => check.status !== 'failed'),
    checks,
    ...(embedded.embedded ? { embedded: embedded.embedded } : {}),
  };
}
