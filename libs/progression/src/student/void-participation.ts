import type { ParticipationVoided } from '../events';
import { DomainError } from '../domain-error';
import type { AlreadyDone, StudentState } from './student-state';

export type VoidParticipation = {
  type: 'VoidParticipation';
  data: { participationId: string; studentId: string; reason: string; voidedAt: string };
};

/**
 * Voids a recorded participation (a correction). The same void sent again
 * (same reason: a retried request) answers with the one recorded; another
 * is refused, saying when it was voided and why.
 */
export function decideVoidParticipation(command: VoidParticipation, state: StudentState): ParticipationVoided | AlreadyDone<ParticipationVoided> {
  const entry = state.participations.get(command.data.participationId);
  if (!entry) {
    throw new DomainError(
      'PARTICIPATION_NOT_FOUND',
      `participation ${command.data.participationId} is not recorded for student ${command.data.studentId}`,
    );
  }
  if (entry.voided) {
    const made = entry.voidedBy;
    if (made && made.event.data.reason === command.data.reason) return { already: made.event, stored: made.stored };
    const since = made ? ` since ${made.event.data.voidedAt} (reason: ${made.event.data.reason})` : '';
    throw new DomainError('PARTICIPATION_ALREADY_VOIDED', `participation ${command.data.participationId} is already void${since}`);
  }
  return { type: 'ParticipationVoided', data: command.data };
}
