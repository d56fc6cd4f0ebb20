import { toDateTimeZ, validityWindow } from '../dates';
import { CredentialsError } from '../errors';
import type { IssuerConfig } from './profile';
import {
  assertUri,
  buildIdentityObject,
  buildIssuerProfile,
  toImage,
} from './profile';
import type {
  Achievement,
  AchievementCredential,
  AchievementSubject,
  AchievementType,
  Alignment,
  AlignmentTargetType,
  BitstringStatusListEntry,
  Evidence,
} from './types';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from './types';

/** The `identifierType` under which the rule set's hash is recorded in `achievement.otherIdentifier`. */
export const RULE_SET_HASH_IDENTIFIER_TYPE = 'ext:LaurelRuleSetHash';

export interface AlignmentInput {
  targetName: string;
  targetUrl: string;
  /** Default `ceasn:Competency`. */
  targetType?: AlignmentTargetType;
  targetCode?: string;
  targetFramework?: string;
  targetDescription?: string;
}

/** A badge (or level) definition as the rule set describes it. */
export interface AchievementInput {
  /** A URL, e.g. `https://badges.vilniustech.lt/programs/erasmus-buddies/badges/first-steps`. */
  id: string;
  achievementType: AchievementType;
  name: string;
  description: string;
  criteria: { narrative: string; id?: string };
  image?: string | { id: string; caption?: string };
  alignments?: AlignmentInput[];
  tags?: string[];
}

/** One participation behind the award. */
export interface EvidenceInput {
  /** A URL or URN of the participation, e.g. `urn:uuid:<participationId>`. */
  id: string;
  name: string;
  narrative?: string;
  description?: string;
  /** e.g. `Participation`. */
  genre?: string;
}

export interface AchievementCredentialInput {
  /** The credential's id, `urn:uuid:<uuid>` (chosen by the caller: deterministic ids keep retries idempotent). */
  id: string;
  issuer: IssuerConfig;
  student: {
    /** From {@link buildStudentUrn}. */
    id: string;
    /** When given with `salt`, a hashed-email `identifier` is added. */
    email?: string;
    salt?: string;
  };
  achievement: AchievementInput;
  /** When the badge was earned (`BadgeEarned.earnedAt`); becomes `awardedDate`. */
  awardedAt: string | Date;
  /** When the credential becomes valid; default `awardedAt`. */
  validFrom?: string | Date;
  /** The badge's expiry, if it has one. */
  validUntil?: string | Date;
  evidence?: EvidenceInput[];
  /** Where this credential's revocation bit lives. */
  status: { statusListCredential: string; statusListIndex: number };
  /** The rule set that awarded the badge. */
  provenance: { ruleSetHash: string; ruleSetVersion?: number };
  /** Default: the achievement's name. */
  name?: string;
  description?: string;
}

function buildAlignment(input: AlignmentInput): Alignment {
  assertUri(input.targetUrl, 'alignment.targetUrl');
  const alignment: Alignment = {
    type: ['Alignment'],
    targetName: input.targetName,
    targetUrl: input.targetUrl,
    targetType: input.targetType ?? 'ceasn:Competency',
  };
  if (input.targetCode !== undefined) alignment.targetCode = input.targetCode;
  if (input.targetFramework !== undefined)
    alignment.targetFramework = input.targetFramework;
  if (input.targetDescription !== undefined)
    alignment.targetDescription = input.targetDescription;
  return alignment;
}

/**
 * An OB 3.0 `Achievement` from a badge or level definition. Used for the
 * credential's achievement and for the levels of a CLR.
 *
 * @example
 * ```ts
 * buildAchievement({
 *   id: 'https://badges.vilniustech.lt/programs/buddies/levels/mentor',
 *   achievementType: 'ext:Level',
 *   name: 'Mentor',
 *   description: 'Third level of the Erasmus Buddies programme.',
 *   criteria: { narrative: 'Earn the Guide and Organiser badges.' },
 * });
 * // { id: ..., type: ['Achievement'], achievementType: 'ext:Level', name: 'Mentor', description: ..., criteria: { narrative: ... } }
 * ```
 */
export function buildAchievement(
  input: AchievementInput,
  provenance?: AchievementCredentialInput['provenance'],
): Achievement {
  assertUri(input.id, 'achievement.id');
  if (!input.name || !input.description || !input.criteria.narrative) {
    throw new CredentialsError(
      'INVALID_INPUT',
      'achievement: name, description and criteria.narrative are required',
    );
  }
  const achievement: Achievement = {
    id: input.id,
    type: ['Achievement'],
    achievementType: input.achievementType,
    name: input.name,
    description: input.description,
    criteria:
      input.criteria.id === undefined
        ? { narrative: input.criteria.narrative }
        : { id: input.criteria.id, narrative: input.criteria.narrative },
  };
  if (input.image !== undefined) achievement.image = toImage(input.image);
  if (input.alignments?.length)
    achievement.alignment = input.alignments.map(buildAlignment);
  if (input.tags?.length) achievement.tag = [...input.tags];
  if (provenance) {
    // Provenance lives in standard Achievement properties so every OB
    // consumer keeps it: the rule-set version is the achievement definition's
    // `version`, and the rule set's hash an `ext:` identifier of that version.
    if (provenance.ruleSetVersion !== undefined)
      achievement.version = String(provenance.ruleSetVersion);
    achievement.otherIdentifier = [
      {
        type: 'IdentifierEntry',
        identifier: provenance.ruleSetHash,
        identifierType: RULE_SET_HASH_IDENTIFIER_TYPE,
      },
    ];
  }
  return achievement;
}

