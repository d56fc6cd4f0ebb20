import type { AwardKept } from '../events';
import { DomainError } from '../domain-error';
import { awardKey, awardNotFound, type AlreadyDone, type StudentState } from './student-state';

export type KeepAward = {
  type: 'KeepAward';
  data: { studentId: string; programId: string; badgeId: string; reason: string; keptAt: string };
};

/** A keep sent again: the event that recorded it and where it is stored. */
export type AlreadyKept = AlreadyDone<AwardKept>;

/**
 * A coordinator reviews an award flagged when it lost its support (the rule
 * file's `flag` policy) and keeps it; revoking it is the other answer. The
 * same keep sent again (same reason) answers with the one recorded.
 */
export function decideKeepAward(command: KeepAward, state: StudentState): AwardKept | AlreadyKept {
  const { studentId, programId, badgeId, reason } = command.data;
  const award = state.awards.get(awardKey(programId, badgeId));
  if (!award) throw awardNotFound(state, studentId, badgeId);
  if (award.revoked)
    throw new DomainError('AWARD_ALREADY_REVOKED', `the ${badgeId} award of student ${studentId} is revoked; there is nothing to keep`);
  if (!award.flagged) {
    if (award.kept && award.kept.event.data.reason === reason) return { already: award.kept.event, stored: award.kept.stored };
    throw new DomainError(
      'AWARD_NOT_FLAGGED',
      `the ${badgeId} award of student ${studentId} is not flagged for review${award.restoredAt ? ` (its support came back on ${award.restoredAt}: it meets the criteria again)` : award.kept ? ` (it was kept on ${award.kept.event.data.keptAt})` : ''}; only an award that lost its support under a "flag" policy waits for a decision. GET /programs/${programId}/review lists them`,
    );
  }
  return { type: 'AwardKept', data: { ...command.data, awardId: award.awardId } };
}
