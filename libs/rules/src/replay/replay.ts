import type { RuleSet } from '../language/types';
import { evaluate, type Outcome } from '../evaluate/evaluate';
import { fold, initialState, type Fact, type StudentState } from '../evaluate/state';

/**
 * A fact and the time its event was recorded in the log (ISO-8601, the
 * event's `recordedAt`, not a participation's `occurredAt`): the engine
 * evaluates it then, and an `asOf` view counts it from then on.
 */
export type TimedFact = { fact: Fact; at: string };

export type ReplayResult = {
  state: StudentState;
  /** Everything the engine would have done, in order, with the clock of each. */
  outcomes: Array<{ at: string; outcome: Outcome }>;
};

/**
 * Plays a student's facts through a rule set the way the engine does:
 * fold each fact, evaluate at its time, and fold the outcomes back
 * (awards, eligibilities, levels, loss and return of support and the
 * `revoke` policy). Facts the engine derives (`badge-awarded`, `level-reached`, ...)
 * should not be in the input: they are recomputed under this rule set.
 *
 * With `until`, the student as of that instant: facts recorded after it
 * are left out (see {@link recordedBy}) and the last evaluation runs at
 * `until`, so time windows and expiries are judged then.
 *
 * With `admit`, each fact is offered first with the student as they stand
 * just before it: false stops the replay there (the engine would refuse the
 * command that records it), with no final evaluation.
 *
 * @example
 * const { state } = replay(ruleSet, 's1', [
 *   { at: '2025-10-01T12:00:00Z', fact: { type: 'participation-recorded', eventId: 'e1', participationId: 'p1', activityId: 'basketball', occurredAt: '2025-10-01T12:00:00Z', role: 'participant' } },
 * ], new Date('2025-12-31T23:59:59.999Z'));
 */
export function replay(
  ruleSet: RuleSet,
  studentId: string,
  facts: Iterable<TimedFact>,
  until?: Date,
  admit?: (fact: TimedFact, state: StudentState) => boolean,
): ReplayResult {
  const state = initialState(studentId);
  const outcomes: ReplayResult['outcomes'] = [];
  let n = 0;
  for (const { fact, at } of facts) {
    if (until && !recordedBy({ fact, at }, until)) continue;
    if (admit && !admit({ fact, at }, state)) return { state, outcomes };
    fold(ruleSet, state, fact);
    settle(ruleSet, state, new Date(at), outcomes, () => `replay-${studentId}-${(n += 1)}`);
  }
  if (until) settle(ruleSet, state, until, outcomes, () => `replay-${studentId}-${(n += 1)}`);
  return { state, outcomes };
}

/**
 * Whether a fact was in the log at `until` (recorded at or before it): the
 * same cut-off as the engine's `asOf` views, which read the events whose
 * `recordedAt` is not after `asOf`. A participation recorded late counts
 * from when it was recorded, not from its `occurredAt`.
 *
 * @example
 * const asOf = new Date('2025-10-01T23:59:59.999Z');
 * const known = history.facts.filter((f) => recordedBy(f, asOf));
 */
export function recordedBy(fact: TimedFact, until: Date): boolean {
  return Date.parse(fact.at) <= until.getTime();
}

/**
 * Evaluates and folds the outcomes back until nothing changes (a revocation
 * can take support from other awards): the engine's loop without the event
 * store. `nextId` names the award events it pretends to append.
 *
 * @example
 * let n = 0;
 * settle(ruleSet, state, new Date(), undefined, () => `award-${(n += 1)}`);
 */
export function settle(ruleSet: RuleSet, state: StudentState, now: Date, log: ReplayResult['outcomes'] | undefined, nextId: () => string): void {
  for (let round = 0; round < 10; round++) {
    const result = evaluate(ruleSet, state, now);
    if (result.outcomes.length === 0) return;
    const at = result.at;
    for (const outcome of result.outcomes) {
      log?.push({ at, outcome });
      applyOutcome(ruleSet, state, at, outcome, nextId);
    }
  }
}

/**
 * Folds back what the engine records for an outcome: the award, the level,
 * the eligibility, the loss of support (and the revocation, under the
 * `revoke` policy), or its return.
 *
 * @example
 * for (const o of result.outcomes) applyOutcome(ruleSet, state, result.at, o, () => appendedEventId);
 */
export function applyOutcome(ruleSet: RuleSet, state: StudentState, at: string, outcome: Outcome, nextId: () => string): void {
  switch (outcome.type) {
    case 'badge-earned': {
      const fact: Fact = { type: 'badge-awarded', badgeId: outcome.badgeId, at, eventId: nextId(), basis: outcome.basis };
      if (outcome.expiresAt) fact.expiresAt = outcome.expiresAt;
      fold(ruleSet, state, fact);
      return;
    }
    case 'badge-eligible':
      fold(ruleSet, state, { type: 'eligibility-reached', badgeId: outcome.badgeId, at });
      return;
    case 'level-reached':
      fold(ruleSet, state, { type: 'level-reached', levelId: outcome.levelId, at });
      return;
    case 'support-lost':
      fold(ruleSet, state, { type: 'award-support-lost', badgeId: outcome.badgeId });
      if (outcome.policy === 'revoke') fold(ruleSet, state, { type: 'badge-revoked', badgeId: outcome.badgeId, cause: 'support-lost' });
      return;
    case 'support-restored':
      fold(ruleSet, state, { type: 'award-support-restored', badgeId: outcome.badgeId, basis: outcome.basis });
      return;
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Badges held and valid at `now` (not revoked, not expired).
 *
 * @example
 * heldBadges(state, new Date('2026-06-30')) // ['sports-participant', 'maker']
 */
export function heldBadges(state: StudentState, now: Date): string[] {
  const t = now.getTime();
  return Object.entries(state.badges)
    .filter(([, b]) => b.revoked === undefined && (b.expiresAt === undefined || b.expiresAt > t))
    .map(([id]) => id);
}
