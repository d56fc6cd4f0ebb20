import { eligibilityStands, type RuleSet, type StudentState } from '@laurel/rules';
import type { StudentEvent } from './events';

/** One badge a student holds (or held), as progression queries show it. */
export interface ProgressionBadge {
  badgeId: string;
  awardId: string;
  earnedAt: string;
  expiresAt?: string;
  status: 'active' | 'expired' | 'revoked' | 'flagged';
  credentialId?: string;
  /** Ids of the events that earned it. */
  basis: string[];
  /** Why it is `flagged`: it lost its support (what the rule projection found, and when) and waits for a coordinator. */
  flag?: { cause: string; since: string };
}

export interface ProgressionApplication {
  applicationId: string;
  badgeId: string;
  status: 'pending' | 'approved' | 'rejected';
  submittedAt: string;
  decidedAt?: string;
  comment?: string;
}

/** A student's standing in one program: the read model document, also built for `asOf` queries. */
export interface ProgressionDocument {
  studentId: string;
  programId: string;
  ruleSetVersion: number;
  ruleSetHash: string;
  /** The highest level reached, if any. */
  level: { levelId: string; reachedAt: string } | null;
  levels: { levelId: string; reachedAt: string }[];
  badges: ProgressionBadge[];
  eligible: { badgeId: string; since: string }[];
  applications: ProgressionApplication[];
  /** Log position the document reflects. */
  position: string;
}

/** What the rule state does not carry: application ids and comments, credentials, review flags. */
export interface ProgressionExtras {
  applications: Map<string, ProgressionApplication>;
  credentials: Map<string, string>;
  /** By award id: awards flagged for review (support lost under a `flag` policy) that no coordinator has kept, and whose support has not come back, since. */
  flagged: Map<string, { cause: string; since: string }>;
  position: bigint;
}

export const emptyExtras = (): ProgressionExtras => ({ applications: new Map(), credentials: new Map(), flagged: new Map(), position: 0n });

/** Folds one stored student event into the extras. */
export function observeExtras(extras: ProgressionExtras, stored: { type: string; data: unknown; position: bigint }): ProgressionExtras {
  if (stored.position > extras.position) extras.position = stored.position;
  const event = { type: stored.type, data: stored.data } as StudentEvent;
  switch (event.type) {
    case 'ApplicationSubmitted':
      extras.applications.set(event.data.applicationId, {
        applicationId: event.data.applicationId,
        badgeId: event.data.badgeId,
        status: 'pending',
        submittedAt: event.data.submittedAt,
      });
      return extras;
    case 'ApplicationApproved':
    case 'ApplicationRejected': {
      const app = extras.applications.get(event.data.applicationId);
      if (app) {
        app.status = event.type === 'ApplicationApproved' ? 'approved' : 'rejected';
        app.decidedAt = event.data.decidedAt;
        if (event.data.comment !== undefined) app.comment = event.data.comment;
      }
      return extras;
    }
    case 'CredentialIssued':
      extras.credentials.set(event.data.awardId, event.data.credentialId);
      return extras;
    case 'AwardSupportLost':
      if (event.data.policy === 'flag') extras.flagged.set(event.data.awardId, { cause: event.data.cause, since: event.data.detectedAt });
      return extras;
    case 'AwardKept':
    case 'AwardSupportRestored':
      extras.flagged.delete(event.data.awardId);
      return extras;
    case 'ParticipationRecorded':
    case 'ParticipationVoided':
    case 'BadgeEarned':
    case 'AwardRevoked':
    case 'LevelReached':
    case 'EligibilityReached':
      return extras;
    default: {
      const _unknown: never = event;
      return extras;
    }
  }
}

/** Each badge's place in its rule file, made once per rule set: the projection builds a document per student it writes. */
const ranks = new WeakMap<RuleSet, Map<string, number>>();
function badgeRank(ruleSet: RuleSet): Map<string, number> {
  let rank = ranks.get(ruleSet);
  if (!rank) {
    rank = new Map(ruleSet.badges.map((b, i) => [b.id, i]));
    ranks.set(ruleSet, rank);
  }
  return rank;
}

/**
 * Builds the progression document of one student in one program from the
 * rule state and the extras. `now` decides which awards show as expired.
 */
