import type { AwardRevoked } from '../events';
import { DomainError } from '../domain-error';
import { awardKey, awardNotFound, type AlreadyDone, type StudentState } from './student-state';

export type RevokeAward = {
  type: 'RevokeAward';
  data: { studentId: string; programId: string; badgeId: string; reason: string; revokedAt: string };
  /** The award the caller means (revoking a credential names its award): refused if the student's current award of the badge is another one. */
  awardId?: string;
};

/**
 * A coordinator revokes a badge the student holds. The same revocation sent
 * again (same reason: a retried request) answers with the one recorded.
 */
export function decideRevokeAward(command: RevokeAward, state: StudentState): AwardRevoked | AlreadyDone<AwardRevoked> {
  const { studentId, programId, badgeId } = command.data;
  const award = state.awards.get(awardKey(programId, badgeId));
  if (!award) throw awardNotFound(state, studentId, badgeId);
  if (command.awardId !== undefined && command.awardId !== award.awardId) {
    throw new DomainError(
      'AWARD_SUPERSEDED',
      `award ${command.awardId} is no longer student ${studentId}'s ${badgeId} award: the badge was earned again since (award ${award.awardId}) after that one expired or was revoked, so there is nothing left to revoke. To revoke the current award, use POST /students/${studentId}/awards/${badgeId}/revoke`,
      { currentAwardId: award.awardId },
    );
  }
  if (award.revoked) {
    const made = award.revokedBy;
    if (made && made.event.data.reason === command.data.reason) return { already: made.event, stored: made.stored };
    const since = made ? ` since ${made.event.data.revokedAt} (reason: ${made.event.data.reason})` : '';
    throw new DomainError('AWARD_ALREADY_REVOKED', `the ${badgeId} award of student ${studentId} is already revoked${since}`);
  }
  return { type: 'AwardRevoked', data: { ...command.data, awardId: award.awardId } };
}
