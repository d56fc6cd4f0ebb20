/** Stable codes of the progression domain's errors; the HTTP layer maps each to a status. */
export type DomainErrorCode =
  | 'PARTICIPATION_CONFLICT'
  | 'PARTICIPATION_NOT_FOUND'
  | 'PARTICIPATION_ALREADY_VOIDED'
  | 'UNKNOWN_ACTIVITY'
  | 'UNKNOWN_BADGE'
  | 'NOT_ELIGIBLE'
  | 'APPLICATION_NOT_FOUND'
  | 'APPLICATION_ALREADY_DECIDED'
  | 'APPLICATION_PENDING'
  | 'AWARD_NOT_FOUND'
  | 'AWARD_ALREADY_REVOKED'
  | 'AWARD_NOT_FLAGGED'
  | 'AWARD_SUPERSEDED'
  | 'BADGE_ALREADY_HELD'
  | 'BADGE_NO_LONGER_AWARDED'
  | 'NO_RULE_SET'
  | 'STUDENT_NOT_FOUND'
  | 'UNKNOWN_PROGRAM';

/** A command was refused by the domain; nothing was written. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Extra facts for the caller, e.g. near matches or the explanation of what is missing. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
