import { describeCondition } from '../language/describe';
import type { AwardMode, BadgeMeasure, Condition, LocalizedText, ParticipationMeasure, RuleSet, SourcePosition } from '../language/types';
import { compile, type Compiled } from '../evaluate/compile';
import {
  awardTime,
  badgeValue,
  countingAfter,
  eligibilityStands,
  holds,
  makeContext,
  participationValue,
  renewalAfter,
  type Context,
} from '../evaluate/conditions';
import type { StudentState } from '../evaluate/state';
import { applicationCode, badgeField, F_APPLICATION, F_AT, F_ELIGIBLE, F_EXPIRES, F_FLAGS, F_REVOKED, levelAt } from '../evaluate/tally';
import { day, iso, windowBefore, windowFrom } from '../evaluate/time';
import { makePlanner, planBadge, planLevel, type MissingStep, type Planner } from './plan';

/** One condition: met or not, current against required value, and its parts. */
export type ConditionExplanation = {
  kind: Condition['kind'];
  /** What `current` and `required` count, for `participations` and `badges` conditions: an `hours:` condition counts hours, `distinct-categories:` categories. */
  measure?: ParticipationMeasure | BadgeMeasure;
  text: string;
  met: boolean;
  current?: number;
  required?: number;
  /** The dates counted, when the condition has a time window (before is exclusive). */
  window?: { from?: string; before?: string };
  children?: ConditionExplanation[];
  /** Where the condition is written in the rule file. */
  pos: SourcePosition;
};

export type BadgeStatus = 'held' | 'expired' | 'revoked' | 'approved' | 'applied' | 'rejected' | 'eligible' | 'in-progress' | 'locked';

export type BadgeExplanation = {
  badgeId: string;
  name: LocalizedText;
  level: string;
  award: AwardMode;
  status: BadgeStatus;
  /** The criteria hold now. */
  met: boolean;
  levelReached: boolean;
  condition: ConditionExplanation;
  /**
   * Shortest set of steps found to earn it; empty when held. Applying for
   * it is among them only when the student may apply now (`eligible`, or
   * `rejected` / `expired` with the criteria met and the level reached):
   * otherwise an application would be refused, and the steps say what it
   * lacks.
   */
  missing: MissingStep[];
  /**
   * Rough effort (participations) of `missing`; absent when it cannot be
   * earned any more (a `blocked` step in `missing` says why), as JSON has no
   * Infinity and would answer `null`.
   */
  cost?: number;
  heldSince?: string;
  expiresAt?: string;
  /**
   * Expired: that it did, and that renewing it counts only facts dated
   * after the award (as the evaluator does); `met`, `condition` and
   * `missing` count those alone.
   */
  renewal?: string;
  /** Held, but something it rested on was voided or revoked. */
  supportLost?: boolean;
};

export type LevelExplanation = {
  levelId: string;
  name: LocalizedText;
  rank: number;
  reached: boolean;
  reachedAt?: string;
  met: boolean;
  condition: ConditionExplanation;
  missing: MissingStep[];
  /** Rough effort (participations) of `missing`; absent when it cannot be reached any more (a `blocked` step says why). */
  cost?: number;
};

export type Explanation = {
  studentId: string;
  at: string;
  programId: string;
  ruleSetHash: string;
  /** The highest level reached. */
  currentLevel?: string;
  levels: LevelExplanation[];
  badges: BadgeExplanation[];
  /** The next level and the closest badge not yet held, with the shortest steps to each. */
  next: {
    level?: { levelId: string; missing: MissingStep[] };
    badge?: { badgeId: string; missing: MissingStep[] };
  };
};

/** A condition tree with current and required values. */
export function explainCondition(cc: Compiled, ctx: Context): ConditionExplanation {
  const rs = ctx.c.ruleSet;
  const kind = cc.source.kind;
  const text = describeCondition(rs, cc.source);
  const met = holds(cc, ctx);
  const pos = cc.source.pos;
  // One literal per shape (no spread of a shared base): an explanation is built for every outcome.
  switch (cc.kind) {
    case 'participations':
    case 'badges': {
      const value = cc.kind === 'participations' ? participationValue(cc, ctx) : badgeValue(cc, ctx);
      const out: ConditionExplanation = { kind, measure: cc.measure, text, met, pos, current: value, required: cc.atLeast };
      if (cc.window) {
        const from = windowFrom(rs, cc.window, ctx.now);
        const before = windowBefore(rs, cc.window, ctx.now, from);
        out.window = {};
        if (Number.isFinite(from)) out.window.from = day(from);
        if (Number.isFinite(before)) out.window.before = cc.window.type === 'last' ? iso(before) : day(before);
      }
      return out;
    }
    case 'holds-badge':
      return { kind, text, met, pos, current: ctx.valid[cc.badge] ?? 0, required: 1 };
    case 'all':
    case 'any':
      return { kind, text, met, pos, children: cc.children.map((x) => explainCondition(x, ctx)) };
    case 'not':
      return { kind, text, met, pos, children: [explainCondition(cc.child, ctx)] };
    default: {
      const never: never = cc;
      throw new Error(`unknown condition ${JSON.stringify(never)}`);
    }
  }
}

