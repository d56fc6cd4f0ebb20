import type { RuleChangePolicy, RuleSet } from '../language/types';
import { explainBadge, explainCondition, explainLevel, type BadgeExplanation, type ConditionExplanation, type LevelExplanation } from '../explain/explain';
import { makePlanner } from '../explain/plan';
import { compile, type CompiledBadge } from './compile';
import { basisOf, holds, makeContext, type Context } from './conditions';
import type { StudentState } from './state';
import { expiryOf, iso } from './time';

export type EarnedBadge = {
  badgeId: string;
  /** Event ids of the facts that satisfied the criteria (and the approval, for application badges). */
  basis: string[];
  /** The evaluation clock: when it was earned. */
  at: string;
  expiresAt?: string;
  via: 'criteria' | 'application';
  /** An expired badge earned again with new evidence. */
  renewal: boolean;
  explanation: BadgeExplanation;
};
export type EligibleBadge = { badgeId: string; basis: string[]; explanation: BadgeExplanation };
export type ReachedLevel = { levelId: string; basis: string[]; explanation: LevelExplanation };
export type LostSupport = {
  badgeId: string;
  /** The badge's `on-rule-change` policy: keep the award, revoke it, or flag it for review. */
  policy: RuleChangePolicy;
  /** Plain words: which conditions no longer hold as of the award date. */
  cause: string;
  explanation: BadgeExplanation;
};

export type Outcome =
  | ({ type: 'badge-earned' } & EarnedBadge)
  | ({ type: 'badge-eligible' } & EligibleBadge)
  | ({ type: 'level-reached' } & ReachedLevel)
  | ({ type: 'support-lost' } & LostSupport);

export type Evaluation = {
  studentId: string;
  at: string;
  programId: string;
  ruleSetHash: string;
  earned: EarnedBadge[];
  eligible: EligibleBadge[];
  levelsReached: ReachedLevel[];
  supportLost: LostSupport[];
  /** All of the above in dependency order (a level before the badges it unlocks, a badge before those that count it). */
  outcomes: Outcome[];
};

/**
 * What changed for a student: badges newly earned (automatic ones, and
 * application badges whose application was approved), application badges
 * newly eligible, levels newly reached, and held awards whose support is
 * gone. Earning cascades: a badge earned here counts towards badges and
 * levels later in the same evaluation. Pure: the state is not touched, and
 * the clock is the `now` passed in. The caller folds the outcomes it acts
 * on back into the state (`badge-awarded`, `level-reached`, ...).
 *
 * Cost: one pass over the program's levels and badges; each condition reads
 * the counters, except time-windowed ones, which scan the student's own
 * participations when the counters cannot already rule them out.
 *
 * @example
 * const result = evaluate(ruleSet, state, new Date(event.recordedAt));
 * for (const earned of result.earned) appendBadgeEarned(earned.badgeId, earned.basis, earned.expiresAt);
 */
export function evaluate(ruleSet: RuleSet, state: StudentState, now: Date): Evaluation {
  const c = compile(ruleSet);
  const t = now.getTime();
  const ctx = makeContext(c, state, t, false, true);
  const reachedNow = new Set<number>();
  const reached = (i: number): boolean => reachedNow.has(i) || state.levels[c.levels[i]!.level.id] !== undefined;
  const result: Evaluation = {
    studentId: state.studentId,
    at: iso(t),
    programId: ruleSet.programId,
    ruleSetHash: ruleSet.sha256,
    earned: [],
    eligible: [],
    levelsReached: [],
    supportLost: [],
    outcomes: [],
  };
  for (const step of c.order) {
    if (step.type === 'level') {
      const i = step.node.index;
      if (reached(i) || (i > 0 && !reached(i - 1)) || !holds(step.node.condition, ctx)) continue;
      reachedNow.add(i);
      const out: ReachedLevel = { levelId: step.node.level.id, basis: [...basisOf(step.node.condition, ctx)], explanation: levelExplanation(ctx, i, reachedNow) };
      result.levelsReached.push(out);
      result.outcomes.push({ type: 'level-reached', ...out });
      continue;
    }
    const cb = step.node;
    if (cb.level >= 0 && !reached(cb.level)) continue;
    const i = cb.index;
    const held = state.badges[cb.badge.id];
    if (ctx.valid[i] === 1) {
      if (held?.supportLost && !held.lossReported) checkSupport(ctx, cb, result);
      continue;
    }
    if (held?.revoked === 'coordinator') continue;
    const renewal = held !== undefined && held.revoked === undefined;
    if (renewal) ctx.after = held.at;
    try {
      decideBadge(ctx, cb, renewal, result, reachedNow);
    } finally {
      ctx.after = Number.NEGATIVE_INFINITY;
    }
  }
  return result;
}

