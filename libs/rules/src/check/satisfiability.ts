import { forEachCondition, matchActivities, matchBadges } from '../language/filters';
import type { Badge, Condition, Level, SourcePosition } from '../language/types';
import { listOf, type RuleIssue } from '../load/issues';
import type { ParseNotes } from '../load/parse-condition';
import type { ParsedRuleSet } from '../load/parse-rule-set';

type Report = (at: SourcePosition, code: RuleIssue['code'], message: string, severity?: RuleIssue['severity']) => void;
type Owner = { level: Level } | { badge: Badge };

/**
 * Levels listed later than the level that counts them: they can only be
 * earned once this level is reached, so the level can never be reached.
 * Returns the ids of the levels reported.
 */
export function checkLevelOrder(rs: ParsedRuleSet, report: Report): Set<string> {
  const rank = new Map(rs.levels.map((l) => [l.id, l.rank]));
  const unreachable = new Set<string>();
  for (const level of rs.levels) {
    forEachCondition(level.reachedWhen, (c) => {
      if (unreachable.has(level.id)) return;
      const badges = c.kind === 'holds-badge' ? rs.badges.filter((b) => b.id === c.badgeId) : c.kind === 'badges' ? matchBadges(rs, c.filter) : [];
      const late = badges.filter((b) => (rank.get(b.level) ?? -1) >= level.rank);
      if (late.length === 0) return;
      const lateLevels = [...new Set(late.map((b) => b.level))];
      unreachable.add(level.id);
      report(
        c.pos,
        'unreachable-level',
        `Level \`${level.id}\` can never be reached: it counts badges of level ${listOf(lateLevels)} (${listOf(
          late.map((b) => b.id),
          4,
        )}), ` +
          `which can only be earned once that level is reached, and levels unlock in the order they are listed. ` +
          `Count badges of earlier levels only, e.g. \`level: ${rs.levels[level.rank - 1]?.id ?? 'an-earlier-level'}\`.`,
      );
    });
  }
  return unreachable;
}

/** Thresholds the catalogue cannot satisfy, empty filters and windows, contradictions and always-true parts. */
export function checkSatisfiable(rs: ParsedRuleSet, notes: ParseNotes, report: Report, skipLevels: Set<string>): void {
  for (const level of rs.levels) if (!skipLevels.has(level.id)) checkTree(rs, notes, report, level.reachedWhen, { level });
  for (const badge of rs.badges) checkTree(rs, notes, report, badge.criteria, { badge });
}

function checkTree(rs: ParsedRuleSet, notes: ParseNotes, report: Report, root: Condition, owner: Owner): void {
  const never = (at: SourcePosition, code: RuleIssue['code'], why: string): void => {
    if ('level' in owner) report(at, 'unreachable-level', `Level \`${owner.level.id}\` can never be reached: ${why}`);
    else report(at, code, `Badge \`${owner.badge.id}\` can never be earned: ${why}`);
  };
  forEachCondition(root, (c) => {
    switch (c.kind) {
      case 'participations':
      case 'badges': {
        const at = notes.thresholdPos.get(c) ?? c.pos;
        if (c.atLeast === 0) {
          report(
            at,
            'always-true-condition',
            '`at-least: 0` always holds, so this condition changes nothing; use at least 1 or remove it.',
            'warning',
          );
        }
        checkWindow(notes, c, never);
        const max = maxPossible(rs, c, 'badge' in owner ? owner.badge.id : undefined);
        if (c.atLeast > max.value) {
          if (max.empty) never(c.pos, 'contradictory-condition', max.why(c.atLeast));
          else never(at, 'unsatisfiable-threshold', max.why(c.atLeast));
        }
        return;
      }
      case 'all': {
        for (const a of c.conditions)
          for (const b of c.conditions)
            if (b.kind === 'not' && implies(a, b.condition))
              never(
                b.pos,
                'contradictory-condition',
                'this `all:` asks for a condition and for its opposite (`not:`) at the same time. Remove one of them.',
              );
        return;
      }
      case 'not': {
        const inner = c.condition;
        if ((inner.kind === 'participations' || inner.kind === 'badges') && inner.atLeast === 0)
          never(c.pos, 'contradictory-condition', '`not:` wraps a condition that always holds (`at-least: 0`), so it never holds.');
        return;
      }
      case 'any':
      case 'holds-badge':
        return;
      default: {
        const n: never = c;
        throw new Error(`unknown condition ${JSON.stringify(n)}`);
      }
    }
  });
}

