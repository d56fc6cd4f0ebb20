import { describeBadgeFilter, describeParticipationFilter, unitOf, unitWord } from '../language/describe';
import type { Compiled } from '../evaluate/compile';
import {
  asWritten,
  badgeValue,
  countingAfter,
  holds,
  matchingParticipations,
  participationValue,
  renewalAfter,
  type Context,
} from '../evaluate/conditions';
import { badgeField, F_ELIGIBLE } from '../evaluate/tally';
import { day, windowRange } from '../evaluate/time';
import { noLongerAwardedText } from '../evaluate/valid-until';

/** One thing the student still has to do. `amount` is how many of it. */
export type MissingStep = {
  kind:
    | 'participate'
    | 'log-hours'
    | 'try-activities'
    | 'cover-categories'
    | 'cover-competencies'
    | 'earn-badges'
    | 'earn-badge'
    | 'reach-level'
    | 'apply'
    | 'await-decision'
    | 'await-award'
    | 'blocked';
  amount: number;
  /** Plain English, e.g. "1 more activity badge in Science before 2027-06-30". */
  text: string;
  /** The step must be done before this date (exclusive), when a time window ends. */
  deadline?: string;
  badgeId?: string;
  levelId?: string;
  /** Ids (activities, categories, competencies or badges) that would count, closest first. */
  suggestions?: string[];
};

/**
 * The cheapest way found to satisfy something: its steps and their cost
 * (participations needed, roughly). `hops` counts the badges its steps ask
 * to earn on the way: of two plans of equal cost, the one with fewer is
 * preferred. It is kept apart so that the cost stays the sum of the amounts.
 */
export type Plan = { cost: number; steps: MissingStep[]; hops?: number };

/** Whether `a` is a better plan than `b`: cheaper, or as cheap with fewer badges to earn on the way. */
const better = (a: Plan, b: Plan): boolean => a.cost < b.cost || (a.cost === b.cost && (a.hops ?? 0) < (b.hops ?? 0));

const DONE: Plan = { cost: 0, steps: [] };
const blocked = (text: string): Plan => ({ cost: Number.POSITIVE_INFINITY, steps: [{ kind: 'blocked', amount: 0, text }] });

/**
 * Plans the missing steps for badges and levels, remembering what it has
 * planned, by badge and level index (sparse arrays rather than maps: a
 * planner is made for every outcome's explanation).
 */
export type Planner = {
  ctx: Context;
  badges: Array<Plan | 'planning' | undefined>;
  levels: Array<Plan | 'planning' | undefined>;
  /**
   * A badge's own steps, to mention it inside another step: its level (not
   * the way there, which the level's plan gives), its criteria, its application.
   */
  own: Array<MissingStep[] | undefined>;
};

export function makePlanner(ctx: Context): Planner {
  return { ctx, badges: [], levels: [], own: [] };
}

/**
 * Steps are written as instructions ("first reach level Activity", "apply
 * for «X»") or as what is lacking ("2 more participations in Sports").
 * After "needs", an instruction reads as what it lacks: "level Activity
 * first", "an application". Only instructions have an entry.
 */
const lacking = new WeakMap<MissingStep, string>();

/**
 * A step's wording after "needs": what is lacking rather than what to do.
 *
 * @example
 * `still needs ${explanation.missing.map(lackingText).join(', ')}` // still needs level META first, an application
 */
export const lackingText = (step: MissingStep): string => lacking.get(step) ?? step.text;

const instruction = (step: MissingStep, asLacking: string): MissingStep => {
  lacking.set(step, asLacking);
  return step;
};

/**
 * What the earlier steps of a list have said: the badges they detailed
 * (by index) and the steps themselves, theirs included (by `alone`).
 */
type Said = Set<number | string>;
/** A step that tells how to earn another badge, written for its place in a list: it gains what it says. */
type Write = (said: Said) => MissingStep;
const writers = new WeakMap<MissingStep, { write: Write; alone: string }>();

/** A step's wording alone in a list: the same step reads the same however it is written. */
const alone = (step: MissingStep): string => writers.get(step)?.alone ?? step.text;

/** A step written by `write`, first as if alone in its list. */
function detailing(write: Write): MissingStep {
  const step = write(new Set());
  writers.set(step, { write, alone: step.text });
  return step;
}