function buildEvidence(input: EvidenceInput): Evidence {
  assertUri(input.id, 'evidence.id');
  const evidence: Evidence = {
    id: input.id,
    type: ['Evidence'],
    name: input.name,
  };
  if (input.narrative !== undefined) evidence.narrative = input.narrative;
  if (input.description !== undefined) evidence.description = input.description;
  if (input.genre !== undefined) evidence.genre = input.genre;
  return evidence;
}

/**
 * A `BitstringStatusListEntry` for revocation; its `id` is `<list URL>#<index>`.
 *
 * @example
 * ```ts
 * buildStatusListEntry({ statusListCredential: 'https://badges.vilniustech.lt/status-lists/1', statusListIndex: 94567 });
 * // { id: 'https://badges.vilniustech.lt/status-lists/1#94567', type: 'BitstringStatusListEntry',
 * //   statusPurpose: 'revocation', statusListIndex: '94567', statusListCredential: 'https://badges.vilniustech.lt/status-lists/1' }
 * ```
 */
export function buildStatusListEntry({
  statusListCredential,
  statusListIndex,
}: AchievementCredentialInput['status']): BitstringStatusListEntry {
  assertUri(statusListCredential, 'status.statusListCredential');
  if (!Number.isSafeInteger(statusListIndex) || statusListIndex < 0) {
    throw new CredentialsError(
      'STATUS_INDEX_OUT_OF_RANGE',
      `status.statusListIndex: ${statusListIndex} is not a non-negative integer`,
    );
  }
  return {
    id: `${statusListCredential}#${statusListIndex}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: String(statusListIndex),
    statusListCredential,
  };
}

/**
 * Builds the OpenBadgeCredential for one award, exactly as Laurel issues it:
 * VC Data Model 2.0, the issuer's Profile, the student's URN as subject (plus
 * an optional hashed email), the achievement with its criteria, image and
 * competency alignments, the participations as evidence, `awardedDate`, the
 * rule set's version and hash on the achievement, and a revocation entry in a
 * Bitstring Status List. Pure: ids, dates and the salt are inputs. The result
 * validates against the OB 3.0 AchievementCredential schema.
 *
 * @example
 * ```ts
 * const credential = buildAchievementCredential({
 *   id: 'urn:uuid:0b7c3a52-3a4f-4a39-9a51-1d2c4e3f5a6b',
 *   issuer: { id: 'https://badges.vilniustech.lt/issuers/vilnius-tech', name: 'VILNIUS TECH' },
 *   student: { id: buildStudentUrn({ issuerId: 'https://badges.vilniustech.lt/issuers/vilnius-tech', studentId: '20231234' }) },
 *   achievement: {
 *     id: 'https://badges.vilniustech.lt/programs/buddies/badges/first-steps',
 *     achievementType: 'CoCurricular',
 *     name: 'First Steps',
 *     description: 'Welcomed three incoming exchange students.',
 *     criteria: { narrative: 'Take part in three welcome activities as a buddy.' },
 *   },
 *   awardedAt: '2025-03-01T10:00:00Z',
 *   status: { statusListCredential: 'https://badges.vilniustech.lt/status-lists/1', statusListIndex: 7 },
 *   provenance: { ruleSetHash: 'sha256:9f2c…', ruleSetVersion: 3 },
 * });
 * const jwt = await signCredential(credential, signingKey);
 * ```
 */
export function buildAchievementCredential(
  input: AchievementCredentialInput,
): AchievementCredential {
  assertUri(input.id, 'id');
  assertUri(input.student.id, 'student.id');
  const awardedDate = toDateTimeZ(input.awardedAt, 'awardedAt');
  const { validFrom, validUntil } = validityWindow(
    input.validFrom ?? input.awardedAt,
    input.validUntil,
  );
  if (
    (input.student.email === undefined) !==
    (input.student.salt === undefined)
  ) {
    throw new CredentialsError(
      'INVALID_INPUT',
      'student.email and student.salt go together',
    );
  }

  const achievement = buildAchievement(input.achievement, input.provenance);
  const subject: AchievementSubject = {
    id: input.student.id,
    type: ['AchievementSubject'],
    achievement,
  };
  if (input.student.email !== undefined && input.student.salt !== undefined) {
    subject.identifier = [
      buildIdentityObject({
        email: input.student.email,
        salt: input.student.salt,
      }),
    ];
  }

  // Property order is fixed so equal inputs serialise (and sign) identically.
  const credential: AchievementCredential = {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id: input.id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: input.name ?? achievement.name,
    ...(input.description === undefined
      ? {}
      : { description: input.description }),
    ...(achievement.image ? { image: achievement.image } : {}),
    issuer: buildIssuerProfile(input.issuer),
    validFrom,
    ...(validUntil === undefined ? {} : { validUntil }),
    awardedDate,
    credentialSubject: subject,
    ...(input.evidence?.length
      ? { evidence: input.evidence.map(buildEvidence) }
      : {}),
    credentialStatus: buildStatusListEntry(input.status),
  };
  return credential;
}