export function progressionDocument(
  studentId: string,
  program: { ruleSet: RuleSet; version: number },
  state: StudentState,
  extras: ProgressionExtras,
  now: Date,
): ProgressionDocument {
  const iso = (t: number) => new Date(t).toISOString();
  const levels = program.ruleSet.levels.flatMap((l) => {
    const at = state.levels[l.id];
    return at === undefined ? [] : [{ levelId: l.id, reachedAt: iso(at) }];
  });
  // Rule-file order, so the document does not depend on the order facts were folded in.
  const rank = badgeRank(program.ruleSet);
  const byRuleOrder = <T extends [string, unknown]>(a: T, b: T) =>
    (rank.get(a[0]) ?? Infinity) - (rank.get(b[0]) ?? Infinity) || a[0].localeCompare(b[0]);
  const badges = Object.entries(state.badges)
    .sort(byRuleOrder)
    .map(([badgeId, held]): ProgressionBadge => {
      const credentialId = extras.credentials.get(held.eventId);
      const flag = extras.flagged.get(held.eventId);
      const status = badgeStatus(held.revoked !== undefined, held.expiresAt, flag !== undefined, now);
      return {
        badgeId,
        awardId: held.eventId,
        earnedAt: iso(held.at),
        ...(held.expiresAt !== undefined && { expiresAt: iso(held.expiresAt) }),
        status,
        ...(credentialId && { credentialId }),
        basis: held.basis,
        ...(status === 'flagged' && flag && { flag }),
      };
    });
  return {
    studentId,
    programId: program.ruleSet.programId,
    ruleSetVersion: program.version,
    ruleSetHash: program.ruleSet.sha256,
    level: levels.at(-1) ?? null,
    levels,
    badges,
    eligible: eligibleAt(program.ruleSet, state, now),
    applications: [...extras.applications.values()].sort(
      (a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.applicationId.localeCompare(b.applicationId),
    ),
    position: String(extras.position),
  };
}

/** A badge's status at `now`: revoked, expired once its expiry has come, flagged while it waits for a coordinator, or active. */
function badgeStatus(revoked: boolean, expiresAt: number | undefined, flagged: boolean, now: Date): ProgressionBadge['status'] {
  if (revoked) return 'revoked';
  if (expiresAt !== undefined && expiresAt <= now.getTime()) return 'expired';
  return flagged ? 'flagged' : 'active';
}

/**
 * The badges a student may apply for at `now`, in rule-file order: eligible
 * and not held. An expired award's eligibility is one to renew it. Once a
 * participation or badge it rested on is voided or revoked, an application
 * would be refused: not listed.
 */
export function eligibleAt(ruleSet: RuleSet, state: StudentState, now: Date): ProgressionDocument['eligible'] {
  const rank = badgeRank(ruleSet);
  return Object.entries(state.eligible)
    .sort((a, b) => (rank.get(a[0]) ?? Infinity) - (rank.get(b[0]) ?? Infinity) || a[0].localeCompare(b[0]))
    .filter(([badgeId]) => {
      const held = state.badges[badgeId];
      const heldNow = held !== undefined && held.revoked === undefined && (held.expiresAt === undefined || held.expiresAt > now.getTime());
      return !heldNow && eligibilityStands(ruleSet, state, badgeId, now);
    })
    .map(([badgeId, since]) => ({ badgeId, since: new Date(since).toISOString() }));
}

/**
 * A stored document as it reads at `now`, as {@link progressionDocument}
 * would write it then. The projection writes a student's document when an
 * event of theirs comes; time alone writes nothing, so an award that has
 * expired since still reads `active` there, and its renewal is judged as if
 * the award were still valid. Statuses are judged again at `now`, and
 * eligibilities from the student's state (`state`, folded from the same
 * log).
 *
 * @example
 * const view = documentAt(JSON.parse(stored), ruleSet, state, new Date());
 */
export function documentAt(doc: ProgressionDocument, ruleSet: RuleSet, state: StudentState, now: Date): ProgressionDocument {
  return {
    ...doc,
    // Time only moves an award from active or flagged to expired; an expired one no longer waits for review.
    badges: doc.badges.map((b) => {
      const status = badgeStatus(b.status === 'revoked', b.expiresAt === undefined ? undefined : Date.parse(b.expiresAt), b.flag !== undefined, now);
      if (status === b.status) return b;
      const { flag: _waited, ...rest } = b;
      return { ...rest, status };
    }),
    eligible: eligibleAt(ruleSet, state, now),
  };
}

/** One thing waiting for a coordinator's decision. */
export type ReviewItem =
  | {
      kind: 'application';
      studentId: string;
      badgeId: string;
      applicationId: string;
      since: string;
      /** False once a participation or badge the eligibility rested on was voided or revoked: approving it would be refused. */
      eligible: boolean;
    }
  | { kind: 'flagged-award'; studentId: string; badgeId: string; awardId: string; since: string; cause: string };

/**
 * What in a student's progression waits for a coordinator: applications to
 * approve or reject, and awards flagged when they lost their support, to
 * keep or revoke. Oldest first.
 *
 * @example
 * reviewItems(doc) // [{ kind: 'application', studentId: '20250001', badgeId: 'meta-leadership', applicationId: '…', since: '…' }]
 */
export function reviewItems(doc: ProgressionDocument): ReviewItem[] {
  const { studentId } = doc;
  const items: ReviewItem[] = [
    ...doc.applications
      .filter((a) => a.status === 'pending')
      .map((a): ReviewItem => ({
        kind: 'application',
        studentId,
        badgeId: a.badgeId,
        applicationId: a.applicationId,
        since: a.submittedAt,
        eligible: doc.eligible.some((e) => e.badgeId === a.badgeId),
      })),
    ...doc.badges.flatMap((b): ReviewItem[] =>
      b.status === 'flagged' && b.flag
        ? [{ kind: 'flagged-award', studentId, badgeId: b.badgeId, awardId: b.awardId, since: b.flag.since, cause: b.flag.cause }]
        : [],
    ),
  ];
  return items.sort((a, b) => a.since.localeCompare(b.since));
}