/** `step` written for its place in a list, after what `said` holds. */
function writeFor(step: MissingStep, said: Said): MissingStep {
  said.add(alone(step));
  const writer = writers.get(step);
  if (writer === undefined) return step;
  const written = writer.write(said);
  writers.set(written, writer);
  return written;
}

/** Badge `i`'s own steps written for a list: none when an earlier step detailed it, and none said already. */
function detailOnce(own: MissingStep[], i: number, said: Said): MissingStep[] {
  if (said.has(i)) return [];
  said.add(i);
  const out: MissingStep[] = [];
  for (const step of own) if (!said.has(alone(step))) out.push(writeFor(step, said));
  return out;
}

const name = (p: Planner, i: number): string => `«${p.ctx.c.badges[i]!.badge.name.en}»`;

type ParticipationCondition = Extract<Compiled, { kind: 'participations' }>;
/**
 * Steps asking for participations: the activities (catalogue indexes) that
 * would count towards each, and the roles (a mask), so that `combine` can
 * tell when one participation serves two steps at once.
 */
const pools = new WeakMap<MissingStep, { activities: () => Set<number>; roleMask: number }>();
/** An `earn-badge` step's own steps (the badge's criteria): participations for those can serve other steps too. */
const inner = new WeakMap<MissingStep, MissingStep[]>();
/**
 * The badges (by index) a step has the student earn, with what each costs:
 * one badge can count towards two steps ("3 more badges of level Activity"
 * and "badges of level Activity in 2 more categories"), and is earned once.
 */
const earning = new WeakMap<MissingStep, ReadonlyMap<number, number>>();
/** What `said` holds for a badge an earlier step of the list has the student earn. */
const earned = (i: number): string => `earns ${i}`;

/** The participation steps a step stands for: itself, or those of the badge it asks to earn. */
function leaves(step: MissingStep, out: MissingStep[] = []): MissingStep[] {
  if (pools.has(step)) out.push(step);
  for (const x of inner.get(step) ?? []) leaves(x, out);
  return out;
}

/** Whether every participation that `a` asks for, in a role both accept, counts towards `b` too. */
function serves(a: MissingStep, b: MissingStep): boolean {
  const pa = pools.get(a);
  const pb = pools.get(b);
  if (!pa || !pb || (pa.roleMask & pb.roleMask) === 0) return false;
  const [from, to] = [pa.activities(), pb.activities()];
  if (from.size === 0) return false;
  for (const i of from) if (!to.has(i)) return false;
  return true;
}

/**
 * Both plans' steps; a step both need (same wording) is done once, and
 * participations that count towards steps of both (a new activity of the
 * kind a badge asks for that also builds the competency the other asks
 * for), and badges that count towards steps of both, are counted once in
 * the cost. Inside a step, a badge an earlier step has already detailed is
 * only named, and what an earlier step has said is not said again.
 */
const combine = (plans: Plan[]): Plan => {
  const steps: MissingStep[] = [];
  const originals: MissingStep[] = [];
  // Participations of each step already counted towards another one.
  const used = new Map<MissingStep, number>();
  const said: Said = new Set();
  // Badges the earlier plans have the student earn (their cost counted there), and this plan's.
  const badges = new Set<number>();
  let cost = 0;
  let hops = 0;
  for (const plan of plans) {
    hops += plan.hops ?? 0;
    let shared = 0;
    const these = new Set<number>();
    // A plan's cost already counts what its own steps share (it was combined so): only earlier plans' steps are
    // shared with here, or the same participations would be taken off twice.
    const earlier = originals.flatMap((o) => leaves(o));
    for (const step of plan.steps) {
      if (steps.some((s) => alone(s) === alone(step))) {
        shared += step.kind === 'log-hours' ? step.amount / 2 : step.amount;
        continue;
      }
      for (const [i, badgeCost] of earning.get(step) ?? []) {
        if (badges.has(i) && !these.has(i)) shared += badgeCost;
        these.add(i);
      }
      for (const a of leaves(step)) {
        if (a.kind === 'log-hours') continue;
        // Earlier steps that serve one another (4 participations in science, in 2 different activities) are the same
        // participations: a step shares with one of them, the largest, not with each.
        const taken: MissingStep[] = [];
        for (const b of [...earlier].sort((x, y) => y.amount - x.amount)) {
          if (b.kind === 'log-hours' || !(serves(a, b) || serves(b, a))) continue;
          if (taken.some((t) => serves(t, b) || serves(b, t))) continue;
          taken.push(b);
          const both = Math.min(a.amount - (used.get(a) ?? 0), b.amount - (used.get(b) ?? 0));
          if (both <= 0) continue;
          used.set(a, (used.get(a) ?? 0) + both);
          used.set(b, (used.get(b) ?? 0) + both);
          shared += both;
        }
      }
      originals.push(step);
      steps.push(writeFor(step, said));
    }
    cost += Math.max(0, plan.cost - shared);
    for (const i of these) badges.add(i);
  }
  return hops > 0 ? { cost, steps, hops } : { cost, steps };
};

