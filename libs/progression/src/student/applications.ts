import type { ApplicationApproved, ApplicationRejected, ApplicationSubmitted } from '../events';
import { DomainError } from '../domain-error';
import { awardKey, type AlreadyDone, type StudentState } from './student-state';

export type SubmitApplication = {
  type: 'SubmitApplication';
  data: ApplicationSubmitted['data'];
  /** Whether the active rule set says the student may apply now, and if not, why. */
  eligibility: { eligible: true } | { eligible: false; explanation: unknown; message: string };
};

/**
 * A student applies for an application-gated badge they are eligible for.
 * An award that has expired by `submittedAt` is not held: applying again
 * renews it (the eligibility then counts only what came after that award).
 */
export function decideSubmitApplication(command: SubmitApplication, state: StudentState): ApplicationSubmitted {
  const { programId, badgeId, studentId, submittedAt } = command.data;
  const held = state.awards.get(awardKey(programId, badgeId));
  const expired = held?.expiresAt !== undefined && Date.parse(held.expiresAt) <= Date.parse(submittedAt);
  if (held && !held.revoked && !expired) {
    const until = held.expiresAt === undefined ? '' : `, valid until ${held.expiresAt.slice(0, 10)}; apply again once it has expired to renew it`;
    throw new DomainError('BADGE_ALREADY_HELD', `student ${studentId} already holds ${badgeId} (award ${held.awardId})${until}`);
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

/** A decision already made, sent again: the event that recorded it and where it is stored. */
export type AlreadyDecided = AlreadyDone<ApplicationApproved | ApplicationRejected>;

/**
 * A coordinator approves or rejects a pending application. A decided one
 * cannot be decided otherwise; the same decision sent again (a retried
 * request: same outcome, same comment) answers with the one recorded.
 */
export function decideApplicationReview(command: DecideApplication, state: StudentState): ApplicationApproved | ApplicationRejected | AlreadyDecided {
  const application = state.applications.get(command.data.applicationId);
  if (!application) {
    throw new DomainError('APPLICATION_NOT_FOUND', `application ${command.data.applicationId} does not exist`);
  }
  if (application.status !== 'pending') {
    const made = application.decision;
    const same =
      made !== undefined &&
      made.event.type === (command.type === 'ApproveApplication' ? 'ApplicationApproved' : 'ApplicationRejected') &&
      (made.event.data.comment ?? '') === (command.data.comment ?? '');
    if (same) return { already: made.event, stored: made.stored };
    const when = made ? ` on ${made.event.data.decidedAt}` : '';
    throw new DomainError(
      'APPLICATION_ALREADY_DECIDED',
      `application ${command.data.applicationId} was already ${application.status}${when}; a decision is final (the student may apply again if it was rejected)`,
    );
  }
  const data = { ...command.data, programId: application.programId, badgeId: application.badgeId };
  if (command.type === 'ApproveApplication') return { type: 'ApplicationApproved', data };
  return { type: 'ApplicationRejected', data: { ...data, comment: command.data.comment ?? '' } };
}
