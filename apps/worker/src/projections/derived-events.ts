import { parse as parseUuid, v5 as uuidv5 } from 'uuid';
import type { NewEvent } from '@laurel/event-store';
import type { StudentEvent } from '@laurel/progression';
import type { Outcome, RuleSet } from '@laurel/rules';

/** Parsed once: given as a string, uuid's v5 parses the namespace again at every call (twice). */
const NAMESPACE = parseUuid('a7c3e5f1-2b4d-4c6e-8f0a-1b3d5e7f9a2c');

/** Deterministic ids: the same outcome for the same student always gets the same id, whoever computes it. */
export const derivedId = (...parts: (string | number)[]): string => uuidv5(parts.join('\u0000'), NAMESPACE);

/** The award id of the `n`-th award (0-based) of `badgeId` to a student: renewals and re-earned badges get new ids. */
export const awardIdOf = (programId: string, studentId: string, badgeId: string, n: number): string =>
  derivedId('award', programId, studentId, badgeId, n);

export interface OutcomeContext {
  ruleSet: RuleSet;
  ruleSetVersion: number;
  studentId: string;
  /** How many awards of each badge the student already had (for award ids). */
  awardsSoFar: (badgeId: string) => number;
  /** The student's current award of a badge (for support-lost and revocation). */
  currentAward: (badgeId: string) => string | undefined;
  /** How many times the current award's loss of support was recorded so far (support can come back and go again). */
  lossesSoFar: (badgeId: string) => number;
}

/** The id of the `n`-th (0-based) AwardSupportLost of an award; the first keeps the id it had before support could come back. */
const supportLostId = (awardId: string, n: number): string => (n === 0 ? derivedId('support-lost', awardId) : derivedId('support-lost', awardId, n));

/** Turns one rule outcome into the events the engine stores for it. */
export function eventsForOutcome(outcome: Outcome, at: string, ctx: OutcomeContext): NewEvent[] {
  const { ruleSet, studentId } = ctx;
  const programId = ruleSet.programId;
  const common = { studentId, programId, ruleSetHash: ruleSet.sha256, ruleSetVersion: ctx.ruleSetVersion };
  const metadata = { actor: 'system:rule-projection', ruleSetHash: ruleSet.sha256 };
  const make = (id: string, event: StudentEvent): NewEvent => ({ id, type: event.type, data: event.data, metadata });
  switch (outcome.type) {
    case 'badge-earned': {
      const awardId = awardIdOf(programId, studentId, outcome.badgeId, ctx.awardsSoFar(outcome.badgeId));
      return [
        make(awardId, {
          type: 'BadgeEarned',
          data: {
            ...common,
            awardId,
            badgeId: outcome.badgeId,
            earnedAt: at,
            basis: outcome.basis,
            ...(outcome.expiresAt && { expiresAt: outcome.expiresAt }),
          },
        }),
      ];
    }
    case 'badge-eligible':
      return [
        make(derivedId('eligible', programId, studentId, outcome.badgeId, ctx.awardsSoFar(outcome.badgeId)), {
          type: 'EligibilityReached',
          data: { ...common, badgeId: outcome.badgeId, reachedAt: at },
        }),
      ];
    case 'level-reached':
      return [
        make(derivedId('level', programId, studentId, outcome.levelId), {
          type: 'LevelReached',
          data: { ...common, levelId: outcome.levelId, reachedAt: at },
        }),
      ];
    case 'support-lost': {
      const awardId = ctx.currentAward(outcome.badgeId);
      if (!awardId) return [];
      const lost = make(supportLostId(awardId, ctx.lossesSoFar(outcome.badgeId)), {
        type: 'AwardSupportLost',
        data: {
          awardId,
          studentId,
          programId,
          badgeId: outcome.badgeId,
          policy: outcome.policy,
          cause: outcome.cause,
          detectedAt: at,
          ruleSetHash: ruleSet.sha256,
        },
      });
      if (outcome.policy !== 'revoke') return [lost];
      return [
        lost,
        make(derivedId('AwardRevoked', awardId), {
          type: 'AwardRevoked',
          data: {
            awardId,
            studentId,
            programId,
            badgeId: outcome.badgeId,
            reason: `rule file policy "revoke": ${outcome.cause}`,
            revokedAt: at,
            cause: 'support-lost',
          },
        }),
      ];
    }
    case 'support-restored': {
      const awardId = ctx.currentAward(outcome.badgeId);
      if (!awardId) return [];
      // After its n-th loss: a loss and the restoration that follows it share n.
      return [
        make(derivedId('support-restored', awardId, ctx.lossesSoFar(outcome.badgeId)), {
          type: 'AwardSupportRestored',
          data: {
            awardId,
            studentId,
            programId,
            badgeId: outcome.badgeId,
            policy: outcome.policy,
            cause: outcome.cause,
            basis: outcome.basis,
            detectedAt: at,
            ruleSetHash: ruleSet.sha256,
          },
        }),
      ];
    }
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}