/** What is missing for a badge that is not held (empty when it is). */
export function planBadge(p: Planner, i: number): Plan {
  const memo = p.badges[i];
  if (memo === 'planning') return blocked('a requirement circle');
  if (memo) return memo;
  p.badges[i] = 'planning';
  // Each badge is planned with the facts that would earn it, whichever badge or level asks for it.
  const { plan, own } = countingAfter(p.ctx, renewalAfter(p.ctx, i), () => computeBadgePlan(p, i));
  p.badges[i] = plan;
  p.own[i] = own;
  return plan;
}

/** A badge's own steps (see `Planner.own`), once it is planned. */
function ownSteps(p: Planner, i: number): MissingStep[] {
  planBadge(p, i);
  return p.own[i] ?? [];
}

function computeBadgePlan(p: Planner, i: number): { plan: Plan; own: MissingStep[] } {
  const { ctx } = p;
  const alone = (plan: Plan) => ({ plan, own: plan.steps });
  if (ctx.valid[i] !== 0) return alone(DONE);
  const cb = ctx.c.badges[i]!;
  const held = ctx.state.badges[cb.badge.id];
  if (held?.revoked === 'coordinator') {
    // An application badge is not awarded automatically in the first place: say that it cannot be applied for again.
    const again = cb.badge.award === 'application' ? 'a new application for it is not taken' : 'it is not awarded again automatically';
    return alone(blocked(`${name(p, i)} was revoked by a coordinator; ${again}`));
  }
  if (cb.until <= ctx.now) return alone(blocked(noLongerAwardedText(cb.badge, cb.until)));
  const parts: Plan[] = [];
  const own: Plan[] = [];
  if (cb.level >= 0 && ctx.reached[cb.level] !== 1) {
    const lp = planLevel(p, cb.level);
    const level = ctx.c.levels[cb.level]!.level.name.en;
    const reach = instruction(
      { kind: 'reach-level', amount: 1, levelId: cb.badge.level, text: `first reach level ${level}` },
      `level ${level} first`,
    );
    parts.push({ ...lp, steps: [reach, ...lp.steps] });
    own.push({ cost: 0, steps: [reach] });
  }
  const criteria = holds(cb.criteria, ctx) ? DONE : planCondition(p, cb.criteria);
  parts.push(criteria);
  own.push(criteria);
  if (cb.badge.award === 'application') {
    const app = ctx.state.applications[cb.badge.id];
    const application: Plan =
      app?.status === 'approved'
        ? { cost: 0, steps: [awaitingAward(p, i, app.at, criteria === DONE || !Number.isNaN(badgeField(ctx.t, F_ELIGIBLE, i)))] }
        : app?.status === 'submitted'
          ? {
              cost: 0,
              steps: [
                instruction(
                  {
                    kind: 'await-decision',
                    amount: 1,
                    badgeId: cb.badge.id,
                    text: `wait for a coordinator to decide on the application for ${name(p, i)}`,
                  },
                  "a coordinator's decision on its application",
                ),
              ],
            }
          : {
              cost: 1,
              steps: [
                instruction(
                  {
                    kind: 'apply',
                    amount: 1,
                    badgeId: cb.badge.id,
                    text: `apply for ${name(p, i)}${app?.status === 'rejected' ? ' again' : ''}`,
                  },
                  app?.status === 'rejected' ? 'a new application' : 'an application',
                ),
              ],
            };
    parts.push(application);
    own.push(application);
  }
  return { plan: combine(parts), own: combine(own).steps };
}

