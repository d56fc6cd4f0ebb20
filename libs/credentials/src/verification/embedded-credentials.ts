import type {
  Check,
  CheckError,
  EmbeddedCredentialResult,
  VerificationResult,
} from './checks';
import { failed, isPlainObject, passed, skipped } from './checks';
import { issuerIdOf } from './data-checks';

/** More than this many embedded credentials are not verified one by one (a CLR body is at most a few MB). */
export const MAX_EMBEDDED_CREDENTIALS = 1000;

const POINTER = '/credentialSubject/verifiableCredential';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

function achievementOf(
  credential: Record<string, unknown>,
): { id?: string; name?: string } | undefined {
  const subject = credential.credentialSubject;
  const achievement = isPlainObject(subject) ? subject.achievement : undefined;
  if (!isPlainObject(achievement)) return undefined;
  const id = text(achievement.id);
  const name = text(achievement.name);
  return {
    ...(id === undefined ? {} : { id }),
    ...(name === undefined ? {} : { name }),
  };
}

/** The fields an employer reads from the embedded copy, which must be what the badge's own JWT signed. */
function differences(
  copy: Record<string, unknown>,
  signed: Record<string, unknown>,
): string[] {
  const fields: Array<[string, (c: Record<string, unknown>) => unknown]> = [
    ['id', (c) => c.id],
    ['issuer', issuerIdOf],
    [
      'credentialSubject.id',
      (c) =>
        isPlainObject(c.credentialSubject) ? c.credentialSubject.id : undefined,
    ],
    ['achievement', (c) => JSON.stringify(achievementOf(c) ?? null)],
    ['validFrom', (c) => c.validFrom],
    ['validUntil', (c) => c.validUntil],
  ];
  return fields
    .filter(([, read]) => read(copy) !== read(signed))
    .map(([name]) => name);
}

function describe(result: EmbeddedCredentialResult): string {
  const name = result.achievement?.name;
  const id = result.id ?? result.path;
  return name === undefined ? id : `"${name}" (${id})`;
}

function failureOf(checks: Check[]): string {
  return checks
    .flatMap((check) =>
      check.status === 'failed'
        ? [`${check.name} ${check.code}: ${check.reason}`]
        : [],
    )
    .join('; ');
}

async function verifyOne(
  item: unknown,
  path: string,
  verify: (jwt: string) => Promise<VerificationResult>,
): Promise<EmbeddedCredentialResult> {
  if (!isPlainObject(item))
    return { path, verified: false, reason: 'not a credential object' };
  const id = text(item.id);
  const base = {
    path,
    ...(id === undefined ? {} : { id }),
  };
  const copyAchievement = achievementOf(item);
  const proofs = Array.isArray(item.proof) ? item.proof : [item.proof];
  const jwt = proofs
    .filter(isPlainObject)
    .find(
      (proof) => proof.type === 'JwtProof2020' && typeof proof.jwt === 'string',
    )?.jwt as string | undefined;
  if (jwt === undefined) {
    return {
      ...base,
      ...(copyAchievement ? { achievement: copyAchievement } : {}),
      verified: false,
      reason:
        item.proof === undefined
          ? 'it carries no proof, so who issued it and whether it was revoked cannot be checked'
          : 'it carries no JwtProof2020 (VC-JWT) proof; other embedded proofs are not verified',
    };
  }
  const result = await verify(jwt);
  const signed = result.credential;
  const achievement =
    (signed ? achievementOf(signed) : undefined) ?? copyAchievement;
  const entry = {
    ...base,
    ...(achievement ? { achievement } : {}),
    checks: result.checks,
  };
  if (!result.verified)
    return {
      ...entry,
      verified: false,
      reason: failureOf(result.checks) || 'its VC-JWT did not verify',
    };
  const changed = signed ? differences(item, signed) : [];
  if (changed.length > 0)
    return {
      ...entry,
      verified: false,
      reason: `the embedded copy differs from its signed VC-JWT in ${changed.join(', ')}`,
    };
  return { ...entry, verified: true };
}

/**
 * The `embeddedCredentials` check of a ClrCredential: each credential in
 * `credentialSubject.verifiableCredential` is verified on its own, through
 * the VC-JWT it carries as a `JwtProof2020` proof (signature against its
 * issuer's published key, claims, validity window and its own status list
 * entry), and its embedded copy must say what that JWT signed. A CLR does
 * not verify while a badge inside it is revoked, expired or forged; the
 * failure names each such badge. `verify` is {@link verifyCredential} with
 * the caller's keys, status lists and clock.
 *
 * @example
 * ```ts
 * const { check, embedded } = await checkEmbeddedCredentials(clr, (jwt) => verifyCredential(jwt, options));
 * // check: { name: 'embeddedCredentials', status: 'failed', code: 'EMBEDDED_CREDENTIAL_REVOKED',
 * //          reason: '1 of 2 embedded credentials does not verify: "Sports participant" (urn:uuid:…): status REVOKED: …' }
 * ```
 */
export async function checkEmbeddedCredentials(
  credential: Record<string, unknown>,
  verify: (jwt: string) => Promise<VerificationResult>,
): Promise<{ check: Check; embedded: EmbeddedCredentialResult[] }> {
  const subject = credential.credentialSubject;
  const items = isPlainObject(subject)
    ? subject.verifiableCredential
    : undefined;
  if (!Array.isArray(items) || items.length === 0)
    return {
      check: skipped(
        'embeddedCredentials',
        'the ClrCredential embeds no credentials',
      ),
      embedded: [],
    };
  if (items.length > MAX_EMBEDDED_CREDENTIALS)
    return {
      check: failed(
        'embeddedCredentials',
        'EMBEDDED_CREDENTIAL_INVALID',
        `the ClrCredential embeds ${items.length} credentials; at most ${MAX_EMBEDDED_CREDENTIALS} are verified`,
      ),
      embedded: [],
    };
  const embedded = await Promise.all(
    items.map((item, i) => verifyOne(item, `${POINTER}/${i}`, verify)),
  );
  const bad = embedded.filter((result) => !result.verified);
  if (bad.length === 0)
    return {
      check: passed(
        'embeddedCredentials',
        `${embedded.length} embedded credential${embedded.length === 1 ? '' : 's'} verified (signature, issuer key, validity window, status)`,
      ),
      embedded,
    };
  const revoked = bad.some((result) =>
    result.checks?.some(
      (check) =>
        check.name === 'status' &&
        check.status === 'failed' &&
        (check.code === 'REVOKED' || check.code === 'SUSPENDED'),
    ),
  );
  const errors: CheckError[] = bad.map((result) => ({
    path: result.path,
    message: `${describe(result)}: ${result.reason ?? 'does not verify'}`,
  }));
  return {
    check: failed(
      'embeddedCredentials',
      revoked ? 'EMBEDDED_CREDENTIAL_REVOKED' : 'EMBEDDED_CREDENTIAL_INVALID',
      `${bad.length} of ${embedded.length} embedded credential${embedded.length === 1 ? '' : 's'} ${bad.length === 1 ? 'does' : 'do'} not verify: ${errors.map((e) => e.message).join(' | ')}`,
      errors,
    ),
    embedded,
  };
}
