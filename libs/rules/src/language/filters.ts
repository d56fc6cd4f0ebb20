import type { Activity, Badge, BadgeFilter, Condition, ParticipationFilter, RuleSet } from './types';

/** The catalogue activities a participation filter can match (roles aside). */
export function matchActivities(ruleSet: Pick<RuleSet, 'activities'>, filter: ParticipationFilter): Activity[] {
  return ruleSet.activities.filter(
    (a) =>
      (filter.activities === undefined || filter.activities.includes(a.id)) &&
      (filter.categories === undefined || filter.categories.includes(a.category)) &&
      (filter.competencies === undefined || a.competencies.some((c) => filter.competencies!.includes(c))),
  );
}

/** The badges a badge filter matches; a badge never counts towards its own criteria. */
export function matchBadges(ruleSet: Pick<RuleSet, 'badges'>, filter: BadgeFilter, ownerId?: string): Badge[] {
  return ruleSet.badges.filter(
    (b) =>
      b.id !== ownerId &&
      (filter.badges === undefined || filter.badges.includes(b.id)) &&
      (filter.levels === undefined || filter.levels.includes(b.level)) &&
      (filter.categories === undefined || (b.category !== undefined && filter.categories.includes(b.category))) &&
      (filter.competencies === undefined || b.competencies.some((c) => filter.competencies!.includes(c))),
  );
}

/** Visits every condition of a tree, depth first, parents before children. */
export function forEachCondition(condition: Condition, visit: (c: Condition) => void): void {
  visit(condition);
  switch (condition.kind) {
    case 'all':
    case 'any':
      for (const c of condition.conditions) forEachCondition(c, visit);
      return;
    case 'not':
      forEachCondition(condition.condition, visit);
      return;
    case 'participations':
    case 'badges':
    case 'holds-badge':
      return;
    default: {
      const never: never = condition;
      throw new Error(`unknown condition ${JSON.stringify(never)}`);
    }
  }
}

/** Ids of the badges a condition looks at (explicitly or through a filter), excluding the owner. */
export function referencedBadges(ruleSet: Pick<RuleSet, 'badges'>, condition: Condition, ownerId?: string): Set<string> {
  const ids = new Set<string>();
  forEachCondition(condition, (c) => {
    if (c.kind === 'holds-badge') ids.add(c.badgeId);
    else if (c.kind === 'badges') for (const b of matchBadges(ruleSet, c.filter, ownerId)) ids.add(b.id);
  });
  return ids;
}
