import { decodeJwt } from 'jose';
import type { RecordedEvent } from '@laurel/event-store';
import type { AwardRevoked, BadgeEarned, CredentialIssued } from '@laurel/progression';
import { credentialUrls } from '../../../worker/src/awards/award-credential';

/** Where one credential can be fetched, and the `Accept` that picks each of its forms. */
export interface CredentialLink {
  href: string;
  /** Send it as `Accept` to get this form: the decoded credential (JSON) or the signed VC-JWT. */
  type: 'application/json' | 'application/vc+jwt';
}

/** One signed credential of a student, as `GET /students/:id/credentials` lists it. */
export interface StudentCredential {
  credentialId: string;
  /** The credential's own `id`. */
  id: string;
  awardId: string;
  programId?: string;
  badge: { id: string; name?: string; achievementId?: string };
  issuedAt: string;
  /** When the badge expires, if it does (the credential's `validUntil`). */
  expiresAt?: string;
  /** `revoked`: its bit is set in its status list, and verification fails; `expired`: past `expiresAt`. */
  status: 'active' | 'expired' | 'revoked';
  revoked?: { at: string; reason: string };
  links: CredentialLink[];
}

/**
 * The credentials signed for a student, oldest first, read from the
 * student's stream (the CredentialIssued events, the awards they sign and
 * any revocation of them). `now` decides which show as expired.
 *
 * @example
 * listCredentials(events, 'https://badges.example.edu', new Date())
 * // [{ credentialId: '…', badge: { id: 'sports-participant', name: 'Sports participant', … }, status: 'active', links: [...] }]
 */
export function listCredentials(events: readonly RecordedEvent[], publicUrl: string, now: Date): StudentCredential[] {
  const earned = new Map<string, BadgeEarned['data']>();
  const revoked = new Map<string, AwardRevoked['data']>();
  for (const e of events) {
    if (e.type === 'BadgeEarned') earned.set((e.data as BadgeEarned['data']).awardId, e.data as BadgeEarned['data']);
    if (e.type === 'AwardRevoked') revoked.set((e.data as AwardRevoked['data']).awardId, e.data as AwardRevoked['data']);
  }
  const url = credentialUrls(publicUrl).credential;
  return events
    .filter((e) => e.type === 'CredentialIssued')
    .map((e) => {
      const issued = e.data as CredentialIssued['data'];
      const award = earned.get(issued.awardId);
      const revocation = revoked.get(issued.awardId);
      const expiresAt = award?.expiresAt;
      // The type leaves the program out (`programId?`): the award names it too.
      const programId = issued.programId ?? award?.programId;
      const href = url(issued.credentialId);
      return {
        credentialId: issued.credentialId,
        id: `urn:uuid:${issued.credentialId}`,
        awardId: issued.awardId,
        ...(programId !== undefined && { programId }),
        badge: { id: issued.badgeId, ...achievementOf(issued.jwt) },
        issuedAt: issued.issuedAt,
        ...(expiresAt !== undefined && { expiresAt }),
        status: revocation ? 'revoked' : expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime() ? 'expired' : 'active',
        ...(revocation && { revoked: { at: revocation.revokedAt, reason: revocation.reason } }),
        links: [
          { href, type: 'application/json' },
          { href, type: 'application/vc+jwt' },
        ],
      };
    });
}

/** The badge's name and achievement URL as the signed credential states them. */
function achievementOf(jwt: string): { name?: string; achievementId?: string } {
  const subject = decodeJwt(jwt).credentialSubject as { achievement?: { id?: unknown; name?: unknown } } | undefined;
  const { id, name } = subject?.achievement ?? {};
  return { ...(typeof name === 'string' && { name }), ...(typeof id === 'string' && { achievementId: id }) };
}
