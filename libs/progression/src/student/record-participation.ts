import { isDeepStrictEqual } from 'node:util';
import type { ParticipationRecorded } from '../events';
import { DomainError } from '../domain-error';
import type { StudentState, Stored } from './student-state';

export type RecordParticipation = {
  type: 'RecordParticipation';
  data: ParticipationRecorded['data'];
};

export type RecordParticipationDecision =
  | { kind: 'append'; event: ParticipationRecorded }
  /** The same participation was already recorded with the same content: nothing to write. */
  | { kind: 'already-recorded'; stored: Stored };

/**
 * Decides `RecordParticipation` against the student's state. Recording is
 * idempotent by `participationId`: the same content again is a no-op, other
 * content under the same id is a conflict.
 */
export function decideRecordParticipation(command: RecordParticipation, state: StudentState): RecordParticipationDecision {
  const existing = state.participations.get(command.data.participationId);
  if (!existing) {
    return { kind: 'append', event: { type: 'ParticipationRecorded', data: command.data } };
  }
  if (existing.voided) {
    throw new DomainError(
      'PARTICIPATION_ALREADY_VOIDED',
      `participation ${command.data.participationId} was voided and cannot be recorded again under the same id; if it did take place, record it with a new participationId (in a CSV import, give the row a participationId column)`,
    );
  }
  if (isDeepStrictEqual(existing.data, command.data)) {
    return { kind: 'already-recorded', stored: existing };
  }
  throw new DomainError(
    'PARTICIPATION_CONFLICT',
    `participation ${command.data.participationId} was already recorded with different details; if those are wrong, void it (DELETE /participations/${command.data.participationId} with a reason) and record the right ones under a new participationId; if both took place, record this one under a new participationId`,
    { recorded: existing.data },
  );
}
