import type { AwardRevoked } from '../events';
import { DomainError } from '../domain-error';
import { awardKey, type StudentState } from './student-state';

export type RevokeAward = {
  type: 'RevokeAward';
  data: { studentId: string; programId: string; badgeId: string; reason: string; revokedAt: string };
};

/** A coordinator revokes a badge the student holds. */
export function decideRevokeAward(command: RevokeAward, state: StudentState): AwardRevoked {
  const { studentId, programId, badgeId } = command.data;
  const award = state.awards.get(awardKey(programId, badgeId));
  if (!award) throw new DomainError('AWARD_NOT_FOUND', `student ${studentId} does not hold ${badgeId}`);
  if (award.revoked) throw new DomainError('AWARD_ALREADY_REVOKED', `the ${badgeId} award of student ${studentId} is already revoked`);
  return { type: 'AwardRevoked', data: { ...command.data, awardId: award.awardId } };
}
