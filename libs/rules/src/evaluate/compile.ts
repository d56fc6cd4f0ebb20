import { dependencyOrder } from '../check/dependency-graph';
import { matchActivities, matchBadges, referencedBadges } from '../language/filters';
import type {
  Activity,
  Badge,
  BadgeMeasure,
  Condition,
  Level,
  ParticipationMeasure,
  Role,
  RuleSet,
  TimeWindow,
} from '../language/types';

/** A condition with its filters resolved to catalogue ids and badge indexes once, at compile time. */
export type Compiled =
  | {
      kind: 'participations';
      measure: ParticipationMeasure;
      atLeast: number;
      /** null: any activity, even one no longer in the catalogue. */
      activities: string[] | null;
      activitySet: Set<string> | null;
      roles: Role[] | null;
      /** For `competencies`: only these count (null: all). */
      competencies: string[] | null;
      /** The same as a bit mask over the catalogue's competencies. */
      competencyMask: number;
      window?: TimeWindow;
      source: Condition;
    }
  | { kind: 'badges'; measure: BadgeMeasure; atLeast: number; badges: number[]; window?: TimeWindow; source: Condition }
  | { kind: 'holds-badge'; badge: number; source: Condition }
  | { kind: 'all' | 'any'; children: Compiled[]; /** The children cheapest first, for `holds`. */ fast: Compiled[]; source: Condition }
  | { kind: 'not'; child: Compiled; source: Condition };

export type CompiledBadge = { index: number; badge: Badge; level: number; criteria: Compiled };
export type CompiledLevel = { index: number; level: Level; condition: Compiled };
export type Step = { type: 'badge'; node: CompiledBadge } | { type: 'level'; node: CompiledLevel };

export type CompiledRuleSet = {
  ruleSet: RuleSet;
  badges: CompiledBadge[];
  levels: CompiledLevel[];
  /** Dependency order: one pass in this order reaches the fixpoint. */
  order: Step[];
  badgeIndex: Map<string, number>;
  activities: Map<string, Activity>;
  /** Badge id -> ids of badges whose criteria look at it (to re-check their support on revocation). */
  dependents: Map<string, string[]>;
  /**
   * Activity id -> its category as one bit and its competencies as a mask,
   * so distinct counts are ORs and a popcount; null when the catalogue has
   * more than 31 categories or competencies.
   */
  bits: Map<string, { category: number; competencies: number }> | null;
  /** Reused by the top-level `evaluate` (never nested): saves allocating per call. */
  scratch: { valid: Uint8Array; awardAt: Float64Array; evidence: Array<string[] | undefined> };
};

const cache = new WeakMap<RuleSet, CompiledRuleSet>();

/** Indexes a rule set for evaluation; cached per rule set object. */
export function compile(ruleSet: RuleSet): CompiledRuleSet {
  const hit = cache.get(ruleSet);
  if (hit) return hit;
  const badgeIndex = new Map(ruleSet.badges.map((b, i) => [b.id, i]));
  const levelIndex = new Map(ruleSet.levels.map((l, i) => [l.id, i]));
  const categoryBit = new Map(ruleSet.categories.map((c, i) => [c.id, i]));
  const competencyBit = new Map(ruleSet.competencies.map((c, i) => [c.id, i]));
  const fits = categoryBit.size <= 31 && competencyBit.size <= 31;
  const maskOf = (ids: readonly string[]): number => ids.reduce((m, id) => m | (1 << (competencyBit.get(id) ?? 31)), 0) & 0x7fffffff;
  const conditionOf = (c: Condition, ownerId?: string): Compiled => compileCondition(ruleSet, badgeIndex, c, ownerId, maskOf);
  const badges = ruleSet.badges.map((badge, index) => ({
    index,
    badge,
    level: levelIndex.get(badge.level) ?? -1,
    criteria: conditionOf(badge.criteria, badge.id),
  }));
  const levels = ruleSet.levels.map((level, index) => ({ index, level, condition: conditionOf(level.reachedWhen) }));
  const order: Step[] = dependencyOrder(ruleSet).map((n) =>
    n.type === 'badge' ? { type: 'badge', node: badges[badgeIndex.get(n.id)!]! } : { type: 'level', node: levels[levelIndex.get(n.id)!]! },
  );
  const dependents = new Map<string, string[]>();
  for (const b of ruleSet.badges)
    for (const id of referencedBadges(ruleSet, b.criteria, b.id)) dependents.set(id, [...(dependents.get(id) ?? []), b.id]);
  const compiled: CompiledRuleSet = {
    ruleSet,
    badges,
    levels,
    order,
    badgeIndex,
    activities: new Map(ruleSet.activities.map((a) => [a.id, a])),
    dependents,
    bits: fits
      ? new Map(ruleSet.activities.map((a) => [a.id, { category: 1 << (categoryBit.get(a.category) ?? 0), competencies: maskOf(a.competencies) }]))
      : null,
    scratch: {
      valid: new Uint8Array(badges.length),
      awardAt: new Float64Array(badges.length),
      evidence: new Array<string[] | undefined>(badges.length),
    },
  };
  cache.set(ruleSet, compiled);
  return compiled;
}

function compileCondition(
  rs: RuleSet,
  badgeIndex: Map<string, number>,
  c: Condition,
  ownerId: string | undefined,
  maskOf: (ids: readonly string[]) => number,
): Compiled {
  switch (c.kind) {
    case 'participations': {
      const f = c.filter;
      const restricted = f.activities !== undefined || f.categories !== undefined || f.competencies !== undefined;
      const activities = restricted ? matchActivities(rs, f).map((a) => a.id) : null;
      const out: Compiled = {
        kind: 'participations',
        measure: c.measure,
        atLeast: c.atLeast,
        activities,
        activitySet: activities ? new Set(activities) : null,
        roles: f.roles ?? null,
        competencies: f.competencies ?? null,
        competencyMask: f.competencies ? maskOf(f.competencies) : 0x7fffffff,
        source: c,
      };
      if (c.within) out.window = c.within;
      return out;
    }
    case 'badges': {
      const out: Compiled = {
        kind: 'badges',
        measure: c.measure,
        atLeast: c.atLeast,
        badges: matchBadges(rs, c.filter, ownerId).map((b) => badgeIndex.get(b.id)!),
        source: c,
      };
      if (c.within) out.window = c.within;
      return out;
    }
    case 'holds-badge':
      return { kind: 'holds-badge', badge: badgeIndex.get(c.badgeId) ?? -1, source: c };
    case 'all':
    case 'any': {
      // Cheapest first, so `holds` short-circuits before any date scan; explanations keep the file's order.
      const children = c.conditions.map((x) => compileCondition(rs, badgeIndex, x, ownerId, maskOf));
      return { kind: c.kind, children, fast: [...children].sort((a, b) => costOf(a) - costOf(b)), source: c };
    }
    case 'not':
      return { kind: 'not', child: compileCondition(rs, badgeIndex, c.condition, ownerId, maskOf), source: c };
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
