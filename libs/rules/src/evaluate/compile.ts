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
      window?: TimeWindow;
      source: Condition;
    }
  | { kind: 'badges'; measure: BadgeMeasure; atLeast: number; badges: number[]; window?: TimeWindow; source: Condition }
  | { kind: 'holds-badge'; badge: number; source: Condition }
  | { kind: 'all' | 'any'; children: Compiled[]; source: Condition }
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
};

const cache = new WeakMap<RuleSet, CompiledRuleSet>();

/** Indexes a rule set for evaluation; cached per rule set object. */
export function compile(ruleSet: RuleSet): CompiledRuleSet {
  const hit = cache.get(ruleSet);
  if (hit) return hit;
  const badgeIndex = new Map(ruleSet.badges.map((b, i) => [b.id, i]));
  const levelIndex = new Map(ruleSet.levels.map((l, i) => [l.id, i]));
  const conditionOf = (c: Condition, ownerId?: string): Compiled => compileCondition(ruleSet, badgeIndex, c, ownerId);
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
  };
  cache.set(ruleSet, compiled);
  return compiled;
}

function compileCondition(rs: RuleSet, badgeIndex: Map<string, number>, c: Condition, ownerId: string | undefined): Compiled {
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
    case 'any':
      return { kind: c.kind, children: c.conditions.map((x) => compileCondition(rs, badgeIndex, x, ownerId)), source: c };
    case 'not':
      return { kind: 'not', child: compileCondition(rs, badgeIndex, c.condition, ownerId), source: c };
    default: {
      const never: never = c;
      throw new Error(`unknown condition ${JSON.stringify(never)}`);
    }
  }
}
