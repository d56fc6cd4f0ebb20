import { dependencyOrder } from '../check/dependency-graph';
import { matchActivities, matchBadges, referencedBadges } from '../language/filters';
import { ROLES, type Condition, type Role, type RuleSet } from '../language/types';
import type { Compiled, CompiledRuleSet, Step } from './model';
import { validUntilOf } from './valid-until';

export const roleIndex = (role: Role): number => (role === 'participant' ? 0 : role === 'volunteer' ? 1 : role === 'organiser' ? 2 : 3);

const cache = new WeakMap<RuleSet, CompiledRuleSet>();

/** Indexes a rule set for evaluation; cached per rule set object. */
let last: CompiledRuleSet | undefined;

export function compile(ruleSet: RuleSet): CompiledRuleSet {
  if (last?.ruleSet === ruleSet) return last;
  const hit = cache.get(ruleSet);
  if (hit) return (last = hit);
  const badgeIndex = new Map(ruleSet.badges.map((b, i) => [b.id, i]));
  const levelIndex = new Map(ruleSet.levels.map((l, i) => [l.id, i]));
  const activityIndex = new Map(ruleSet.activities.map((a, i) => [a.id, i]));
  const categoryBit = new Map(ruleSet.categories.map((c, i) => [c.id, i]));
  const competencyBit = new Map(ruleSet.competencies.map((c, i) => [c.id, i]));
  const fits = categoryBit.size <= 31 && competencyBit.size <= 31;
  const maskOf = (ids: readonly string[]): number => ids.reduce((m, id) => m | (1 << (competencyBit.get(id) ?? 31)), 0) & 0x7fffffff;
  const env: Env = { ruleSet, badgeIndex, activityIndex, maskOf };
  const badges = ruleSet.badges.map((badge, index) => ({
    index,
    badge,
    level: levelIndex.get(badge.level) ?? -1,
    criteria: compileCondition(env, badge.criteria, badge.id),
    until: validUntilOf(badge.validity),
  }));
  const levels = ruleSet.levels.map((level, index) => ({ index, level, condition: compileCondition(env, level.reachedWhen) }));
  const order: Step[] = dependencyOrder(ruleSet).map((n) =>
    n.type === 'badge' ? { type: 'badge', node: badges[badgeIndex.get(n.id)!]! } : { type: 'level', node: levels[levelIndex.get(n.id)!]! },
  );
  const dependents = new Map<string, string[]>();
  for (const b of ruleSet.badges)
    for (const id of referencedBadges(ruleSet, b.criteria, b.id)) dependents.set(id, [...(dependents.get(id) ?? []), b.id]);
  const stepWords = Math.max(1, Math.ceil(order.length / 31));
  const touches = new Int32Array((ruleSet.activities.length + 1) * stepWords);
  const timed = new Uint8Array(order.length);
  const badgeTouches = new Int32Array(badges.length * stepWords);
  const levelTouches = new Int32Array(levels.length * stepWords);
  const mark = (set: Int32Array, i: number, s: number): void => void (set[i * stepWords + ((s / 31) | 0)]! |= 1 << (s % 31));
  order.forEach((step, s) => {
    const condition = step.type === 'badge' ? step.node.criteria : step.node.condition;
    const mask = new Uint8Array(ruleSet.activities.length + 1);
    const held = new Set<number>();
    // A `valid-until` makes the answer depend on the clock too: awarded before the date, not from it.
    if (reads(condition, mask, held) || (step.type === 'badge' && step.node.until !== Number.POSITIVE_INFINITY)) timed[s] = 1;
    mask.forEach((m, a) => {
      if (m === 1) mark(touches, a, s);
    });
    for (const b of held) if (b >= 0) mark(badgeTouches, b, s);
    if (step.type === 'badge') {
      mark(badgeTouches, step.node.index, s);
      if (step.node.level >= 0) mark(levelTouches, step.node.level, s);
    } else {
      mark(levelTouches, step.node.index, s);
      if (step.node.index > 0) mark(levelTouches, step.node.index - 1, s);
    }
  });
  const compiled: CompiledRuleSet = {
    ruleSet,
    badges,
    levels,
    order,
    badgeIndex,
    levelIndex,
    activityIndex,
    activities: new Map(ruleSet.activities.map((a) => [a.id, a])),
    dependents,
    bits: fits
      ? {
          category: Int32Array.from(ruleSet.activities, (a) => 1 << (categoryBit.get(a.category) ?? 0)),
          competencies: Int32Array.from(ruleSet.activities, (a) => maskOf(a.competencies)),
        }
      : null,
    stepWords,
    touches,
    badgeTouches,
    levelTouches,
    timed,
    scratch: { valid: new Uint8Array(badges.length), reached: new Uint8Array(levels.length), evidence: new Map() },
  };
  cache.set(ruleSet, compiled);
  return (last = compiled);
}