/**
 * An approved application whose badge is not held yet: nothing is left to
 * decide. The evaluator awards it at once when the criteria hold or the
 * eligibility was recorded (`decideBadge`), so the award is under way;
 * otherwise it comes once the criteria hold again.
 */
function awaitingAward(p: Planner, i: number, approvedAt: number | undefined, underWay: boolean): MissingStep {
  const on = approvedAt === undefined ? '' : ` on ${day(approvedAt)}`;
  const approved = `${name(p, i)} was approved${on}`;
  return instruction(
    {
      kind: 'await-award',
      amount: 1,
      badgeId: p.ctx.c.badges[i]!.badge.id,
      text: underWay ? `${approved}; the badge is being awarded` : `${approved}; the badge is awarded once its criteria are met again`,
    },
    underWay ? `its award (approved${on}, under way)` : `its award (approved${on}; it follows once the criteria are met)`,
  );
}

/** What is missing for a level not reached (including the levels before it). */
export function planLevel(p: Planner, i: number): Plan {
  const memo = p.levels[i];
  if (memo === 'planning') return blocked('a requirement circle');
  if (memo) return memo;
  p.levels[i] = 'planning';
  const { ctx } = p;
  const cl = ctx.c.levels[i]!;
  let plan = DONE;
  if (ctx.reached[i] !== 1) {
    const previous = i > 0 ? planLevel(p, i - 1) : DONE;
    // A level counts every fact, also when the plan of an expired badge asks for it.
    plan = countingAfter(ctx, Number.NEGATIVE_INFINITY, () => combine([previous, holds(cl.condition, ctx) ? DONE : planCondition(p, cl.condition)]));
  }
  p.levels[i] = plan;
  return plan;
}

