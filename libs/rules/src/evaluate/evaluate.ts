import type { RuleChangePolicy, RuleSet } from '../language/types';
import {
  explainBadge,
  explainCondition,
  explainLevel,
  type BadgeExplanation,
  type ConditionExplanation,
  type LevelExplanation,
} from '../explain/explain';
import { makePlanner } from '../explain/plan';
import { compile, type CompiledBadge, type Step } from './compile';
import { basisOf, clockUse, holds, makeContext, type Context } from './conditions';
import type { StudentState } from './state';
import { badgeField, F_APPLICATION, F_AT, F_ELIGIBLE, F_FLAGS, F_REVOKED, isClean, setClean } from './tally';
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

export type RestoredSupport = {
  badgeId: string;
  /** The badge's `on-rule-change` policy (`flag`: the award is no longer waiting for review). */
  policy: RuleChangePolicy;
  /** Plain words: that the criteria hold again, and as of when. */
  cause: string;
  /** Event ids of the facts it rests on now. */
  basis: string[];
  explanation: BadgeExplanation;
};

export type Outcome =
  | ({ type: 'badge-earned' } & EarnedBadge)
  | ({ type: 'badge-eligible' } & EligibleBadge)
  | ({ type: 'level-reached' } & ReachedLevel)
  | ({ type: 'support-lost' } & LostSupport)
  | ({ type: 'support-restored' } & RestoredSupport);

export type Evaluation = {
  studentId: string;
  /** The clock the evaluation used (ISO-8601). */
  at: string;
  programId: string;
  ruleSetHash: string;
  earned: readonly EarnedBadge[];
  eligible: readonly EligibleBadge[];
  levelsReached: readonly ReachedLevel[];
  supportLost: readonly LostSupport[];
  /** Held awards whose loss of support was reported and whose criteria hold again. */
  supportRestored: readonly RestoredSupport[];
  /** All of the above in dependency order (a level before the badges it unlocks, a badge before those that count it). */
  outcomes: readonly Outcome[];
};

const NONE: readonly never[] = Object.freeze([]);

/**
 * What changed for a student: badges newly earned (automatic ones, and
 * application badges whose application was approved), application badges
 * newly eligible, levels newly reached, held awards whose support is
 * gone, and those whose lost support is back. Earning cascades: a badge earned here counts towards badges and
 * levels later in the same evaluation. Pure: the state is not touched, and
 * the clock is the `now` passed in (a Date, or epoch ms, which spares the
 * caller a Date per event). The caller folds the outcomes it acts
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
export function evaluate(ruleSet: RuleSet, state: StudentState, now: Date | number): Evaluation {
  const c = compile(ruleSet);
  const time = typeof now === 'number' ? now : now.getTime();
  const ctx = makeContext(c, state, time, false, true);
  const { t } = ctx;
  // Most evaluations report nothing: outcomes are gathered in a reused list and copied out only when there are some.
  const outcomes = gathered;
  // Empty unless an earlier evaluation threw; setting `length` is a call into the runtime even when it is 0.
  if (outcomes.length !== 0) outcomes.length = 0;
  const order = c.order;
  for (let s = 0; s < order.length; s++) {
    // Until something is reported, a step that reported nothing last time, none of whose inputs changed since, is skipped.
    const quiet = outcomes.length === 0;
    if (quiet && isClean(t, s)) continue;
    clockUse.read = false;
    const settled = runStep(ctx, order[s]!, outcomes);
    if (quiet && outcomes.length === 0 && (settled || c.timed[s] === 0 || !clockUse.read)) setClean(t, s, settled);
  }
  const result: Evaluation = {
    studentId: state.studentId,
    at: isoOf(time),
    programId: ruleSet.programId,
    ruleSetHash: ruleSet.sha256,
    earned: NONE,
    eligible: NONE,
    levelsReached: NONE,
    supportLost: NONE,
    supportRestored: NONE,
    outcomes: NONE,
  };
  // Most evaluations change nothing: they share one frozen empty list.
  if (outcomes.length === 0) return result;
  const all = outcomes.slice();
  outcomes.length = 0;
  const pick = <T extends Outcome['type']>(type: T): Array<Extract<Outcome, { type: T }>> =>
    all.filter((o): o is Extract<Outcome, { type: T }> => o.type === type);
  return {
    ...result,
    earned: pick('badge-earned'),
    eligible: pick('badge-eligible'),
    levelsReached: pick('level-reached'),
    supportLost: pick('support-lost'),
    supportRestored: pick('support-restored'),
    outcomes: all,
  };
}

/** The outcomes of the evaluation under way (`evaluate` is never re-entered: explanations do not evaluate). */
const gathered: Outcome[] = [];

/**
 * One level or badge of the dependency order: what it newly reaches, earns,
 * or loses. Returns true when it is settled: its answer rests on other
 * facts only, not on participations or the clock (see `setClean`).
 */
