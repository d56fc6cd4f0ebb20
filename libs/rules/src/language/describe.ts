import type { BadgeFilter, BadgeMeasure, Condition, ParticipationFilter, ParticipationMeasure, RuleSet, TimeWindow } from './types';

type Names = Pick<RuleSet, 'activities' | 'categories' | 'competencies' | 'badges' | 'levels'>;

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function nameOf(list: ReadonlyArray<{ id: string; name: { en: string } }>, id: string): string {
  return list.find((x) => x.id === id)?.name.en ?? id;
}

function orList(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** "in Science as organiser or leader" */
export function describeParticipationFilter(rs: Names, f: ParticipationFilter): string {
  const parts: string[] = [];
  if (f.activities) parts.push(`in ${orList(f.activities.map((a) => nameOf(rs.activities, a)))}`);
  if (f.categories) parts.push(`in ${orList(f.categories.map((c) => nameOf(rs.categories, c)))}`);
  if (f.competencies) parts.push(`building ${orList(f.competencies.map((c) => nameOf(rs.competencies, c)))}`);
  if (f.roles) parts.push(`as ${orList(f.roles)}`);
  return parts.join(' ');
}

/** "of level Activity in Science" */
export function describeBadgeFilter(rs: Names, f: BadgeFilter): string {
  const parts: string[] = [];
  if (f.badges) parts.push(`among ${orList(f.badges.map((b) => `«${nameOf(rs.badges, b)}»`))}`);
  if (f.levels) parts.push(`of level ${orList(f.levels.map((l) => nameOf(rs.levels, l)))}`);
  if (f.categories) parts.push(`in ${orList(f.categories.map((c) => nameOf(rs.categories, c)))}`);
  if (f.competencies) parts.push(`for ${orList(f.competencies.map((c) => nameOf(rs.competencies, c)))}`);
  return parts.join(' ');
}

export function describeWindow(w: TimeWindow): string {
  switch (w.type) {
    case 'academic-year':
      return w.year === 'current' ? 'in the current academic year' : `in academic year ${w.year}-${w.year + 1}`;
    case 'last':
      return `in the last ${plural(w.amount, w.unit.slice(0, -1), w.unit)}`;
    case 'between':
      if (w.from && w.before) return `from ${w.from} and before ${w.before}`;
      return w.from ? `from ${w.from}` : `before ${w.before ?? ''}`;
    default: {
      const never: never = w;
      return String(never);
    }
  }
}

const join = (...parts: string[]): string => parts.filter((p) => p !== '').join(' ');

/** What counted units of a measure are called, without the number: "participations", "different activity". */
export function unitWord(
  c: { kind: 'participations'; measure: ParticipationMeasure } | { kind: 'badges'; measure: BadgeMeasure },
  n: number,
): string {
  return unitOf(c, n).replace(/^\S+ /, '');
}

/** What a single counted unit of a measure is called. */
export function unitOf(c: { kind: 'participations'; measure: ParticipationMeasure } | { kind: 'badges'; measure: BadgeMeasure }, n: number): string {
  if (c.kind === 'badges') return c.measure === 'badges' ? plural(n, 'badge', 'badges') : plural(n, 'badge category', 'badge categories');
  const measure = c.measure;
  switch (measure) {
    case 'participations':
      return plural(n, 'participation', 'participations');
    case 'hours':
      return plural(n, 'hour', 'hours');
    case 'activities':
      return plural(n, 'different activity', 'different activities');
    case 'categories':
      return plural(n, 'category', 'categories');
    case 'competencies':
      return plural(n, 'competency', 'competencies');
    default: {
      const never: never = measure;
      return String(never);
    }
  }
}

/**
 * A condition in plain English, using the catalogue's English names. Used
 * for explanations and as the default Open Badges criteria narrative.
 *
 * @example
 * describeCondition(ruleSet, badge.criteria)
 * // 'at least 2 participations in Sports'
 */
export function describeCondition(rs: Names, c: Condition): string {
  const known = described.get(c);
  if (known !== undefined) return known;
  const text = describeUncached(rs, c);
  described.set(c, text);
  return text;
}

/** Texts depend only on the condition and the rule set it belongs to (one rule set per condition object). */
const described = new WeakMap<Condition, string>();

function describeUncached(rs: Names, c: Condition): string {
  switch (c.kind) {
    case 'participations': {
      const filter = describeParticipationFilter(rs, c.filter);
      const window = c.within ? describeWindow(c.within) : '';
      const measure = c.measure;
      switch (measure) {
        case 'participations':
        case 'hours':
        case 'activities':
          return join(`at least ${unitOf(c, c.atLeast)}`, filter, window);
        case 'categories':
          return join(`participations in at least ${plural(c.atLeast, 'category', 'different categories')}`, filter, window);
        case 'competencies':
          return join(`participations building at least ${plural(c.atLeast, 'competency', 'different competencies')}`, filter, window);
        default: {
          const never: never = measure;
          return String(never);
        }
      }
    }
    case 'badges': {
      const filter = describeBadgeFilter(rs, c.filter);
      const window = c.within ? `earned ${describeWindow(c.within)}` : '';
      return c.measure === 'badges'
        ? join(`at least ${unitOf(c, c.atLeast)}`, filter, window)
        : join('badges', filter, `in at least ${plural(c.atLeast, 'category', 'different categories')}`, window);
    }
    case 'holds-badge':
      return `holds the badge «${nameOf(rs.badges, c.badgeId)}»`;
    case 'all':
      return c.conditions.map((x) => describeCondition(rs, x)).join('; and ');
    case 'any':
      return `one of: ${c.conditions.map((x) => describeCondition(rs, x)).join('; or ')}`;
    case 'not':
      return `not (${describeCondition(rs, c.condition)})`;
    default: {
      const never: never = c;
      return String(never);
    }
  }
}