function decideBadge(ctx: Context, cb: CompiledBadge, renewal: boolean, result: Evaluation, reachedNow: Set<number>): void {
  const { state } = ctx;
  const id = cb.badge.id;
  if (cb.badge.award === 'automatic') {
    if (holds(cb.criteria, ctx)) earn(ctx, cb, renewal, 'criteria', [...basisOf(cb.criteria, ctx)], result, reachedNow);
    return;
  }
  const eligible = state.eligible[id] !== undefined;
  if (state.applications[id]?.status === 'approved') {
    const met = holds(cb.criteria, ctx);
    if (!met && !eligible) return;
    const basis = met ? basisOf(cb.criteria, ctx) : new Set<string>();
    const approval = state.applications[id]?.eventId;
    if (approval) basis.add(approval);
    earn(ctx, cb, renewal, 'application', [...basis], result, reachedNow);
    return;
  }
  // Eligibility already recorded: nothing can change until a coordinator decides.
  if (eligible || !holds(cb.criteria, ctx)) return;
  const out: EligibleBadge = { badgeId: id, basis: [...basisOf(cb.criteria, ctx)], explanation: badgeExplanation(ctx, cb.index, reachedNow) };
  result.eligible.push(out);
  result.outcomes.push({ type: 'badge-eligible', ...out });
}

function earn(
  ctx: Context,
  cb: CompiledBadge,
  renewal: boolean,
  via: EarnedBadge['via'],
  basis: string[],
  result: Evaluation,
  reachedNow: Set<number>,
): void {
  const i = cb.index;
  ctx.valid[i] = 1;
  ctx.awardAt[i] = ctx.now;
  ctx.evidence[i] = basis;
  const out: EarnedBadge = { badgeId: cb.badge.id, basis, at: iso(ctx.now), via, renewal, explanation: badgeExplanation(ctx, i, reachedNow) };
  const expires = expiryOf(cb.badge.validity, ctx.now);
  if (expires !== undefined) out.expiresAt = iso(expires);
  result.earned.push(out);
  result.outcomes.push({ type: 'badge-earned', ...out });
}

/** Re-checks a held award as of the day it was made, with today's facts (after voids and revocations). */
function checkSupport(ctx: Context, cb: CompiledBadge, result: Evaluation): void {
  const held = ctx.state.badges[cb.badge.id]!;
  const then = makeContext(ctx.c, ctx.state, held.at, true);
  if (holds(cb.criteria, then)) return;
  const failing: string[] = [];
  const walk = (e: ConditionExplanation): void => {
    if (e.met) return;
    if (e.children && e.kind !== 'not' && e.kind !== 'any') e.children.forEach(walk);
    else failing.push(e.current !== undefined ? `${e.text} (now ${e.current} of ${e.required})` : e.text);
  };
  walk(explainCondition(cb.criteria, then));
  const out: LostSupport = {
    badgeId: cb.badge.id,
    policy: cb.badge.onRuleChange,
    cause: `As of the award on ${iso(held.at).slice(0, 10)}, no longer met: ${failing.join('; ')}.`,
    explanation: badgeExplanation(ctx, cb.index, new Set()),
  };
  result.supportLost.push(out);
  result.outcomes.push({ type: 'support-lost', ...out });
}

/** Explanations see the levels reached earlier in this evaluation as reached. */
function withLevels(ctx: Context, reachedNow: Set<number>): Context {
  if (reachedNow.size === 0) return ctx;
  const levels = { ...ctx.state.levels };
  for (const i of reachedNow) levels[ctx.c.levels[i]!.level.id] ??= ctx.now;
  return { ...ctx, state: { ...ctx.state, levels } };
}

function badgeExplanation(ctx: Context, i: number, reachedNow: Set<number>): BadgeExplanation {
  return explainBadge(makePlanner(withLevels(ctx, reachedNow)), i);
}

function levelExplanation(ctx: Context, i: number, reachedNow: Set<number>): LevelExplanation {
  return explainLevel(makePlanner(withLevels(ctx, reachedNow)), i);
}
