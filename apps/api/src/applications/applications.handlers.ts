import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@laurel/event-store';
import { LookupIndex, RuleSetRegistry } from '@laurel/platform';
import { decideApplicationReview, decideSubmitApplication, DomainError, foldStudent } from '@laurel/progression';
import { eligibilityStands, explain, noLongerAwarded } from '@laurel/rules';
import { decideAndAppend, eventId } from '../students/student-stream';
import { unknownBadge } from '../programs/unknown-ids';
import { eligibilityToApply } from './eligibility-to-apply';

export interface ApplicationResult {
  applicationId: string;
  studentId: string;
  badgeId: string;
  status: 'pending' | 'approved' | 'rejected';
  streamRevision: number;
  position: number;
  /** On a decision: true when the same decision had been made already (a retried request); nothing new was recorded. */
  repeated?: boolean;
}

export class SubmitApplicationCommand extends Command<ApplicationResult> {
  constructor(
    readonly studentId: string,
    readonly badgeId: string,
    readonly statement: string | undefined,
    readonly metadata: EventMetadata,
    readonly now: Date,
  ) {
    super();
  }
}

/** A student applies for an application-gated badge; refused with the explanation of what is missing unless eligible. */
@CommandHandler(SubmitApplicationCommand)
export class SubmitApplicationHandler implements ICommandHandler<SubmitApplicationCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: RuleSetRegistry,
    private readonly index: LookupIndex,
  ) {}

  async execute({ studentId, badgeId, statement, metadata, now }: SubmitApplicationCommand): Promise<ApplicationResult> {
    const program = this.registry.programOfBadge(badgeId);
    const badge = program?.ruleSet.badges.find((b) => b.id === badgeId);
    if (!program || !badge) throw unknownBadge(this.registry, badgeId);
    if (badge.award !== 'application') {
      throw new DomainError('NOT_ELIGIBLE', `badge "${badgeId}" is awarded automatically when its criteria are met; there is nothing to apply for`);
    }
    const applicationId = randomUUID();
    const { programId } = program.ruleSet;
    const { streamRevision, position } = await decideAndAppend(
      this.store,
      studentId,
      metadata,
      (state, events) => {
        const explained = explain(program.ruleSet, foldStudent(studentId, program.ruleSet, events), now).badges.find((b) => b.badgeId === badgeId);
        return decideSubmitApplication(
          {
            type: 'SubmitApplication',
            data: { applicationId, studentId, programId, badgeId, submittedAt: now.toISOString(), ...(statement && { statement }) },
            eligibility: eligibilityToApply(explained, studentId, badgeId),
          },
          state,
        );
      },
      () => eventId('ApplicationSubmitted', applicationId),
    );
    await this.index.remember('applications', applicationId, studentId);
    return { applicationId, studentId, badgeId, status: 'pending', streamRevision, position };
  }
}

export class ReviewApplicationCommand extends Command<ApplicationResult> {
  constructor(
    readonly applicationId: string,
    readonly decision: 'approve' | 'reject',
    readonly comment: string | undefined,
    readonly metadata: EventMetadata,
    readonly now: Date,
  ) {
    super();
  }
}

/**
 * A coordinator approves (the rule projection then awards the badge) or
 * rejects an application. The same decision sent again answers as the
 * first did (`repeated: true`); the other decision is refused. An approval is refused while the student's
 * eligibility no longer stands: a participation or badge it rested on was
 * voided or revoked since the student applied; and from the badge's
 * `valid-until` date on, when it can no longer be awarded.
 */
@CommandHandler(ReviewApplicationCommand)
export class ReviewApplicationHandler implements ICommandHandler<ReviewApplicationCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly index: LookupIndex,
    private readonly registry: RuleSetRegistry,
  ) {}

  async execute({ applicationId, decision, comment, metadata, now }: ReviewApplicationCommand): Promise<ApplicationResult> {
    const studentId = await this.index.studentOf('applications', applicationId);
    if (!studentId) throw new DomainError('APPLICATION_NOT_FOUND', `application ${applicationId} does not exist; check the id`);
    const { event, streamRevision, position, repeated } = await decideAndAppend(
      this.store,
      studentId,
      { ...metadata, ...(comment && { reason: comment }) },
      (state, events) => {
        const application = state.applications.get(applicationId);
        const program = application && this.registry.get(application.programId);
        if (decision === 'approve' && application?.status === 'pending' && program) {
          // From the badge's `valid-until` date on, an award would be expired as it is made: the evaluator makes none.
          const closed = noLongerAwarded(program.ruleSet, application.badgeId, now);
          if (closed) {
            throw new DomainError(
              'BADGE_NO_LONGER_AWARDED',
              `application ${applicationId} for ${application.badgeId} cannot be approved: ${closed}. Reject it with a comment saying so; to award the badge after all, publish rules with a later \`valid-until\` for it first`,
            );
          }
          const ruleState = foldStudent(studentId, program.ruleSet, events);
          if (!eligibilityStands(program.ruleSet, ruleState, application.badgeId, now)) {
            const explained = explain(program.ruleSet, ruleState, now).badges.find((b) => b.badgeId === application.badgeId);
            // What the student lacks; "wait for a coordinator to decide" is addressed to the student, not to the one deciding.
            const missing = explained?.missing
              .filter((m) => m.kind !== 'await-decision')
              .map((m) => m.text)
              .join('; ');
            throw new DomainError(
              'NOT_ELIGIBLE',
              `student ${studentId} no longer meets the criteria for ${application.badgeId}: a participation or badge the eligibility rested on was voided or revoked since the application${missing ? ` (missing now: ${missing})` : ''}. Reject the application with a comment saying why, or approve it once the criteria are met again`,
              { explanation: explained },
            );
          }
        }
        return decideApplicationReview(
          {
            type: decision === 'approve' ? 'ApproveApplication' : 'RejectApplication',
            data: { applicationId, studentId, decidedAt: now.toISOString(), ...(comment !== undefined && { comment }) },
          },
          state,
        );
      },
      (e) => eventId(e.type, applicationId),
    );
    return {
      applicationId,
      studentId,
      badgeId: event.data.badgeId,
      status: event.type === 'ApplicationApproved' ? 'approved' : 'rejected',
      streamRevision,
      position,
      repeated,
    };
  }
}
