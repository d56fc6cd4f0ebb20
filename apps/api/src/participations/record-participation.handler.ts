import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, WrongExpectedVersion, type EventMetadata, type EventStore } from '@laurel/event-store';
import { LookupIndex } from '@laurel/platform';
import { decideRecordParticipation, DomainError, studentStream, type ParticipationRecorded, type StudentState } from '@laurel/progression';
import {
  eventId,
  forgetStudent,
  knownStudent,
  loadStudentIncrementally,
  rememberAppended,
  serialised,
  withOptimisticRetry,
} from '../students/student-stream';

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
      throw new DomainError(
        'PARTICIPATION_CONFLICT',
        `participation ${data.participationId} is already recorded for another student; use a new participationId`,
      );
    }
    const result = await serialised(data.studentId, () => withOptimisticRetry(() => this.record(data, metadata)));
    if (owner === null) await this.index.remember('participations', data.participationId, data.studentId);
    return result;
  }

  /**
   * Decides on the state this process already holds when that decision is to
   * append: the append's expected revision proves the state current, so the
   * common case reads nothing. Anything else (no state yet, a retry, a
   * conflict, a stream another process moved on) is decided on a fresh read.
   */
  private async record(data: ParticipationRecorded['data'], metadata: EventMetadata): Promise<RecordParticipationResult> {
    const known = knownStudent(this.store, data.studentId);
    // A participation the state already holds may have been voided since: that is decided on a fresh read.
    if (known !== undefined && !known.participations.has(data.participationId)) {
      const decision = decideRecordParticipation({ type: 'RecordParticipation', data }, known);
      if (decision.kind === 'append') {
        try {
          const appended = await this.append(data, metadata, known, decision.event);
          // Written by someone before us (false): decide again on what is stored.
          if (appended.written !== false) return appended.result;
        } catch (err) {
          if (!(err instanceof WrongExpectedVersion)) throw err;
        }
      }
    }
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
    return (await this.append(data, metadata, state, decision.event)).result;
  }

  /** Appends `event` at `state`'s revision and, once the store says it wrote it, folds it into `state`. */
  private async append(
    data: ParticipationRecorded['data'],
    metadata: EventMetadata,
    state: StudentState,
    event: ParticipationRecorded,
  ): Promise<{ result: RecordParticipationResult; written: boolean | undefined }> {
    const id = eventId(event.type, data.participationId);
    const appended = await this.store.append(studentStream(data.studentId), [{ id, ...event, metadata }], {
      expectedRevision: state.revision ?? 'no_stream',
    });
    if (appended.written === true) rememberAppended(state, event, { revision: appended.nextRevision, position: appended.position, eventId: id });
    // The store cannot tell whether this call wrote it (EventStoreDB on a retry): read the stream next time.
    else forgetStudent(this.store, data.studentId);
    return {
      result: {
        participationId: data.participationId,
        streamRevision: Number(appended.nextRevision),
        position: Number(appended.position),
        created: true,
      },
      written: appended.written,
    };
  }
}
