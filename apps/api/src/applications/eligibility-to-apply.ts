import { mayApply, type BadgeExplanation } from '@laurel/rules';

/** Whether a student may apply for a badge on application now, and otherwise the refusal that says what is missing. */
export type EligibilityToApply = { eligible: true } | { eligible: false; explanation: BadgeExplanation | undefined; message: string };

/**
 * Taken when `mayApply` says so (eligible, or rejected or held and expired
 * before with the criteria met and the level reached, nothing blocking it):
 * an expired award's criteria count only what came after it (`met`), as its
 * renewal does, so an application the evaluator could never award is refused
 * with why.
 *
 * @example
 * const explained = explain(ruleSet, state, now).badges.find((b) => b.badgeId === badgeId);
 * eligibilityToApply(explained, '20231234', 'meta-science'); // { eligible: false, message: 'student 20231234 is not eligible ...' }
 */
export function eligibilityToApply(explained: BadgeExplanation | undefined, studentId: string, badgeId: string): EligibilityToApply {
  if (explained && mayApply(explained)) return { eligible: true };
  const final = explained?.status === 'revoked' || explained?.missing.some((m) => m.kind === 'blocked') === true;
  // An expired award: why the evidence it was awarded on no longer counts comes before what is missing.
  const missing = [...(explained?.renewal ? [explained.renewal] : []), ...(explained?.missing.map((m) => m.text) ?? [])].join('; ');
  return {
    eligible: false,
    explanation: explained,
    // A revoked award, or a badge past its `valid-until` (a step `blocked`), is not something more activity will fix: no "yet".
    message: `student ${studentId} is not eligible for ${badgeId}${final ? '' : ' yet'}${missing ? `: ${missing}` : ''}`,
  };
}
