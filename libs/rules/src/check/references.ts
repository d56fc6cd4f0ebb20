import type { ParsedRuleSet } from '../load/parse-rule-set';
import type { Reference } from '../load/parse-condition';
import { suggestion, type RuleIssue } from '../load/issues';
import type { SourcePosition } from '../language/types';

type Report = (at: SourcePosition, code: RuleIssue['code'], message: string, severity?: RuleIssue['severity']) => void;

const SECTION: Record<Reference['kind'], string> = {
  activity: 'activities',
  category: 'categories',
  competency: 'competencies',
  badge: 'badges',
  level: 'levels',
};

/** Duplicate ids among activities, levels and badges, and every name used that is defined nowhere. */
export function checkReferences(rs: ParsedRuleSet, refs: readonly Reference[], report: Report): void {
  const known: Record<Reference['kind'], Set<string>> = {
    activity: unique(rs.activities, 'activity', report),
    level: unique(rs.levels, 'level', report),
    badge: unique(rs.badges, 'badge', report),
    category: new Set(rs.categories.map((c) => c.id)),
    competency: new Set(rs.competencies.map((c) => c.id)),
  };
  for (const ref of refs) {
    const ids = known[ref.kind];
    if (ids.has(ref.id)) continue;
    const section = SECTION[ref.kind];
    const hint =
      suggestion(ref.id, ids) ||
      (ids.size === 0 ? ` There is no \`${section}:\` section yet; add one.` : ` Add it under \`${section}:\` or use one that exists.`);
    report(ref.pos, 'unknown-reference', `Unknown ${ref.kind} \`${ref.id}\`.${hint}`);
  }
}

function unique(items: ReadonlyArray<{ id: string; pos: SourcePosition }>, kind: string, report: Report): Set<string> {
  const seen = new Map<string, SourcePosition>();
  for (const item of items) {
    const first = seen.get(item.id);
    if (first) {
      report(item.pos, 'duplicate-id', `The ${kind} id \`${item.id}\` is already used on line ${first.line}; every ${kind} needs its own id.`);
    } else seen.set(item.id, item.pos);
  }
  return new Set(seen.keys());
}
