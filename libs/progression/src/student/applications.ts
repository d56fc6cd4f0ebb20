import type { ApplicationApproved, ApplicationRejected, ApplicationSubmitted } from '../events';
import { DomainError } from '../domain-error';
import { awardKey, type StudentState } from './student-state';

export type SubmitApplication = {
  type: 'SubmitApplication';
  data: ApplicationSubmitted['data'];
  /** Whether the active rule set says the student may apply now, and if not, why. */
  eligibility: { eligible: true } | { eligible: false; explanation: unknown; message: string };
};

/** A student applies for an application-gated badge they are eligible for. */
export function decideSubmitApplication(command: SubmitApplication, state: StudentState): ApplicationSubmitted {
  const { programId, badgeId, studentId } = command.data;
  const held = state.awards.get(awardKey(programId, badgeId));
  if (held && !held.revoked) {
    throw new DomainError('BADGE_ALREADY_HELD', `student ${studentId} already holds ${badgeId} (award ${held.awardId})`);
  }
  const pending = [...state.applications.values()].find((a) => a.programId === programId && a.badgeId === badgeId && a.status === 'pending');
  if (pending) {
    throw new DomainError('APPLICATION_PENDING', `an application for ${badgeId} is already waiting for review (${pending.applicationId})`, {
      applicationId: pending.applicationId,
    });
  }
  if (!command.eligibility.eligible) {
    throw new DomainError('NOT_ELIGIBLE', command.eligibility.message, { explanation: command.eligibility.explanation });
  }
  return { type: 'ApplicationSubmitted', data: command.data };
}

export type DecideApplication = {
  type: 'ApproveApplication' | 'RejectApplication';
  data: { applicationId: string; studentId: string; decidedAt: string; comment?: string };
};

/** A coordinator approves or rejects a pending application; a decided one cannot be decided again. */
export function decideApplicationReview(command: DecideApplication, state: StudentState): ApplicationApproved | ApplicationRejected {
  const application = state.applications.get(command.data.applicationId);
  if (!application) {
    throw new DomainError('APPLICATION_NOT_FOUND', `application ${command.data.applicationId} does not exist`);
  }
  if (application.status !== 'pending') {
    throw new DomainError('APPLICATION_ALREADY_DECIDED', `application ${command.data.applicationId} was already ${application.status}`);
  }
  const data = { ...command.data, programId: application.programId, badgeId: application.badgeId };
  if (command.type === 'ApproveApplication') return { type: 'ApplicationApproved', data };
  return { type: 'ApplicationRejected', data: { ...data, comment: command.data.comment ?? '' } };
}
