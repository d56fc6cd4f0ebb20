import { applicationRefusal, type BadgeExplanation } from '@laurel/rules';

/** Whether a student may apply for a badge on application now, and otherwise the refusal that says what is missing. */
export type EligibilityToApply = { eligible: true } | { eligible: false; explanation: BadgeExplanation | undefined; message: string };

/**
 * Taken when `mayApply` says so (eligible, or rejected or held and expired
 * before with the criteria met and the level reached, nothing blocking it):
 * an expired award's criteria count only what came after it (`met`), as its
 * renewal does, so an application the evaluator could never award is refused
 * with why (`applicationRefusal`, which the rule file's examples use too).
 *
 * @example
 * const explained = explain(ruleSet, state, now).badges.find((b) => b.badgeId === badgeId);
 * eligibilityToApply(explained, '20231234', 'meta-science'); // { eligible: false, message: 'student 20231234 is not eligible ...' }
 */
export function eligibilityToApply(explained: BadgeExplanation | undefined, studentId: string, badgeId: string): EligibilityToApply {
  const refused = explained === undefined ? { reason: '', final: false } : applicationRefusal(explained);
  if (refused === undefined) return { eligible: true };
  return {
    eligible: false,
    explanation: explained,
    // A revoked award, or a badge past its `valid-until`, is not something more activity will fix: no "yet".
    message: `student ${studentId} is not eligible for ${badgeId}${refused.final ? '' : ' yet'}${refused.reason ? `: ${refused.reason}` : ''}`,
  };
}