type Env = {
  ruleSet: RuleSet;
  badgeIndex: Map<string, number>;
  activityIndex: Map<string, number>;
  maskOf: (ids: readonly string[]) => number;
};

const NO_MASK = new Uint8Array(0);
const NO_CHILDREN: Compiled[] = [];

/**
 * Every compiled condition has the same fields in the same order, whatever
 * its kind: `holds` then sees one object shape and V8 keeps its property
 * loads monomorphic (several shapes made them the evaluator's main cost).
 */
function node(c: Condition, fields: Partial<Record<string, unknown>>): Compiled {
  return {
    kind: c.kind,
    measure: fields.measure ?? 'participations',
    atLeast: fields.atLeast ?? 0,
    activities: fields.activities ?? null,
    activityMask: fields.activityMask ?? NO_MASK,
    roleMask: fields.roleMask ?? 0,
    competencyMask: fields.competencyMask ?? 0,
    competencies: fields.competencies ?? null,
    window: fields.window,
    badges: fields.badges ?? [],
    badge: fields.badge ?? -1,
    children: fields.children ?? NO_CHILDREN,
    fast: fields.fast ?? NO_CHILDREN,
    child: fields.child ?? null,
    source: c,
  } as unknown as Compiled;
}

function compileCondition(env: Env, c: Condition, ownerId?: string): Compiled {
  const rs = env.ruleSet;
  switch (c.kind) {
    case 'participations': {
      const f = c.filter;
      const restricted = f.activities !== undefined || f.categories !== undefined || f.competencies !== undefined;
      const size = rs.activities.length;
      const activities = restricted ? Int16Array.from(matchActivities(rs, f), (a) => env.activityIndex.get(a.id)!) : null;
      const activityMask = new Uint8Array(size + 1);
      if (activities === null) activityMask.fill(1);
      else for (const i of activities) activityMask[i] = 1;
      return node(c, {
        measure: c.measure,
        atLeast: c.atLeast,
        activities,
        activityMask,
        roleMask: (f.roles ?? ROLES).reduce((m, r) => m | (1 << roleIndex(r)), 0),
        competencyMask: f.competencies ? env.maskOf(f.competencies) : 0x7fffffff,
        competencies: f.competencies ?? null,
        window: c.within,
      });
    }
    case 'badges':
      return node(c, {
        measure: c.measure,
        atLeast: c.atLeast,
        badges: matchBadges(rs, c.filter, ownerId).map((b) => env.badgeIndex.get(b.id)!),
        window: c.within,
      });
    case 'holds-badge':
      return node(c, { badge: env.badgeIndex.get(c.badgeId) ?? -1 });
    case 'all':
    case 'any': {
      // Cheapest first, so `holds` short-circuits before any date scan; explanations keep the file's order.
      const children = c.conditions.map((x) => compileCondition(env, x, ownerId));
      return node(c, { children, fast: [...children].sort((a, b) => costOf(a) - costOf(b)) });
    }
    case 'not':
      return node(c, { child: compileCondition(env, c.condition, ownerId) });
    default: {
      const never: never = c;
      throw new Error(`unknown condition ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Marks in `mask` the activity indexes whose participations a condition
 * counts, and adds to `held` the badges it looks at; true when it has a
 * time window.
 */
function reads(c: Compiled, mask: Uint8Array, held: Set<number>): boolean {
  switch (c.kind) {
    case 'participations':
      for (let a = 0; a < mask.length; a++) if (c.activityMask[a] === 1) mask[a] = 1;
      return c.window !== undefined;
    case 'badges':
      for (const b of c.badges) held.add(b);
      return c.window !== undefined;
    case 'holds-badge':
      held.add(c.badge);
      return false;
    case 'all':
    case 'any':
      return c.children.reduce((timed, x) => reads(x, mask, held) || timed, false);
    case 'not':
      return reads(c.child, mask, held);
    default: {
      const never: never = c;
      throw new Error(`unknown condition ${JSON.stringify(never)}`);
    }
  }
}

/** Rough cost of checking a condition: badge lookups < counters < scans of the student's participations. */
function costOf(c: Compiled): number {
  switch (c.kind) {
    case 'holds-badge':
      return 1;
    case 'badges':
      return 2 + c.badges.length / 10;
    case 'participations':
      return c.window ? 50 : c.measure === 'participations' || c.measure === 'hours' ? 3 : 5;
    case 'all':
    case 'any':
      return c.children.reduce((s, x) => s + costOf(x), 0);
    case 'not':
      return costOf(c.child);
    default: {
      const never: never = c;
      throw new Error(`unknown condition ${JSON.stringify(never)}`);
    }
  }
}

export type { Compiled, CompiledBadge, CompiledLevel, CompiledRuleSet, Step } from './model';
