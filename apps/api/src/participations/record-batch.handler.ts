import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DuplicateEventId, EVENT_STORE, type EventMetadata, type EventStore, type NewEvent } from '@laurel/event-store';
import { LookupIndex } from '@laurel/platform';
import { decideRecordParticipation, DomainError, evolveStudent, studentStream, type ParticipationRecorded } from '@laurel/progression';
import { eventId, loadStudent, serialised, withOptimisticRetry } from '../students/student-stream';
import { claimParticipation, releaseUnrecordedClaim, type Claim } from './participation-claims';
import { claimedByAnother } from './record-participation.handler';

export type BatchRowResult =
  | {
      row: number;
      participationId: string;
      status: 'created' | 'unchanged';
      /** Where the row's event is stored; absent on a row a dry run would create. */
      streamRevision?: number;
      position?: number;
    }
  | {
      row: number;
      participationId?: string;
      status: 'rejected';
      code: string;
      message: string;
    };

export class RecordBatchCommand extends Command<BatchRowResult[]> {
  constructor(
    /** Rows already validated; `row` is the 0-based index in the request. */
    readonly rows: { row: number; data: ParticipationRecorded['data'] }[],
    readonly metadata: EventMetadata,
    readonly dryRun: boolean,
  ) {
    super();
  }
}

/**
 * Records many participations. Rows are grouped by student and each
 * student's rows are appended in one atomic append, so a row is either fully
 * recorded or rejected with its reason; re-sending the batch creates nothing new.
 */