function checkWindow(
  notes: ParseNotes,
  c: Extract<Condition, { kind: 'participations' | 'badges' }>,
  never: (at: SourcePosition, code: RuleIssue['code'], why: string) => void,
): void {
  const w = c.within;
  if (w?.type !== 'between' || w.from === undefined || w.before === undefined) return;
  if (Date.parse(w.from) >= Date.parse(w.before)) {
    never(
      notes.windowPos.get(c) ?? c.pos,
      'contradictory-condition',
      `the time window starts (${w.from}) on or after it ends (${w.before}), so nothing can fall in it. Swap or fix the dates.`,
    );
  }
}

type Max = { value: number; empty: boolean; why: (wanted: number) => string };

function maxPossible(rs: ParsedRuleSet, c: Extract<Condition, { kind: 'participations' | 'badges' }>, ownerId: string | undefined): Max {
  const filtered = c.kind === 'participations' ? Object.keys(c.filter).some((k) => k !== 'roles') : Object.keys(c.filter).length > 0;
  const among = filtered ? ` (${describeFilter(c.filter)})` : '';
  if (c.kind === 'badges') {
    const badges = matchBadges(rs, c.filter, ownerId);
    if (badges.length === 0)
      return {
        value: 0,
        empty: true,
        why: () =>
          `no badge in the file matches ${describeFilter(c.filter)}${ownerId ? ' (a badge never counts itself)' : ''}. Check the level, category and badge names.`,
      };
    if (c.measure === 'badges')
      return {
        value: badges.length,
        empty: false,
        why: (n) =>
          `it needs ${n} badges${among}, but the file defines only ${badges.length}: ${listOf(badges.map((b) => b.id))}. Lower \`at-least\` or add badges.`,
      };
    const cats = [...new Set(badges.flatMap((b) => (b.category ? [b.category] : [])))];
    return {
      value: cats.length,
      empty: false,
      why: (n) =>
        `it needs badges in ${n} different categories, but the badges${among} cover only ${cats.length}${cats.length ? `: ${listOf(cats)}` : ''}. ` +
        'Give more badges a `category:` or lower `at-least`.',
    };
  }
  const activities = matchActivities(rs, c.filter);
  if (activities.length === 0)
    return {
      value: 0,
      empty: true,
      why: () =>
        `no activity in the catalogue matches ${describeFilter(c.filter)} together, so this can never be met. Check that the activities, categories and competencies named belong together.`,
    };
  const measure = c.measure;
  switch (measure) {
    case 'participations':
    case 'hours':
      return { value: Number.POSITIVE_INFINITY, empty: false, why: () => '' };
    case 'activities':
      return {
        value: activities.length,
        empty: false,
        why: (n) =>
          `it needs ${n} different activities${among}, but the catalogue has only ${activities.length}. Lower \`at-least\` or add activities.`,
      };
    case 'categories': {
      const cats = [...new Set(activities.map((a) => a.category))];
      return {
        value: cats.length,
        empty: false,
        why: (n) =>
          `it needs participations in ${n} different categories, but the catalogue${filtered ? `'s activities${among}` : ''} cover${filtered ? '' : 's'} only ${cats.length}: ${listOf(cats)}. Lower \`at-least\` or add activities in other categories.`,
      };
    }
    case 'competencies': {
      const comps = [...new Set(activities.flatMap((a) => a.competencies.filter((x) => c.filter.competencies?.includes(x) ?? true)))];
      return {
        value: comps.length,
        empty: false,
        why: (n) =>
          `it needs ${n} different competencies, but the activities${among} build only ${comps.length}${comps.length ? `: ${listOf(comps)}` : ''}. Lower \`at-least\` or add competencies to activities.`,
      };
    }
    default: {
      const never: never = measure;
      throw new Error(`unknown measure ${String(never)}`);
    }
  }
}

/** "category `sports` and activity `robotics-club`" */
function describeFilter(filter: object): string {
  const parts = Object.entries(filter as Record<string, string[]>).map(([k, v]) => {
    const one = k === 'activities' ? 'activity' : k === 'categories' ? 'category' : k === 'competencies' ? 'competency' : k.slice(0, -1);
    return `${v.length === 1 ? one : k} ${listOf(v)}`;
  });
  return parts.length === 0 ? 'anything' : parts.join(' and ');
}

const withoutPositions = (c: unknown): string => JSON.stringify(c, (k, v: unknown) => (k === 'pos' ? undefined : v));

/** `a` holding guarantees `b` holds (same measure over the same facts with a lower or equal bar). */
export function implies(a: Condition, b: Condition): boolean {
  if ((a.kind === 'participations' || a.kind === 'badges') && a.kind === b.kind) {
    return (
      a.measure === b.measure &&
      a.atLeast >= b.atLeast &&
      withoutPositions(a.filter) === withoutPositions(b.filter) &&
      withoutPositions(a.within) === withoutPositions(b.within)
    );
  }
  return withoutPositions(a) === withoutPositions(b);
}
