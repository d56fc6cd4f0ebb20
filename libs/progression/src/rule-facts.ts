import { fold, initialState, type Fact, type RuleSet, type StudentState } from '@laurel/rules';
import type { StudentEvent } from './events';

/** A stored student event as the bridge needs it. */
export interface StoredStudentEvent {
  id: string;
  type: string;
  data: unknown;
}

/**
 * Maps a stored student event to the fact the rule evaluator folds, for the
 * program `programId` (participations count for every program; awards,
 * applications and levels only for their own). `undefined`: nothing to fold.
 *
 * @example
 * const fact = toRuleFact(recordedEvent, 'vilnius-tech');
 * if (fact) fold(ruleSet, state, fact);
 */
export function toRuleFact(stored: StoredStudentEvent, programId: string): Fact | undefined {
  const event = { type: stored.type, data: stored.data } as StudentEvent;
  const own = (p: string) => p === programId;
  switch (event.type) {
    case 'ParticipationRecorded': {
      const d = event.data;
      return {
        type: 'participation-recorded',
        eventId: stored.id,
        participationId: d.participationId,
        activityId: d.activityId,
        occurredAt: d.occurredAt,
        role: d.role,
        ...(d.hours !== undefined && { hours: d.hours }),
      };
    }
    case 'ParticipationVoided':
      return { type: 'participation-voided', participationId: event.data.participationId, eventId: stored.id };
    case 'ApplicationSubmitted':
      return own(event.data.programId)
        ? { type: 'application-submitted', badgeId: event.data.badgeId, eventId: stored.id, at: event.data.submittedAt }
        : undefined;
    case 'ApplicationApproved':
      return own(event.data.programId)
        ? { type: 'application-approved', badgeId: event.data.badgeId, eventId: stored.id, at: event.data.decidedAt }
        : undefined;
    case 'ApplicationRejected':
      return own(event.data.programId)
        ? { type: 'application-rejected', badgeId: event.data.badgeId, eventId: stored.id, at: event.data.decidedAt }
        : undefined;
    case 'BadgeEarned': {
      const d = event.data;
      if (!own(d.programId)) return undefined;
      return {
        type: 'badge-awarded',
        badgeId: d.badgeId,
        at: d.earnedAt,
        eventId: stored.id,
        basis: d.basis,
        ...(d.expiresAt && { expiresAt: d.expiresAt }),
      };
    }
    case 'AwardRevoked':
      return own(event.data.programId)
        ? { type: 'badge-revoked', badgeId: event.data.badgeId, cause: event.data.cause ?? 'coordinator', eventId: stored.id }
        : undefined;
    case 'EligibilityReached':
      return own(event.data.programId) ? { type: 'eligibility-reached', badgeId: event.data.badgeId, at: event.data.reachedAt } : undefined;
    case 'LevelReached':
      return own(event.data.programId) ? { type: 'level-reached', levelId: event.data.levelId, at: event.data.reachedAt } : undefined;
    case 'AwardSupportLost':
      return own(event.data.programId) ? { type: 'award-support-lost', badgeId: event.data.badgeId } : undefined;
    case 'AwardSupportRestored':
      return own(event.data.programId) ? { type: 'award-support-restored', badgeId: event.data.badgeId, basis: event.data.basis } : undefined;
    case 'AwardKept':
    case 'CredentialIssued':
      return undefined;
    default: {
      // Event types this version does not know (written by a newer engine) carry no facts for it.
      const _unknown: never = event;
      return undefined;
    }
  }
}

/** Events a person caused; everything else in a student stream is derived by the engine and recomputed on replay. */
const PRIMARY = new Set(['ParticipationRecorded', 'ParticipationVoided', 'ApplicationSubmitted', 'ApplicationApproved', 'ApplicationRejected']);

/**
 * The facts a what-if replay needs from a student's stream: what people did
 * (participations, voids, applications and decisions, coordinators'
 * revocations), each at the time it was recorded.
 *
 * @example
 * const history = { studentId, facts: primaryFacts(events, 'vilnius-tech') };
 */
export function primaryFacts(events: Iterable<StoredStudentEvent & { recordedAt: Date }>, programId: string): { fact: Fact; at: string }[] {
  const out: { fact: Fact; at: string }[] = [];
  for (const e of events) {
    const coordinatorRevocation = e.type === 'AwardRevoked' && (e.data as { cause?: string }).cause !== 'support-lost';
    if (!PRIMARY.has(e.type) && !coordinatorRevocation) continue;
    const fact = toRuleFact(e, programId);
    if (fact) out.push({ fact, at: e.recordedAt.toISOString() });
  }
  return out;
}

/**
 * Folds a student's stored events (as they are, derived ones included) into
 * the rule state for one program: what the student has actually been
 * awarded, and everything the evaluator needs to explain what is missing.
 */
export function foldStudent(studentId: string, ruleSet: RuleSet, events: Iterable<StoredStudentEvent>): StudentState {
  const state = initialState(studentId);
  for (const e of events) {
    const fact = toRuleFact(e, ruleSet.programId);
    if (fact) fold(ruleSet, state, fact);
  }
  return state;
}
