import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@laurel/event-store';
import { LookupIndex } from '@laurel/platform';
import { decideVoidParticipation, DomainError } from '@laurel/progression';
import { decideAndAppend, eventId } from '../students/student-stream';

export interface VoidParticipationResult {
  participationId: string;
  studentId: string;
  streamRevision: number;
  position: number;
  /** True when it had been voided already with the same reason (a retried request); nothing new was recorded. */
  repeated: boolean;
}

export class VoidParticipationCommand extends Command<VoidParticipationResult> {
  constructor(
    readonly participationId: string,
    readonly reason: string,
    readonly metadata: EventMetadata,
    readonly now: Date,
  ) {
    super();
  }
}

/** Voids a participation (a correction). The rule projection re-evaluates the student and applies the rule file's policy. */
@CommandHandler(VoidParticipationCommand)
export class VoidParticipationHandler implements ICommandHandler<VoidParticipationCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly index: LookupIndex,
  ) {}

  async execute({ participationId, reason, metadata, now }: VoidParticipationCommand): Promise<VoidParticipationResult> {
    const studentId = await this.index.studentOf('participations', participationId);
    if (!studentId) throw new DomainError('PARTICIPATION_NOT_FOUND', `participation ${participationId} is not recorded; check the id`);
    const { streamRevision, position, repeated } = await decideAndAppend(
      this.store,
      studentId,
      { ...metadata, reason },
      (state) =>
        decideVoidParticipation(
          {
            type: 'VoidParticipation',
            data: {
              participationId,
              studentId,
              reason,
              voidedAt: now.toISOString(),
            },
          },
          state,
        ),
      () => eventId('ParticipationVoided', participationId),
    );
    return { participationId, studentId, streamRevision, position, repeated };
  }
}
