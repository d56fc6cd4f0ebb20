/**
 * The stored events of a student's stream (`student-<id>`) and a program's
 * stream (`program-<id>`). The stored `type` is the literal below, never a
 * class name. A shape that changes keeps its name and gains an `XxxV1` type
 * plus an upcaster.
 */

export type Role = 'participant' | 'volunteer' | 'organiser' | 'leader';
export const ROLES: readonly Role[] = ['participant', 'volunteer', 'organiser', 'leader'];

export type ParticipationRecorded = {
  type: 'ParticipationRecorded';
  data: {
    participationId: string;
    studentId: string;
    activityId: string;
    /** ISO-8601 instant the student took part. */
    occurredAt: string;
    role: Role;
    hours?: number;
    /** A URL or a short note pointing at evidence of the participation. */
    evidence?: string;
  };
};

export type ParticipationVoided = {
  type: 'ParticipationVoided';
  data: { participationId: string; studentId: string; reason: string; voidedAt: string };
};

export type ApplicationSubmitted = {
  type: 'ApplicationSubmitted';
  data: { applicationId: string; studentId: string; programId: string; badgeId: string; submittedAt: string; statement?: string };
};

export type ApplicationApproved = {
  type: 'ApplicationApproved';
  data: { applicationId: string; studentId: string; programId: string; badgeId: string; decidedAt: string; comment?: string };
};

export type ApplicationRejected = {
  type: 'ApplicationRejected';
  data: { applicationId: string; studentId: string; programId: string; badgeId: string; decidedAt: string; comment: string };
};

export type BadgeEarned = {
  type: 'BadgeEarned';
  data: {
    awardId: string;
    studentId: string;
    programId: string;
    badgeId: string;
    earnedAt: string;
    expiresAt?: string;
    ruleSetHash: string;
    ruleSetVersion: number;
    /** Ids of the events whose facts satisfied the badge's criteria. */
    basis: string[];
  };
};

export type LevelReached = {
  type: 'LevelReached';
  data: { studentId: string; programId: string; levelId: string; reachedAt: string; ruleSetHash: string; ruleSetVersion: number };
};

export type EligibilityReached = {
  type: 'EligibilityReached';
  data: { studentId: string; programId: string; badgeId: string; reachedAt: string; ruleSetHash: string; ruleSetVersion: number };
};

export type AwardSupportLost = {
  type: 'AwardSupportLost';
  data: {
    awardId: string;
    studentId: string;
    programId: string;
    badgeId: string;
    /** What the rule set says to do: keep the award, revoke it, or flag it for a coordinator's review. */
    policy: 'keep' | 'revoke' | 'flag';
    cause: string;
    detectedAt: string;
    ruleSetHash: string;
  };
};

/**
 * An award whose loss of support was recorded rests on something again (the
 * participation recorded anew, a later rule set that supports it): a flag
 * for review is cleared. Support can be lost and restored again: each time
 * is recorded.
 */
export type AwardSupportRestored = {
  type: 'AwardSupportRestored';
  data: {
    awardId: string;
    studentId: string;
    programId: string;
    badgeId: string;
    policy: 'keep' | 'revoke' | 'flag';
    cause: string;
    /** Ids of the events it rests on now. */
    basis: string[];
    detectedAt: string;
    ruleSetHash: string;
  };
};

export type AwardRevoked = {
  type: 'AwardRevoked';
  data: {
    awardId: string;
    studentId: string;
    programId: string;
    badgeId: string;
    reason: string;
    revokedAt: string;
    /** `support-lost`: the rule file's `revoke` policy did it (the badge can be earned again); otherwise a coordinator did. */
    cause?: 'coordinator' | 'support-lost';
  };
};

/** A coordinator reviewed an award flagged when it lost its support (policy `flag`) and kept it. */
export type AwardKept = {
  type: 'AwardKept';
  data: {
    awardId: string;
    studentId: string;
    programId: string;
    badgeId: string;
    reason: string;
    keptAt: string;
  };
};

export type CredentialIssued = {
  type: 'CredentialIssued';
  data: {
    /** The uuid of the credential's `urn:uuid:` id (what `GET /credentials/:id` takes); random, so not guessable from the award. */
    credentialId: string;
    awardId: string;
    studentId: string;
    programId?: string;
    badgeId: string;
    kid: string;
    alg: string;
    /** The signed VC-JWT, exactly as issued. */
    jwt: string;
    statusListId: string;
    statusListIndex: number;
    issuedAt: string;
  };
};

export type StudentEvent =
  | ParticipationRecorded
  | ParticipationVoided
  | ApplicationSubmitted
  | ApplicationApproved
  | ApplicationRejected
  | BadgeEarned
  | LevelReached
  | EligibilityReached
  | AwardSupportLost
  | AwardSupportRestored
  | AwardRevoked
  | AwardKept
  | CredentialIssued;

export type RuleSetPublished = {
  type: 'RuleSetPublished';
  data: { programId: string; version: number; sha256: string; fileName: string; content: string; publishedAt: string };
};

export type ProgramEvent = RuleSetPublished;

export const studentStream = (studentId: string): string => `student-${studentId}`;
export const programStream = (programId: string): string => `program-${programId}`;
