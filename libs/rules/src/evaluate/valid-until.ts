import type { Badge, RuleSet, Validity } from '../language/types';
import { day } from './time';

/** The instant a badge's `valid-until` date begins (epoch ms): every award of it is expired from then on. +Infinity without one. */
export function validUntilOf(validity: Validity | undefined): number {
  return validity?.type === 'until' ? Date.parse(validity.date) : Number.POSITIVE_INFINITY;
}

/** Why badge `badge`, whose `valid-until` begins at `until`, is no longer awarded. */
export function noLongerAwardedText(badge: Badge, until: number): string {
  return `«${badge.name.en}» stopped being valid on ${day(until)} (its \`valid-until\`), so it can no longer be awarded`;
}

/**
 * Why a badge can no longer be awarded at `now`: its `valid-until` date has
 * come, so an award made now would have expired already (`evaluate` makes
 * none). Undefined while it can be awarded, or for an unknown badge.
 *
 * @example
 * noLongerAwarded(ruleSet, 'summer-school', new Date('2026-07-01T00:00:00Z'));
 * // '«Summer school» stopped being valid on 2026-06-30 (its `valid-until`), so it can no longer be awarded'
 */
export function noLongerAwarded(ruleSet: RuleSet, badgeId: string, now: Date): string | undefined {
  const badge = ruleSet.badges.find((b) => b.id === badgeId);
  if (badge === undefined) return undefined;
  const until = validUntilOf(badge.validity);
  return until <= now.getTime() ? noLongerAwardedText(badge, until) : undefined;
}