/**
 * An eligibility recorded earlier still counts when a window has moved on
 * since, but not once a participation or badge it rested on is gone: an
 * application would then be refused.
 */
const eligibilityRecordedAndStands = (ctx: Context, index: number): boolean =>
  !Number.isNaN(badgeField(ctx.t, F_ELIGIBLE, index)) && eligibilityStands(ctx.c, ctx.state, ctx.c.badges[index]!.badge.id, ctx.now);

/**
 * Whether an application for the badge explained would be taken now: it is
 * `eligible`, or `rejected` or `expired` with the criteria met (counting only
 * what came after the expired award) and the level reached, and no step is
 * `blocked` (a coordinator's revocation, a `valid-until` that has come). The
 * one rule for the engine's answer to an application and for the steps an
 * explanation lists.
 *
 * @example
 * const explained = explain(ruleSet, state, now).badges.find((b) => b.badgeId === 'meta-leadership');
 * if (explained && mayApply(explained)) submitApplication();
 */
export function mayApply(b: Pick<BadgeExplanation, 'status' | 'met' | 'levelReached' | 'missing'>): boolean {
  if (b.status === 'eligible') return true;
  return (b.status === 'rejected' || b.status === 'expired') && b.met && b.levelReached && !b.missing.some((s) => s.kind === 'blocked');
}

/**
 * Why an application for the badge explained would be refused, or undefined
 * when `mayApply` takes it. `reason`: that an expired award's evidence no
 * longer counts, then the steps missing; `final` when more activity would not
 * change the answer (a coordinator's revocation, a `valid-until` that has
 * come), so a refusal says "not eligible", not "not eligible yet".
 *
 * @example
 * const refused = applicationRefusal(explained);
 * if (refused) throw new Error(`not eligible${refused.final ? '' : ' yet'}: ${refused.reason}`);
 */
export function applicationRefusal(b: BadgeExplanation): { reason: string; final: boolean } | undefined {
  if (mayApply(b)) return undefined;
  // An expired award: why the evidence it was awarded on no longer counts comes before what is missing.
  const reason = [...(b.renewal ? [b.renewal] : []), ...b.missing.map((m) => m.text)].join('; ');
  return { reason, final: b.status === 'revoked' || b.missing.some((m) => m.kind === 'blocked') };
}

