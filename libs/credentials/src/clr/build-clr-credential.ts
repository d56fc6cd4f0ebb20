import { decodeJwt } from 'jose';
import type { AchievementInput } from '../achievement-credential/build-achievement-credential';
import { buildAchievement } from '../achievement-credential/build-achievement-credential';
import type { IssuerConfig } from '../achievement-credential/profile';
import {
  assertUri,
  buildIdentityObject,
  buildIssuerProfile,
} from '../achievement-credential/profile';
import type {
  Achievement,
  IdentityObject,
  Profile,
} from '../achievement-credential/types';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../achievement-credential/types';
import { validityWindow } from '../dates';
import { CredentialsError } from '../errors';

export const CLR_V2_CONTEXT =
  'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';

export type AssociationType =
  | 'exactMatchOf'
  | 'isChildOf'
  | 'isParentOf'
  | 'isPartOf'
  | 'isPeerOf'
  | 'isRelatedTo'
  | 'precedes'
  | 'replacedBy';

/** A directed link between two achievements of the CLR (by achievement id). */
export interface Association {
  type: 'Association';
  associationType: AssociationType;
  sourceId: string;
  targetId: string;
}

/** An OB credential as embedded in a CLR (see {@link buildClrCredential} for what changes). */
export type EmbeddedCredential = Record<string, unknown> & {
  issuanceDate: string;
  proof?: Array<{ type: 'JwtProof2020'; jwt: string }>;
};

export interface ClrCredential {
  '@context': [
    typeof VC_V2_CONTEXT,
    typeof CLR_V2_CONTEXT,
    typeof OB_V3_CONTEXT,
  ];
  id: string;
  type: ['VerifiableCredential', 'ClrCredential'];
  name: string;
  description?: string;
  issuer: Profile;
  validFrom: string;
  /** Equal to validFrom: the CLR 2.0 JSON Schema still requires it. */
  issuanceDate: string;
  validUntil?: string;
  /** Equal to validUntil, for readers of the CLR 2.0 JSON Schema's (VC 1.1) dates. */
  expirationDate?: string;
  partial?: boolean;
  credentialSubject: {
    id: string;
    type: ['ClrSubject'];
    identifier?: IdentityObject[];
    verifiableCredential: EmbeddedCredential[];
    achievement: Achievement[];
    association: Association[];
  };
}

export interface ClrCredentialInput {
  /** `urn:uuid:<uuid>`. */
  id: string;
  issuer: IssuerConfig;
  /** The same subject id as the student's OB credentials ({@link buildStudentUrn}); email + salt add a hashed identifier. */
  student: { id: string; email?: string; salt?: string };
  name: string;
  description?: string;
  /** When the portfolio was assembled. */
  validFrom: string | Date;
  /**
   * Until when the portfolio itself is valid. A CLR carries no status entry of
   * its own (the CLR 2.0 schema allows none that can be checked), so a bound
   * here is what a verifier that does not descend into the embedded
   * credentials sees of a later revocation.
   */
  validUntil?: string | Date;
  /** The student's credentials: VC-JWTs (preferred: each keeps its signature) or credential objects. */
  credentials: Array<string | Record<string, unknown>>;
  /** The level definitions (achievementType e.g. `ext:Level` or `LearningProgram`). */
  levels: AchievementInput[];
  /** Links between the levels and the badges, e.g. from {@link buildLevelAssociations}. */
  associations: Array<Omit<Association, 'type'>>;
  /** True when some of the student's credentials were left out. */
  partial?: boolean;
}

const JWT_CLAIMS = new Set(['iss', 'sub', 'jti', 'nbf', 'exp', 'iat', 'aud']);

function embed(source: string | Record<string, unknown>): EmbeddedCredential {
  let credential: Record<string, unknown>;
  let jwt: string | undefined;
  if (typeof source === 'string') {
    try {
      credential = Object.fromEntries(
        Object.entries(decodeJwt(source)).filter(
          ([name]) => !JWT_CLAIMS.has(name),
        ),
      );
    } catch {
      throw new CredentialsError(
        'INVALID_INPUT',
        'a credential given as a string is not a JWT',
      );
    }
    jwt = source;
  } else {
    credential = { ...source };
  }
  if (typeof credential.validFrom !== 'string')
    throw new CredentialsError(
      'INVALID_INPUT',
      `credential ${String(credential.id)} has no validFrom`,
    );
  // The CLR 2.0 JSON Schema predates VC 2.0 for embedded credentials: it
  // requires issuanceDate and allows only { id, type } in credentialStatus.
  // So the VC 1.1 dates mirror validFrom / validUntil, and the status entry
  // is carried by the signed JWT in `proof` (the JwtProof2020 convention of
  // did-jwt-vc) rather than by the embedded copy.
  const { credentialStatus: _status, proof: _proof, ...rest } = credential;
  return {
    ...rest,
    issuanceDate: credential.validFrom,
    ...(typeof credential.validUntil === 'string'
      ? { expirationDate: credential.validUntil }
      : {}),
    ...(jwt === undefined
      ? {}
      : { proof: [{ type: 'JwtProof2020' as const, jwt }] }),
  };
}

