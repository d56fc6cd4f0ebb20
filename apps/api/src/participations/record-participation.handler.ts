import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DuplicateEventId, EVENT_STORE, type EventMetadata, type EventStore } from '@laurel/event-store';
import { LookupIndex } from '@laurel/platform';
import { decideRecordParticipation, DomainError, studentStream, type ParticipationRecorded } from '@laurel/progression';
import { claimParticipation, releaseUnrecordedClaim } from './participation-claims';
import { eventId, forgetStudent, loadStudentIncrementally, rememberAppended, serialised, withOptimisticRetry } from '../students/student-stream';

export interface RecordParticipationResult {
  participationId: string;
  streamRevision: number;
  position: number;
  /** False when the same participation was already recorded: the request was a safe retry. */
  created: boolean;
}

export class RecordParticipationCommand extends Command<RecordParticipationResult> {
  constructor(
    readonly data: ParticipationRecorded['data'],
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(RecordParticipationCommand)
export class RecordParticipationHandler implements ICommandHandler<RecordParticipationCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly index: LookupIndex,
  ) {}

  async execute({ data, metadata }: RecordParticipationCommand): Promise<RecordParticipationResult> {
    const owner = await this.index.studentOf('participations', data.participationId);
    if (owner !== null && owner !== data.studentId) {
      throw claimedByAnother(data.participationId);
    }
    // The index is written after the append, so two requests at once both find no owner; where the store does not
    // refuse the second student's append by itself, the participation is claimed first.
    const claim =
      owner === null && this.store.eventIdScope === 'stream'
        ? await claimParticipation(this.store, data.participationId, data.studentId, metadata)
        : undefined;
    if (claim && claim.holder !== data.studentId) throw claimedByAnother(data.participationId);
    const result = await serialised(data.studentId, () =>
      withOptimisticRetry(async () => {
        const state = await loadStudentIncrementally(this.store, data.studentId);
        const decision = decideRecordParticipation({ type: 'RecordParticipation', data }, state);
        if (decision.kind === 'already-recorded') {
          const { revision, position } = decision.stored;
          return {
            participationId: data.participationId,
            streamRevision: Number(revision),
            position: Number(position),
            created: false,
          };
        }
        const id = eventId(decision.event.type, data.participationId);
        const result = await this.store
          .append(studentStream(data.studentId), [{ id, ...decision.event, metadata }], { expectedRevision: state.revision ?? 'no_stream' })
          .catch((err: unknown) => {
            // The same participationId sent for two students at once: the other request's append got there first.
            if (err instanceof DuplicateEventId) throw claimedByAnother(data.participationId);
            throw err;
          });
        // What this process wrote is folded in, so the next command on the student reads only what others wrote since.
        if (result.written === true)
          rememberAppended(state, decision.event, { revision: result.nextRevision, position: result.position, eventId: id });
        // The store cannot tell (EventStoreDB on a retry) or someone wrote it first: read the whole stream next time.
        else forgetStudent(this.store, data.studentId);
        return {
          participationId: data.participationId,
          streamRevision: Number(result.nextRevision),
          position: Number(result.position),
          created: true,
        };
      }).catch(async (err: unknown) => {
        // Inside `serialised`: no other request of this process for the student records it meanwhile.
        if (claim) await releaseUnrecordedClaim(this.store, data.participationId, data.studentId, claim, metadata);
        throw err;
      }),
    );
    if (owner === null) await this.index.remember('participations', data.participationId, data.studentId);
    return result;
  }
}

/** A participation id recorded for another student: one participation belongs to one student. */
export const claimedByAnother = (participationId: string): DomainError =>
  new DomainError('PARTICIPATION_CONFLICT', `participation ${participationId} is already recorded for another student; use a new participationId`);
