import type { ParticipationVoided } from '../events';
import { DomainError } from '../domain-error';
import type { StudentState } from './student-state';

export type VoidParticipation = {
  type: 'VoidParticipation';
  data: { participationId: string; studentId: string; reason: string; voidedAt: string };
};

/** Voids a recorded participation (a correction); voiding twice is refused so the caller learns it already happened. */
export function decideVoidParticipation(command: VoidParticipation, state: StudentState): ParticipationVoided {
  const entry = state.participations.get(command.data.participationId);
  if (!entry) {
    throw new DomainError(
      'PARTICIPATION_NOT_FOUND',
      `participation ${command.data.participationId} is not recorded for student ${command.data.studentId}`,
    );
  }
  if (entry.voided) {
    throw new DomainError('PARTICIPATION_ALREADY_VOIDED', `participation ${command.data.participationId} is already void`);
  }
  return { type: 'ParticipationVoided', data: command.data };
}