/**
 * Links ordered levels: each level `precedes` the next, and is the parent of
 * the badges it requires (`isParentOf` level → badge, `isChildOf` badge → level).
 *
 * @example
 * ```ts
 * buildLevelAssociations([
 *   { id: 'https://…/levels/newcomer', badgeIds: ['https://…/badges/first-steps'] },
 *   { id: 'https://…/levels/mentor', badgeIds: [] },
 * ]);
 * // [ { associationType: 'precedes', sourceId: '…/newcomer', targetId: '…/mentor' },
 * //   { associationType: 'isParentOf', sourceId: '…/newcomer', targetId: '…/first-steps' },
 * //   { associationType: 'isChildOf', sourceId: '…/first-steps', targetId: '…/newcomer' } ]
 * ```
 */
export function buildLevelAssociations(
  levels: ReadonlyArray<{ id: string; badgeIds?: readonly string[] }>,
): Array<Omit<Association, 'type'>> {
  const associations: Array<Omit<Association, 'type'>> = [];
  levels.forEach((level, i) => {
    const next = levels[i + 1];
    if (next)
      associations.push({
        associationType: 'precedes',
        sourceId: level.id,
        targetId: next.id,
      });
  });
  for (const level of levels) {
    for (const badgeId of level.badgeIds ?? []) {
      associations.push({
        associationType: 'isParentOf',
        sourceId: level.id,
        targetId: badgeId,
      });
      associations.push({
        associationType: 'isChildOf',
        sourceId: badgeId,
        targetId: level.id,
      });
    }
  }
  return associations;
}

/**
 * The graduation portfolio: a CLR 2.0 ClrCredential whose ClrSubject bundles
 * the student's OB credentials, the achievements they and the levels define,
 * and the associations between them. Validates against the CLR 2.0 JSON
 * Schema (draft 4); sign it with {@link signCredential} like any credential.
 *
 * Embedded credentials given as VC-JWTs are decoded (the JWT claims are
 * dropped) and keep their JWT as a `JwtProof2020` proof; `issuanceDate`
 * (and `expirationDate`) mirror validFrom (validUntil), and `credentialStatus`
 * stays only inside the JWT, because the CLR schema allows nothing else.
 *
 * @example
 * ```ts
 * const clr = buildClrCredential({
 *   id: 'urn:uuid:5d2f…',
 *   issuer,
 *   student: { id: studentUrn },
 *   name: 'Erasmus Buddies portfolio of Ona Jonaitė',
 *   validFrom: '2025-06-30T12:00:00Z',
 *   credentials: [firstStepsJwt, guideJwt],
 *   levels,
 *   associations: buildLevelAssociations(levels.map((l) => ({ id: l.id, badgeIds: badgesOf(l) }))),
 * });
 * const jwt = await signCredential(clr, signingKey);
 * ```
 */
export function buildClrCredential(input: ClrCredentialInput): ClrCredential {
  assertUri(input.id, 'id');
  assertUri(input.student.id, 'student.id');
  if (input.credentials.length === 0)
    throw new CredentialsError(
      'EMPTY_PORTFOLIO',
      'a CLR holds at least one credential',
    );
  const { validFrom, validUntil } = validityWindow(
    input.validFrom,
    input.validUntil,
  );
  const embedded = input.credentials.map(embed);

  const achievements = new Map<string, Achievement>();
  for (const level of input.levels)
    achievements.set(level.id, buildAchievement(level));
  for (const credential of embedded) {
    const subject = credential.credentialSubject as
      { achievement?: Achievement } | undefined;
    const achievement = subject?.achievement;
    if (
      achievement &&
      typeof achievement.id === 'string' &&
      !achievements.has(achievement.id)
    )
      achievements.set(achievement.id, achievement);
  }
  const association: Association[] = input.associations.map((link) => {
    for (const id of [link.sourceId, link.targetId]) {
      if (!achievements.has(id))
        throw new CredentialsError(
          'INVALID_INPUT',
          `association ${link.associationType}: ${id} is not an achievement of this CLR`,
        );
    }
    return {
      type: 'Association',
      associationType: link.associationType,
      sourceId: link.sourceId,
      targetId: link.targetId,
    };
  });

  if (
    (input.student.email === undefined) !==
    (input.student.salt === undefined)
  ) {
    throw new CredentialsError(
      'INVALID_INPUT',
      'student.email and student.salt go together',
    );
  }
  const identifier =
    input.student.email !== undefined && input.student.salt !== undefined
      ? [
          buildIdentityObject({
            email: input.student.email,
            salt: input.student.salt,
          }),
        ]
      : undefined;

  return {
    '@context': [VC_V2_CONTEXT, CLR_V2_CONTEXT, OB_V3_CONTEXT],
    id: input.id,
    type: ['VerifiableCredential', 'ClrCredential'],
    name: input.name,
    ...(input.description === undefined
      ? {}
      : { description: input.description }),
    issuer: buildIssuerProfile(input.issuer),
    validFrom,
    issuanceDate: validFrom,
    ...(validUntil === undefined
      ? {}
      : { validUntil, expirationDate: validUntil }),
    ...(input.partial === undefined ? {} : { partial: input.partial }),
    credentialSubject: {
      id: input.student.id,
      type: ['ClrSubject'],
      ...(identifier ? { identifier } : {}),
      verifiableCredential: embedded,
      achievement: [...achievements.values()],
      association,
    },
  };
}
