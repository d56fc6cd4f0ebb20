import { DomainError } from '../domain-error';
import type { ApplicationApproved, ApplicationRejected, AwardKept, AwardRevoked, ParticipationVoided, StudentEvent } from '../events';

/** Where an event sits in the log, as the store reported it. */
export interface Stored {
  revision: bigint;
  position: bigint;
  eventId: string;
}

/** A command carried out already, sent again: the event it stored then, and where (a retry gets the same answer). */
export type AlreadyDone<E extends StudentEvent> = { already: E; stored: Stored };

export interface ParticipationEntry extends Stored {
  data: Extract<StudentEvent, { type: 'ParticipationRecorded' }>['data'];
  voided: boolean;
  /** The void, once made. */
  voidedBy?: { event: ParticipationVoided; stored: Stored };
}

export interface ApplicationEntry {
  applicationId: string;
  programId: string;
  badgeId: string;
  status: 'pending' | 'approved' | 'rejected';
  comment?: string;
  /** The decision once made, and where it was stored: a retried request gets the same answer. */
  decision?: { event: ApplicationApproved | ApplicationRejected; stored: Stored };
}

export interface AwardEntry {
  awardId: string;
  programId: string;
  badgeId: string;
  earnedAt: string;
  /** When it stops being valid, if its badge has a validity (`BadgeEarned` carries it, as the evaluator reads it). */
  expiresAt?: string;
  revoked: boolean;
  /** The revocation, once made. */
  revokedBy?: { event: AwardRevoked; stored: Stored };
  /** It lost its support under a `flag` policy and waits for a coordinator to keep or revoke it. */
  flagged: boolean;
  /** The last time a coordinator kept it after a flag, and where that is stored: a retried request gets the same answer. */
  kept?: { event: AwardKept; stored: Stored };
  /** When its support last came back after a flag (nothing left to review). */
  restoredAt?: string;
}

/**
 * What the command side needs to know about one student to decide a command:
 * participations (idempotent recording, voids), applications and awards, and
 * the stream's revision for the optimistic append.
 */
export interface StudentState {
  revision: bigint | null;
  participations: Map<string, ParticipationEntry>;
  applications: Map<string, ApplicationEntry>;
  /** Keyed by `programId/badgeId`: a student holds a badge of a program at most once. */
  awards: Map<string, AwardEntry>;
  /** Every event id in the stream, so deterministic appends can be skipped when already made. */
  eventIds: Set<string>;
}

/**
 * The error for an award the student does not hold. A student with no event
 * at all is most likely a mistyped id: that is said first.
 */
export function awardNotFound(state: StudentState, studentId: string, badgeId: string): DomainError {
  if (state.revision === null) return new DomainError('STUDENT_NOT_FOUND', `no events are recorded for student ${studentId}; check the id`);
  return new DomainError(
    'AWARD_NOT_FOUND',
    `student ${studentId} does not hold ${badgeId}; GET /students/${studentId}/progression lists the badges they hold`,
  );
}

export const initialStudentState = (): StudentState => ({
  revision: null,
  participations: new Map(),
  applications: new Map(),
  awards: new Map(),
  eventIds: new Set(),
});

export const awardKey = (programId: string, badgeId: string): string => `${programId}/${badgeId}`;

/** Folds one stored event of the student's stream into the state. */
export function evolveStudent(state: StudentState, event: StudentEvent, stored: Stored): StudentState {
  state.revision = stored.revision;
  state.eventIds.add(stored.eventId);
  switch (event.type) {
    case 'ParticipationRecorded':
      state.participations.set(event.data.participationId, { ...stored, data: event.data, voided: false });
      return state;
    case 'ParticipationVoided': {
      const entry = state.participations.get(event.data.participationId);
      if (entry) {
        entry.voided = true;
        entry.voidedBy = { event, stored };
      }
      return state;
    }
    case 'ApplicationSubmitted': {
      const { applicationId, programId, badgeId } = event.data;
      state.applications.set(applicationId, { applicationId, programId, badgeId, status: 'pending' });
      return state;
    }
    case 'ApplicationApproved':
    case 'ApplicationRejected': {
      const entry = state.applications.get(event.data.applicationId);
      if (entry) {
        entry.status = event.type === 'ApplicationApproved' ? 'approved' : 'rejected';
        if (event.data.comment !== undefined) entry.comment = event.data.comment;
        entry.decision = { event, stored };
      }
      return state;
    }
    case 'BadgeEarned': {
      const { awardId, programId, badgeId, earnedAt, expiresAt } = event.data;
      state.awards.set(awardKey(programId, badgeId), {
        awardId,
        programId,
        badgeId,
        earnedAt,
        ...(expiresAt !== undefined && { expiresAt }),
        revoked: false,
        flagged: false,
      });
      return state;
    }
    case 'AwardRevoked': {
      const entry = state.awards.get(awardKey(event.data.programId, event.data.badgeId));
      if (entry) {
        entry.revoked = true;
        entry.revokedBy = { event, stored };
      }
      return state;
    }
    case 'AwardSupportLost': {
      const entry = state.awards.get(awardKey(event.data.programId, event.data.badgeId));
      if (entry?.awardId === event.data.awardId && event.data.policy === 'flag') {
        entry.flagged = true;
        delete entry.restoredAt;
      }
      return state;
    }
    case 'AwardSupportRestored': {
      const entry = state.awards.get(awardKey(event.data.programId, event.data.badgeId));
      if (entry?.awardId === event.data.awardId && entry.flagged) {
        entry.flagged = false;
        entry.restoredAt = event.data.detectedAt;
      }
      return state;
    }
    case 'AwardKept': {
      const entry = state.awards.get(awardKey(event.data.programId, event.data.badgeId));
      if (entry?.awardId === event.data.awardId) {
        entry.flagged = false;
        entry.kept = { event, stored };
      }
      return state;
    }
    case 'LevelReached':
    case 'EligibilityReached':
    case 'CredentialIssued':
      return state;
    default: {
      const never: never = event;
      return never;
    }
  }
}
