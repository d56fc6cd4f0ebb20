import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@laurel/event-store';
import { RuleSetRegistry } from '@laurel/platform';
import { decideKeepAward } from '@laurel/progression';
import { decideAndAppend, eventId } from '../students/student-stream';
import { unknownBadge } from '../programs/unknown-ids';

export interface KeepAwardResult {
  awardId: string;
  studentId: string;
  badgeId: string;
  status: 'active';
  streamRevision: number;
  position: number;
  /** True when this award had been kept already with the same reason (a retried request); nothing new was recorded. */
  repeated: boolean;
}

export class KeepAwardCommand extends Command<KeepAwardResult> {
  constructor(
    readonly studentId: string,
    readonly badgeId: string,
    readonly reason: string,
    readonly metadata: EventMetadata,
    readonly now: Date,
  ) {
    super();
  }
}

/** A coordinator keeps an award flagged for review; it shows as active again and leaves the review list. */
@CommandHandler(KeepAwardCommand)
export class KeepAwardHandler implements ICommandHandler<KeepAwardCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: RuleSetRegistry,
  ) {}

  async execute({ studentId, badgeId, reason, metadata, now }: KeepAwardCommand): Promise<KeepAwardResult> {
    const program = this.registry.programOfBadge(badgeId);
    if (!program) throw unknownBadge(this.registry, badgeId);
    const programId = program.ruleSet.programId;
    // An award may be flagged, kept, and flagged again: each keep is told apart by the revision it was decided at.
    let decidedAt = '';
    const { event, streamRevision, position, repeated } = await decideAndAppend(
      this.store,
      studentId,
      { ...metadata, reason },
      (state) => {
        decidedAt = String(state.revision);
        return decideKeepAward({ type: 'KeepAward', data: { studentId, programId, badgeId, reason, keptAt: now.toISOString() } }, state);
      },
      (e) => eventId('AwardKept', e.data.awardId, decidedAt),
    );
    return { awardId: event.data.awardId, studentId, badgeId, status: 'active', streamRevision, position, repeated };
  }
}
