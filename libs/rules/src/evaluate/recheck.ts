import type { RuleSet } from '../language/types';
import { compile } from './compile';
import { eligibilityStands as stands, holds, makeContext, supportedAsOf } from './conditions';
import { flagSupportLost, restoreSupport, type StudentState } from './state';

/**
 * After a rule change: marks every award the student holds whose criteria,
 * under `ruleSet`, no longer hold as of the day it was made, so the next
 * `evaluate` reports it as `support-lost` with the badge's policy. Badges the
 * new rule set no longer defines are left alone, and so, given `now` (when
 * the rules change), are awards whose criteria hold then: a student who
 * meets the new criteria keeps the award as it is, rather than seeing it
 * flagged, or revoked and made again. An award whose loss of support was
 * reported and whose criteria under the new rules hold as of the day it was
 * made is marked for `evaluate` to report as `support-restored`. Returns
 * the badge ids marked as having lost their support.
 *
 * @example
 * recheckSupport(newRuleSet, state, publishedAt);
 * const { supportLost, supportRestored } = evaluate(newRuleSet, state, publishedAt);
 */
export function recheckSupport(ruleSet: RuleSet, state: StudentState, now?: Date): string[] {
  const c = compile(ruleSet);
  const known = new Set(ruleSet.badges.map((b) => b.id));
  const marked: string[] = [];
  for (const [id, held] of Object.entries(state.badges)) {
    if (!known.has(id) || held.revoked !== undefined) continue;
    const metNow = () => now !== undefined && holds(c.badges[c.badgeIndex.get(id)!]!.criteria, makeContext(c, state, now.getTime()));
    // Given back only as the loss a void causes is judged (as of the award date): an award whose support a void took
    // but which the student meets today must not come back with whatever rule change is published next.
    if (held.supportLost) {
      if (held.lossReported && supportedAsOf(c, state, id)) restoreSupport(ruleSet, state, id);
    } else if (!supportedAsOf(c, state, id) && !metNow()) {
      flagSupportLost(ruleSet, state, id);
      marked.push(id);
    }
  }
  return marked;
}

/**
 * Whether a student may still be given an application badge: its criteria
 * hold at `now`, or held when the eligibility was recorded with the facts
 * known now (a window that moved on does not take it away; a voided
 * participation it rested on does). Renewing an expired award counts only
 * facts dated after it, as `evaluate` does. From the badge's `valid-until`
 * date on, it may not: it is no longer awarded.
 *
 * @example
 * if (!eligibilityStands(ruleSet, state, 'meta-leadership', new Date())) refuseApproval();
 */
export function eligibilityStands(ruleSet: RuleSet, state: StudentState, badgeId: string, now: Date): boolean {
  return stands(compile(ruleSet), state, badgeId, now.getTime());
}