/** Why a badge is (not) held, and what is missing. */
export function explainBadge(planner: Planner, index: number): BadgeExplanation {
  const { ctx } = planner;
  const cb = ctx.c.badges[index]!;
  const b = cb.badge;
  // The award and the application as the tally mirrors them (`setBadgeField`), not from `state.badges` and
  // `state.applications`: looking a badge up there costs a cache miss or two per outcome explained.
  const t = ctx.t;
  const awarded = !Number.isNaN(badgeField(t, F_AT, index));
  const revoked = badgeField(t, F_REVOKED, index);
  const expires = badgeField(t, F_EXPIRES, index);
  const expiring = awarded && revoked === 0 && expires !== Number.POSITIVE_INFINITY;
  const levelReached = cb.level < 0 || ctx.reached[cb.level] === 1;
  const valid = ctx.valid[index] !== 0;
  // An expired award is renewed only with facts dated after it. Held, it is judged with the facts `evaluate`
  // counted (those after the previous award, for one renewed in the evaluation under way).
  const after = valid ? ctx.after : renewalAfter(ctx, index);
  const met = countingAfter(ctx, after, () => holds(cb.criteria, ctx));
  const app = badgeField(t, F_APPLICATION, index);
  // From its `valid-until` date on, it is not awarded: nothing makes the student eligible or renews it (the plan says why).
  const closed = cb.until <= ctx.now;
  // An application made since an award expired (to renew it) is what the student waits on: it comes before `expired`.
  const status: BadgeStatus = valid
    ? 'held'
    : awarded && revoked === 1
      ? 'revoked'
      : app === applicationCode('approved')
        ? 'approved'
        : app === applicationCode('submitted')
          ? 'applied'
          : expiring && expires <= ctx.now
            ? 'expired'
            : app === applicationCode('rejected')
              ? 'rejected'
              : b.award === 'application' && !closed && levelReached && (met || eligibilityRecordedAndStands(ctx, index))
                ? 'eligible'
                : levelReached
                  ? 'in-progress'
                  : 'locked';
  const plan = planBadge(planner, index);
  // Applying is a step only while an application would be taken: otherwise this is the answer to a refused
  // application, and "apply for it" would answer it with itself.
  const missing = mayApply({ status, met, levelReached, missing: plan.steps })
    ? plan.steps
    : plan.steps.filter((s) => !(s.kind === 'apply' && s.badgeId === b.id));
  const out: BadgeExplanation = {
    badgeId: b.id,
    name: b.name,
    level: b.level,
    award: b.award,
    status,
    met,
    levelReached,
    condition: countingAfter(ctx, after, () => explainCondition(cb.criteria, ctx)),
    missing,
  };
  if (Number.isFinite(plan.cost)) out.cost = plan.cost;
  if (valid) out.heldSince = iso(awardTime(ctx, index));
  if (expiring) out.expiresAt = iso(expires);
  if (expiring && expires <= ctx.now && !valid && !closed) {
    out.renewal = `«${b.name.en}» expired on ${day(expires)}; renewing it needs new participations after its award on ${day(after)} (earlier ones counted towards that award)`;
  }
  if (awarded && revoked === 0 && (badgeField(t, F_FLAGS, index) & 1) === 1) out.supportLost = true;
  return out;
}

/** Why a level is (not) reached, and what is missing. */
export function explainLevel(planner: Planner, index: number): LevelExplanation {
  const { ctx } = planner;
  const cl = ctx.c.levels[index]!;
  const reached = ctx.reached[index] === 1;
  const at = levelAt(ctx.t, index);
  const reachedAt = reached ? (at === at ? at : ctx.now) : undefined;
  const plan = planLevel(planner, index);
  const out: LevelExplanation = {
    levelId: cl.level.id,
    name: cl.level.name,
    rank: cl.level.rank,
    reached,
    met: holds(cl.condition, ctx),
    condition: explainCondition(cl.condition, ctx),
    missing: plan.steps,
  };
  if (Number.isFinite(plan.cost)) out.cost = plan.cost;
  if (reachedAt !== undefined) out.reachedAt = iso(reachedAt);
  return out;
}

/**
 * Everything about a student under a rule set at a given time: each level
 * and badge, met or not, each condition's current against required value,
 * and the shortest set of steps found to the next level and the closest
 * badge ("1 more activity badge in Science before 2027-06-30").
 *
 * @example
 * const why = explain(ruleSet, state, new Date('2026-03-01T00:00:00Z'));
 * console.log(why.next.level?.missing.map((s) => s.text));
 */
export function explain(ruleSet: RuleSet, state: StudentState, now: Date): Explanation {
  const c = compile(ruleSet);
  const ctx = makeContext(c, state, now.getTime());
  const planner = makePlanner(ctx);
  const levels = c.levels.map((l) => explainLevel(planner, l.index));
  const badges = c.badges.map((b) => explainBadge(planner, b.index));
  const reached = levels.filter((l) => l.reached);
  const nextLevel = levels.find((l) => !l.reached);
  const candidates = badges
    .flatMap((b) => (b.status !== 'held' && b.missing.length > 0 && b.cost !== undefined ? [{ b, cost: b.cost }] : []))
    .sort((x, y) => Number(y.b.levelReached) - Number(x.b.levelReached) || x.cost - y.cost)
    .map((x) => x.b);
  const nextBadge = candidates[0];
  const out: Explanation = {
    studentId: state.studentId,
    at: now.toISOString(),
    programId: ruleSet.programId,
    ruleSetHash: ruleSet.sha256,
    levels,
    badges,
    next: {},
  };
  const current = reached[reached.length - 1];
  if (current) out.currentLevel = current.levelId;
  if (nextLevel) out.next.level = { levelId: nextLevel.levelId, missing: nextLevel.missing };
  if (nextBadge) out.next.badge = { badgeId: nextBadge.badgeId, missing: nextBadge.missing };
  return out;
}
