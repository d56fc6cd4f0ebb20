import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@laurel/event-store';
import { RuleSetRegistry } from '@laurel/platform';
import { decideRevokeAward } from '@laurel/progression';
import { decideAndAppend, eventId } from '../students/student-stream';
import { unknownBadge } from '../programs/unknown-ids';

export interface RevokeAwardResult {
  awardId: string;
  studentId: string;
  badgeId: string;
  streamRevision: number;
  position: number;
  /** True when this award had been revoked already with the same reason (a retried request); nothing new was recorded. */
  repeated: boolean;
}

export class RevokeAwardCommand extends Command<RevokeAwardResult> {
  constructor(
    readonly studentId: string,
    readonly badgeId: string,
    readonly reason: string,
    readonly metadata: EventMetadata,
    readonly now: Date,
    /** Revoke only if this is still the badge's current award (revocation by credential id). */
    readonly awardId?: string,
  ) {
    super();
  }
}

/** Revokes an award; the credential's status bit flips when the projection sees AwardRevoked. */
@CommandHandler(RevokeAwardCommand)
export class RevokeAwardHandler implements ICommandHandler<RevokeAwardCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: RuleSetRegistry,
  ) {}

  async execute({ studentId, badgeId, reason, metadata, now, awardId }: RevokeAwardCommand): Promise<RevokeAwardResult> {
    const program = this.registry.programOfBadge(badgeId);
    if (!program) throw unknownBadge(this.registry, badgeId);
    const programId = program.ruleSet.programId;
    const { event, streamRevision, position, repeated } = await decideAndAppend(
      this.store,
      studentId,
      { ...metadata, reason },
      (state) =>
        decideRevokeAward(
          {
            type: 'RevokeAward',
            data: {
              studentId,
              programId,
              badgeId,
              reason,
              revokedAt: now.toISOString(),
            },
            ...(awardId === undefined ? {} : { awardId }),
          },
          state,
        ),
      (e) => eventId('AwardRevoked', e.data.awardId),
    );
    return {
      awardId: event.data.awardId,
      studentId,
      badgeId,
      streamRevision,
      position,
      repeated,
    };
  }
}
