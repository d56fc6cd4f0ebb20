import type { VerificationResult } from '@laurel/credentials';

/** What a verified credential says, in the fields an employer reads first. */
export interface VerifiedAbout {
  id?: string;
  kind: 'badge' | 'portfolio' | 'status list' | 'credential';
  name?: string;
  issuer?: { id?: string; name?: string };
  subject?: string;
  achievement?: { id?: string; name?: string };
  /** Portfolios: how many credentials it bundles. */
  credentials?: number;
  validFrom?: string;
  validUntil?: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const types = (c: Json): string[] => (Array.isArray(c.type) ? c.type.filter((t): t is string => typeof t === 'string') : []);
const day = (iso: string | undefined): string | undefined => iso?.slice(0, 10);

function aboutOf(credential: Json): VerifiedAbout {
  const t = types(credential);
  const issuer = obj(credential.issuer);
  const subject = obj(credential.credentialSubject);
  const achievement = obj(subject?.achievement);
  const bundled = subject?.verifiableCredential;
  const about: VerifiedAbout = {
    kind: t.includes('ClrCredential')
      ? 'portfolio'
      : t.includes('BitstringStatusListCredential')
        ? 'status list'
        : achievement
          ? 'badge'
          : 'credential',
    ...(str(credential.id) && { id: str(credential.id) }),
    ...(str(credential.name) && { name: str(credential.name) }),
    ...((issuer || str(credential.issuer)) && { issuer: issuer ? { id: str(issuer.id), name: str(issuer.name) } : { id: str(credential.issuer) } }),
    ...(str(subject?.id) && { subject: str(subject?.id) }),
    ...(achievement && { achievement: { id: str(achievement.id), name: str(achievement.name) } }),
    ...(Array.isArray(bundled) && { credentials: bundled.length }),
    ...(str(credential.validFrom) && { validFrom: str(credential.validFrom) }),
    ...(str(credential.validUntil) && { validUntil: str(credential.validUntil) }),
  };
  return about;
}

const issuerOf = (about: VerifiedAbout): string => about.issuer?.name ?? about.issuer?.id ?? 'an unnamed issuer';
/** Laurel's subject ids end in the student id (`urn:laurel:student:<issuer host>:<student id>`, the id percent-encoded). */
const LAUREL_STUDENT = /^urn:laurel:student:.+:([^:]+)$/;

/** To whom: the student id an employer can match against the CV, before the URN it was read from. */
function toOf(about: VerifiedAbout): string {
  if (!about.subject) return '';
  const id = LAUREL_STUDENT.exec(about.subject)?.[1];
  return id === undefined ? ` to ${about.subject}` : ` to student ${decodeURIComponent(id)} (${about.subject})`;
}
const whatOf = (about: VerifiedAbout): string =>
  about.kind === 'badge'
    ? `the badge "${about.achievement?.name ?? about.name ?? about.achievement?.id ?? 'unnamed'}"`
    : about.kind === 'portfolio'
      ? `the portfolio "${about.name ?? 'unnamed'}" (${about.credentials === 1 ? '1 credential, verified on its own' : `${about.credentials ?? 0} credentials, each verified on its own`})`
      : `the ${about.kind}${about.name ? ` "${about.name}"` : ''}`;

/**
 * One sentence for the person verifying, and (when verified) what the
 * credential says: which badge, by whom, to whom, for how long. When it is
 * not verified the sentence names the first failed check and why, and
 * nothing the credential claims is repeated as fact, except for a credential
 * whose only fault is that its issuer revoked (or suspended) it, or that it
 * has expired: the signature holds, so the sentence names the badge withdrawn,
 * or the badge and the day it stopped being valid. A credential naming
 * another issuer than `ownIssuerId` whose key is unknown is said to be
 * another issuer's, to be verified there.
 *
 * @example
 * summarize(result) // { summary: 'Verified: the badge "Sports participant" issued by VILNIUS TECH on 2026-10-01 to student 20231234 (urn:laurel:student:…:20231234), valid with no end date, not revoked.', about: {...} }
 */
export function summarize(result: VerificationResult, ownIssuerId?: string): { summary: string; about?: VerifiedAbout } {
  if (!result.verified) {
    const failed = result.checks.find((c) => c.status === 'failed');
    const why = failed && failed.status === 'failed' ? `${failed.name} check failed: ${failed.reason}` : 'a check it needs could not run';
    const named = aboutOf(result.credential ?? {});
    if (failed?.status === 'failed' && failed.name === 'issuerKey' && ownIssuerId && named.issuer?.id && named.issuer.id !== ownIssuerId) {
      // Another issuer's credential: its key was never ours to know, which says nothing about whether it is genuine.
      return {
        summary: `Not verified here: ${whatOf(named)} names ${named.issuer.name ? `${named.issuer.name} (${named.issuer.id})` : named.issuer.id} as its issuer, and this service checks only the credentials of ${ownIssuerId}, with its keys (${why}). Nothing it says is confirmed here: verify it with its issuer, or with an Open Badges 3.0 verifier that fetches that issuer's keys.`,
      };
    }
    const revoked = failed?.status === 'failed' && failed.name === 'status' && (failed.code === 'REVOKED' || failed.code === 'SUSPENDED');
    const signed = ['issuerKey', 'signature', 'claims'].every((name) => result.checks.some((c) => c.name === name && c.status === 'passed'));
    if (revoked && signed && result.checks.filter((c) => c.status === 'failed').length === 1) {
      // The issuer's signature holds, so which badge it withdrew is the issuer's word, and what the employer needs to know.
      const about = aboutOf(result.credential ?? {});
      const verb = failed.code === 'REVOKED' ? 'revoked' : 'suspended';
      return {
        summary: `Not verified: ${issuerOf(about)} ${verb} ${whatOf(about)} it issued on ${day(about.validFrom) ?? 'an unstated date'}${toOf(about)} (${why}). Do not rely on what this credential says.`,
      };
    }
    const expired = failed?.status === 'failed' && failed.name === 'validityWindow' && failed.code === 'EXPIRED';
    if (expired && signed && result.checks.filter((c) => c.status === 'failed').length === 1) {
      // Genuine and not revoked, only past its end date: which badge, whose, and since when is what the employer asks next.
      const about = aboutOf(result.credential ?? {});
      const unrevoked = result.checks.some((c) => c.name === 'status' && c.status === 'passed') ? ' and is not revoked' : '';
      const renew =
        about.kind === 'portfolio' ? 'ask the student for a fresh download' : 'ask the student for a badge earned again since, if there is one';
      return {
        summary: `Not verified: ${whatOf(about)} issued by ${issuerOf(about)} on ${day(about.validFrom) ?? 'an unstated date'}${toOf(about)} expired on ${day(about.validUntil) ?? 'an unstated date'} (${why}). It is genuine${unrevoked}, but it is no longer valid: ${renew}.`,
      };
    }
    return { summary: `Not verified: ${why}. Do not rely on what this credential says.` };
  }
  const about = aboutOf(result.credential ?? {});
  const issuer = issuerOf(about);
  const what = whatOf(about);
  const to = toOf(about);
  const until = about.validUntil ? `valid until ${day(about.validUntil)}` : 'valid with no end date';
  const status = result.checks.some((c) => c.name === 'status' && c.status === 'passed') ? ', not revoked' : '';
  return { summary: `Verified: ${what} issued by ${issuer} on ${day(about.validFrom) ?? 'an unstated date'}${to}, ${until}${status}.`, about };
}