/** The shortest set of steps found that makes a condition hold (DONE when it holds). */
export function planCondition(p: Planner, cc: Compiled): Plan {
  const { ctx } = p;
  if (holds(cc, ctx)) return DONE;
  const rs = ctx.c.ruleSet;
  switch (cc.kind) {
    case 'participations': {
      const deadline = deadlineOf(cc, ctx);
      if (deadline === 'closed')
        return blocked(
          `the time window for "${unitOf(cc, cc.atLeast)} ${describeParticipationFilter(rs, cc.source.kind === 'participations' ? cc.source.filter : {})}" has closed`,
        );
      const need = asWritten(cc.atLeast - participationValue(cc, ctx));
      const filter = cc.source.kind === 'participations' ? describeParticipationFilter(rs, cc.source.filter) : '';
      const by =
        renewing(ctx) +
        (deadline ? ` before ${deadline}` : cc.window?.type === 'last' ? ` within the last ${cc.window.amount} ${cc.window.unit}` : '');
      const step = (kind: MissingStep['kind'], text: string, suggestions?: string[]): Plan => {
        const s: MissingStep = { kind, amount: need, text: `${text}${by}` };
        if (deadline) s.deadline = deadline;
        if (suggestions && suggestions.length > 0) s.suggestions = suggestions;
        // Worked out only when another step may share participations with it (most explanations have one such step or none).
        let activities: Set<number> | undefined;
        pools.set(s, { activities: () => (activities ??= counting(cc, ctx, suggestions)), roleMask: cc.roleMask });
        return { cost: kind === 'log-hours' ? need / 2 : need, steps: [s] };
      };
      const measure = cc.measure;
      switch (measure) {
        case 'participations':
          return step('participate', join(`${need} more ${unitWord(cc, need)}`, filter));
        case 'hours':
          return step('log-hours', join(`${need} more ${need === 1 ? 'hour' : 'hours'}`, filter));
        case 'activities':
        case 'categories':
        case 'competencies': {
          const missing = untried(cc, ctx);
          const names = missing.slice(0, 3).map((id) => nameOf(p, cc.measure, id));
          const hint = names.length > 0 ? ` (e.g. ${names.join(', ')})` : '';
          const kind = cc.measure === 'activities' ? 'try-activities' : cc.measure === 'categories' ? 'cover-categories' : 'cover-competencies';
          const what =
            cc.measure === 'activities'
              ? `${need} more different ${need === 1 ? 'activity' : 'activities'}`
              : `participations in ${need} more ${cc.measure === 'categories' ? (need === 1 ? 'category' : 'categories') : need === 1 ? 'competency' : 'competencies'}`;
          return step(kind, join(what, filter) + hint, missing);
        }
        default: {
          const never: never = measure;
          throw new Error(`unknown measure ${String(never)}`);
        }
      }
    }
    case 'badges': {
      const need = cc.atLeast - badgeValue(cc, ctx);
      const covered = new Set<string>();
      if (cc.measure === 'categories') for (const i of cc.badges) if (ctx.valid[i] !== 0) covered.add(ctx.c.badges[i]!.badge.category ?? '');
      const candidates = cc.badges
        .filter((i) => ctx.valid[i] === 0 && (cc.measure === 'badges' || !covered.has(ctx.c.badges[i]!.badge.category ?? '')))
        .map((i) => ({ i, plan: planBadge(p, i) }))
        .filter((x) => Number.isFinite(x.plan.cost))
        .sort((a, b) => a.plan.cost - b.plan.cost || (a.plan.hops ?? 0) - (b.plan.hops ?? 0) || a.i - b.i);
      const chosen: typeof candidates = [];
      const cats = new Set<string>();
      for (const x of candidates) {
        if (chosen.length >= need) break;
        const category = ctx.c.badges[x.i]!.badge.category ?? '';
        if (cc.measure === 'categories' && cats.has(category)) continue;
        cats.add(category);
        chosen.push(x);
      }
      const filter = cc.source.kind === 'badges' ? describeBadgeFilter(rs, cc.source.filter) : '';
      const deadline = deadlineOf(cc, ctx);
      if (deadline === 'closed') return blocked('the time window for these badges has closed');
      const by = renewing(ctx) + (deadline ? ` before ${deadline}` : '');
      const first = chosen[0];
      // "of those" (see below) reads "of those, 1 badge in Science": the badges asked for above are more already.
      const what = (ofThose: boolean): string =>
        cc.measure === 'badges'
          ? join(`${need}${ofThose ? '' : ' more'} ${need === 1 ? 'badge' : 'badges'}`, filter) + by
          : join('badges', filter, `in ${need} more ${need === 1 ? 'category' : 'categories'}`) + by;
      const own = first ? ownSteps(p, first.i) : [];
      const earns: ReadonlyMap<number, number> = new Map(chosen.map((x) => [x.i, x.plan.cost]));
      const s = detailing((said) => {
        // The badges an earlier step asks for would do: this step reads as a part of that one, not as more badges.
        const ofThose = chosen.length > 0 && chosen.every((x) => said.has(earned(x.i)));
        for (const x of chosen) said.add(earned(x.i));
        let text = ofThose ? `of those, ${what(true)}` : what(false);
        if (first) {
          const detail = detailOnce(own, first.i, said).map(lackingText);
          text += ` (closest: ${name(p, first.i)}${detail.length > 0 ? `, needs ${detail.join('; ')}` : ''})`;
        }
        const step: MissingStep = { kind: 'earn-badges', amount: need, text, suggestions: chosen.map((x) => ctx.c.badges[x.i]!.badge.id) };
        if (deadline) step.deadline = deadline;
        earning.set(step, earns);
        return step;
      });
      const cost = chosen.length < need ? Number.POSITIVE_INFINITY : chosen.reduce((sum, x) => sum + x.plan.cost, 0) || need;
      const hops = chosen.reduce((sum, x) => sum + (x.plan.hops ?? 0), 0);
      return hops > 0 ? { cost, steps: [s], hops } : { cost, steps: [s] };
    }
    case 'holds-badge': {
      const b = ctx.c.badges[cc.badge]!.badge;
      // Held, but earned too early for the renewal under way to count it; and not earned again while held.
      if (ctx.valid[cc.badge] !== 0)
        return blocked(`«${b.name.en}» was earned before ${day(ctx.after)}, and renewing counts only badges earned after that`);
      const sub = planBadge(p, cc.badge);
      const own = ownSteps(p, cc.badge);
      const badge = `«${b.name.en}»`;
      const earns: ReadonlyMap<number, number> = new Map([[cc.badge, sub.cost]]);
      const step = detailing((said) => {
        const detail = detailOnce(own, cc.badge, said);
        said.add(earned(cc.badge));
        const texts = (f: (x: MissingStep) => string, lead = ''): string => (detail.length > 0 ? ` (${lead}${detail.map(f).join('; ')})` : '');
        const written = instruction(
          { kind: 'earn-badge', amount: 1, badgeId: b.id, text: `earn ${badge}${texts((x) => x.text)}` },
          `${badge}${texts(lackingText, 'needs ')}`,
        );
        earning.set(written, earns);
        return written;
      });
      inner.set(step, own);
      return { cost: sub.cost, steps: [step], hops: (sub.hops ?? 0) + 1 };
    }
    case 'all':
      return combine(cc.children.map((x) => planCondition(p, x)));
    case 'any': {
      const plans = cc.children.map((x) => planCondition(p, x));
      return plans.reduce((best, x) => (better(x, best) ? x : best), plans[0] ?? DONE);
    }
    case 'not':
      return blocked('a "not" condition does not hold; more participation cannot change that');
    default: {
      const never: never = cc;
      throw new Error(`unknown condition ${JSON.stringify(never)}`);
    }
  }
}

