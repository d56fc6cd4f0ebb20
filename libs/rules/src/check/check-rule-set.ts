import type { SourcePosition } from '../language/types';
import type { RuleIssue } from '../load/issues';
import type { ParseNotes } from '../load/parse-condition';
import type { ParsedRuleSet } from '../load/parse-rule-set';
import { findCycles } from './dependency-graph';
import { checkReferences } from './references';
import { checkLevelOrder, checkSatisfiable } from './satisfiability';
import { checkValidUntil } from './valid-until';

type Report = (at: SourcePosition, code: RuleIssue['code'], message: string, severity?: RuleIssue['severity']) => void;

/**
 * The static checks, in phases: names first (a misspelt name would make
 * every later check noisy), then the level order, requirement circles, and
 * what the catalogue can satisfy. A `valid-until` date already come (at
 * `now`) is a warning, whatever else is wrong.
 */
export function checkRuleSet(rs: ParsedRuleSet, notes: ParseNotes, report: Report, errorCount: () => number, now: number): void {
  checkValidUntil(rs, notes, report, now);
  checkReferences(rs, notes.refs, report);
  if (errorCount() > 0) return;
  const unreachable = checkLevelOrder(rs, report);
  for (const cycle of findCycles(rs)) {
    if (cycle.nodes.some((n) => unreachable.has(n.replace(/^level:/, '')) && n.startsWith('level:'))) continue;
    const closing = cycle.edges[cycle.edges.length - 1]!;
    report(
      closing.pos,
      'prerequisite-cycle',
      `These requirements go round in a circle, so none of them can ever be met: ${cycle.edges.map((e) => e.why).join('; ')}. ` +
        'Break the circle by removing one of these requirements (a badge never needs itself, directly or through other badges and levels).',
    );
  }
  if (errorCount() > 0) return;
  checkSatisfiable(rs, notes, report, unreachable);
}