function runStep(ctx: Context, step: Step, outcomes: Outcome[]): boolean {
  const { t } = ctx;
  if (step.type === 'level') {
    const i = step.node.index;
    if (ctx.reached[i] === 1) return true;
    if ((i > 0 && ctx.reached[i - 1] !== 1) || !holds(step.node.condition, ctx)) return false;
    ctx.reached[i] = 1;
    const out: ReachedLevel = {
      levelId: step.node.level.id,
      basis: [...basisOf(step.node.condition, ctx)],
      explanation: explainLevel(makePlanner(ctx), i),
    };
    outcomes.push({ type: 'level-reached', ...out });
    return false;
  }
  const cb = step.node;
  if (cb.level >= 0 && ctx.reached[cb.level] !== 1) return true;
  const i = cb.index;
  if (ctx.valid[i] !== 0) {
    const flags = badgeField(t, F_FLAGS, i) & 3;
    if (flags === 0) return true;
    const before = outcomes.length;
    checkSupport(ctx, cb, flags, outcomes);
    // Lost, reported, and still lost as of the award date: only a participation from before that date can change it
    // (`fold` forgets this step when one comes), or a change to a badge it counts (which forgets it too).
    return flags === 3 && outcomes.length === before;
  }
  const revoked = badgeField(t, F_REVOKED, i);
  if (revoked === 1) return true;
  const heldAt = badgeField(t, F_AT, i);
  const renewal = heldAt === heldAt && revoked === 0;
  if (renewal) ctx.after = heldAt;
  try {
    decideBadge(ctx, cb, renewal, outcomes);
  } finally {
    ctx.after = Number.NEGATIVE_INFINITY;
  }
  return false;
}

/** `iso` of the last evaluation's clock, kept: the evaluations of one event share it. */
let lastTime = Number.NaN;
let lastIso = '';
function isoOf(time: number): string {
  if (time !== lastTime) {
    lastIso = iso(time);
    lastTime = time;
  }
  return lastIso;
}

function decideBadge(ctx: Context, cb: CompiledBadge, renewal: boolean, outcomes: Outcome[]): void {
  // From its `valid-until` date on, an award would be expired as it is made, and an eligibility leads to none.
  if (cb.until <= ctx.now) {
    clockUse.read = true;
    return;
  }
  const { t } = ctx;
  const i = cb.index;
  if (cb.badge.award === 'automatic') {
    if (holds(cb.criteria, ctx)) earn(ctx, cb, renewal, 'criteria', [...basisOf(cb.criteria, ctx)], outcomes);
    return;
  }
  const since = badgeField(t, F_ELIGIBLE, i);
  const eligible = since === since;
  if (badgeField(t, F_APPLICATION, i) === 2) {
    const met = holds(cb.criteria, ctx);
    if (!met && !eligible) return;
    const basis = met ? basisOf(cb.criteria, ctx) : new Set<string>();
    const approval = ctx.state.applications[cb.badge.id]?.eventId;
    if (approval) basis.add(approval);
    earn(ctx, cb, renewal, 'application', [...basis], outcomes);
    return;
  }
  // Eligibility already recorded: nothing changes until a coordinator decides.
  if (eligible || !holds(cb.criteria, ctx)) return;
  const out: EligibleBadge = { badgeId: cb.badge.id, basis: [...basisOf(cb.criteria, ctx)], explanation: explainBadge(makePlanner(ctx), i) };
  outcomes.push({ type: 'badge-eligible', ...out });
}

function earn(ctx: Context, cb: CompiledBadge, renewal: boolean, via: EarnedBadge['via'], basis: string[], outcomes: Outcome[]): void {
  const i = cb.index;
  ctx.valid[i] = 2;
  (ctx.evidence ??= ctx.c.scratch.evidence).set(i, basis);
  const out: EarnedBadge = { badgeId: cb.badge.id, basis, at: iso(ctx.now), via, renewal, explanation: explainBadge(makePlanner(ctx), i) };
  const expires = expiryOf(cb.badge.validity, ctx.now);
  if (expires !== undefined) out.expiresAt = iso(expires);
  outcomes.push({ type: 'badge-earned', ...out });
}

/**
 * A held award whose support is in question (`flags`: bit 1 support lost,
 * bit 2 loss reported). Lost and not yet reported: reported unless a later
 * fact restored it. Reported: re-checked as of the award date when a fact
 * that could change that comes (see `runStep`), and reported restored once
 * it holds again (a rule change that finds it so clears bit 1).
 */
function checkSupport(ctx: Context, cb: CompiledBadge, flags: number, outcomes: Outcome[]): void {
  const held = ctx.state.badges[cb.badge.id];
  if (held === undefined) return;
  const then = makeContext(ctx.c, ctx.state, held.at, true);
  const heldThen = holds(cb.criteria, then);
  // Which award, and that the criteria are judged as of its date (with what is on record now): a coordinator reads this in the review list.
  const award = `«${cb.badge.name.en}» (awarded ${iso(held.at).slice(0, 10)})`;
  if (flags !== 1) {
    if (!heldThen) return;
    const out: RestoredSupport = {
      badgeId: cb.badge.id,
      policy: cb.badge.onRuleChange,
      cause: `${award} meets its criteria again as of its award date: ${explainCondition(cb.criteria, then).text}.`,
      basis: [...new Set([...held.basis, ...basisOf(cb.criteria, then)])],
      explanation: explainBadge(makePlanner(ctx), cb.index),
    };
    outcomes.push({ type: 'support-restored', ...out });
    return;
  }
  if (heldThen) return;
  const failing: string[] = [];
  const walk = (e: ConditionExplanation): void => {
    if (e.met) return;
    if (e.children && e.kind !== 'not' && e.kind !== 'any') e.children.forEach(walk);
    else failing.push(e.kind === 'participations' || e.kind === 'badges' ? `${e.text} (${e.current} of ${e.required} by then)` : e.text);
  };
  walk(explainCondition(cb.criteria, then));
  const out: LostSupport = {
    badgeId: cb.badge.id,
    policy: cb.badge.onRuleChange,
    cause: `${award} no longer meets its criteria as of its award date: ${failing.join('; ')}.`,
    explanation: explainBadge(makePlanner(ctx), cb.index),
  };
  outcomes.push({ type: 'support-lost', ...out });
}