/** Words for the facts an expired badge's renewal counts: only those dated after its award (see `renewalAfter`). */
const renewing = (ctx: Context): string => (ctx.after === Number.NEGATIVE_INFINITY ? '' : ` after ${day(ctx.after)}`);

const join = (...parts: string[]): string => parts.filter((x) => x !== '').join(' ');

/** The end date (YYYY-MM-DD) of a fixed window still open, 'closed' when it has ended, undefined for open-ended or rolling windows. */
function deadlineOf(cc: Extract<Compiled, { kind: 'participations' | 'badges' }>, ctx: Context): string | undefined {
  const w = cc.window;
  if (w === undefined || w.type === 'last') return undefined;
  const [from, before] = windowRange(ctx.c.ruleSet, w, ctx.now);
  if (!Number.isFinite(before)) return undefined;
  if (before <= ctx.now) return 'closed';
  void from;
  return day(before);
}

/** Activities, categories or competencies the filter allows that the student has not yet covered (in the window). */
function untried(cc: Extract<Compiled, { kind: 'participations' }>, ctx: Context): string[] {
  const done = new Set<string>();
  for (const e of matchingParticipations(cc, ctx)) {
    const a = ctx.c.activities.get(e.activityId);
    if (cc.measure === 'activities') done.add(e.activityId);
    else if (a && cc.measure === 'categories') done.add(a.category);
    else if (a) for (const x of a.competencies) done.add(x);
  }
  const pool = ctx.c.ruleSet.activities.filter((_, i) => cc.activityMask[i] === 1);
  const all =
    cc.measure === 'activities'
      ? pool.map((a) => a.id)
      : cc.measure === 'categories'
        ? pool.map((a) => a.category)
        : pool.flatMap((a) => a.competencies.filter((x) => cc.competencies === null || cc.competencies.includes(x)));
  return [...new Set(all)].filter((x) => !done.has(x));
}

/**
 * The activities (catalogue indexes) a participation would have to be in to
 * count towards a step of `cc`: any it matches, or, for the distinct
 * measures, those that add what the step suggests (an activity, category
 * or competency not yet covered).
 */
function counting(cc: ParticipationCondition, ctx: Context, suggestions: string[] | undefined): Set<number> {
  const out = new Set<number>();
  const wanted = new Set(suggestions ?? []);
  ctx.c.ruleSet.activities.forEach((a, i) => {
    if (cc.activityMask[i] !== 1) return;
    const adds =
      cc.measure === 'participations' || cc.measure === 'hours'
        ? true
        : cc.measure === 'activities'
          ? wanted.has(a.id)
          : cc.measure === 'categories'
            ? wanted.has(a.category)
            : a.competencies.some((x) => wanted.has(x));
    if (adds) out.add(i);
  });
  return out;
}

function nameOf(p: Planner, measure: string, id: string): string {
  const rs = p.ctx.c.ruleSet;
  const list = measure === 'activities' ? rs.activities : measure === 'categories' ? rs.categories : rs.competencies;
  return list.find((x) => x.id === id)?.name.en ?? id;
}