@CommandHandler(RecordBatchCommand)
export class RecordBatchHandler implements ICommandHandler<RecordBatchCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly index: LookupIndex,
  ) {}

  async execute({ rows, metadata, dryRun }: RecordBatchCommand): Promise<BatchRowResult[]> {
    const byStudent = new Map<string, { row: number; data: ParticipationRecorded['data'] }[]>();
    // One participation belongs to one student: a later row giving its id to another student is refused
    // (both appends would carry the same event id, and the store refuses the second).
    const firstUse = new Map<string, { row: number; studentId: string }>();
    const refused: BatchRowResult[] = [];
    for (const r of rows) {
      const { participationId, studentId } = r.data;
      const first = firstUse.get(participationId);
      if (first === undefined) firstUse.set(participationId, { row: r.row, studentId });
      else if (first.studentId !== studentId) {
        refused.push({
          row: r.row,
          participationId,
          status: 'rejected',
          code: 'PARTICIPATION_CONFLICT',
          message: `participation ${participationId} is given to student ${first.studentId} in row ${first.row} of this batch; one participation belongs to one student: use a new participationId`,
        });
        continue;
      }
      byStudent.set(studentId, [...(byStudent.get(studentId) ?? []), r]);
    }
    const results = await Promise.all(
      [...byStudent.entries()].map(([studentId, studentRows]) => this.recordForStudent(studentId, studentRows, metadata, dryRun)),
    );
    return [...refused, ...results.flat()].sort((a, b) => a.row - b.row);
  }

  private async recordForStudent(
    studentId: string,
    rows: { row: number; data: ParticipationRecorded['data'] }[],
    metadata: EventMetadata,
    dryRun: boolean,
  ): Promise<BatchRowResult[]> {
    const owners = await Promise.all(rows.map((r) => this.index.studentOf('participations', r.data.participationId)));
    // As for one participation (RecordParticipationHandler): claimed first where the store would store it for two students.
    const claims = new Map<string, Claim>();
    if (!dryRun && this.store.eventIdScope === 'stream') {
      await Promise.all(
        rows.map(async (r, i) => {
          if (owners[i] !== null) return;
          const claim = await claimParticipation(this.store, r.data.participationId, studentId, metadata);
          claims.set(r.data.participationId, claim);
          owners[i] = claim.holder;
        }),
      );
    }
    const decide = () =>
      withOptimisticRetry(async () => {
        const state = await loadStudent(this.store, studentId);
        const expectedRevision = state.revision ?? 'no_stream';
        const out: BatchRowResult[] = [];
        const repeats: { row: number; participationId: string }[] = [];
        const toAppend: {
          row: number;
          event: NewEvent;
          participationId: string;
        }[] = [];
        rows.forEach((r, i) => {
          const owner = owners[i];
          try {
            if (owner && owner !== studentId) {
              throw claimedByAnother(r.data.participationId);
            }
            const decision = decideRecordParticipation({ type: 'RecordParticipation', data: r.data }, state);
            if (decision.kind === 'already-recorded' && decision.stored.revision < 0n) {
              // The same row earlier in this batch: it is stored (or would be) where that row is.
              repeats.push({ row: r.row, participationId: r.data.participationId });
              return;
            }
            if (decision.kind === 'already-recorded') {
              out.push({
                row: r.row,
                participationId: r.data.participationId,
                status: 'unchanged',
                streamRevision: Number(decision.stored.revision),
                position: Number(decision.stored.position),
              });
              return;
            }
            // Fold it in at once so a repeated id later in the same batch is seen as a duplicate.
            const id = eventId(decision.event.type, r.data.participationId);
            evolveStudent(state, decision.event, {
              revision: -1n,
              position: -1n,
              eventId: id,
            });
            toAppend.push({
              row: r.row,
              participationId: r.data.participationId,
              event: { id, ...decision.event, metadata },
            });
          } catch (err) {
            if (!(err instanceof DomainError)) throw err;
            // The clash is with a row of this very batch (stored by it, or only imagined by a dry run), not with an earlier record.
            const earlier = toAppend.find((a) => a.participationId === r.data.participationId);
            out.push({
              row: r.row,
              participationId: r.data.participationId,
              status: 'rejected',
              code: err.code,
              message:
                earlier && err.code === 'PARTICIPATION_CONFLICT'
                  ? `participation ${r.data.participationId} is in row ${earlier.row} of this batch with different details; use a new participationId for this row`
                  : err.message,
            });
          }
        });
        if (toAppend.length === 0 || dryRun) {
          // A dry run: these rows would be created; nothing is stored, so they have no revision or position.
          return [
            ...out,
            ...toAppend.map((a) => ({ row: a.row, participationId: a.participationId, status: 'created' as const })),
            ...repeats.map((r) => ({ ...r, status: 'unchanged' as const })),
          ];
        }
        const result = await this.store.append(
          studentStream(studentId),
          toAppend.map((a) => a.event),
          { expectedRevision },
        );
        const first = result.nextRevision - BigInt(toAppend.length) + 1n;
        const created = toAppend.map((a, i) => ({
          row: a.row,
          participationId: a.participationId,
          status: 'created' as const,
          streamRevision: Number(first + BigInt(i)),
          // The position of the append that recorded the row (one per student in the batch).
          position: Number(result.position),
        }));
        const stored = new Map(created.map((c) => [c.participationId, c]));
        return [
          ...out,
          ...created,
          ...repeats.map((r) => {
            const at = stored.get(r.participationId);
            return { ...r, status: 'unchanged' as const, ...(at && { streamRevision: at.streamRevision, position: at.position }) };
          }),
        ];
      });
    const results = await serialised(studentId, async () => {
      for (;;) {
        try {
          return await decide();
        } catch (err) {
          // A request for another student recorded one of these participations after the index was read (the
          // embedded store refuses its event id in a second stream): that row is refused, the others decided again.
          const clash =
            err instanceof DuplicateEventId ? rows.findIndex((r) => eventId('ParticipationRecorded', r.data.participationId) === err.id) : -1;
          if (!(err instanceof DuplicateEventId) || clash < 0 || owners[clash] !== null) {
            // The student's rows are one append: none was recorded, so no claim made for them may stay.
            for (const [participationId, claim] of claims) await releaseUnrecordedClaim(this.store, participationId, studentId, claim, metadata);
            throw err;
          }
          owners[clash] = err.storedIn.replace(/^student-/, '');
        }
      }
    });
    if (!dryRun) {
      const created = results.flatMap((r) => (r.status === 'created' ? [r.participationId] : []));
      await Promise.all(created.map((id) => this.index.remember('participations', id, studentId)));
    }
    return results;
  }
}
