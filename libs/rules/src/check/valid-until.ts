import { day } from '../evaluate/time';
import type { SourcePosition } from '../language/types';
import type { RuleIssue } from '../load/issues';
import type { ParseNotes } from '../load/parse-condition';
import type { ParsedRuleSet } from '../load/parse-rule-set';

type Report = (at: SourcePosition, code: RuleIssue['code'], message: string, severity?: RuleIssue['severity']) => void;

/**
 * Badges whose `valid-until` date has come by `now`: a warning, not an
 * error, since a badge retired on purpose keeps its past awards (expired)
 * in the history; but none is awarded any more, which is a surprise when
 * the year was mistyped.
 */
export function checkValidUntil(rs: ParsedRuleSet, notes: ParseNotes, report: Report, now: number): void {
  for (const badge of rs.badges) {
    if (badge.validity?.type !== 'until') continue;
    const until = Date.parse(badge.validity.date);
    if (until > now) continue;
    report(
      notes.validUntilPos.get(badge.id) ?? badge.pos,
      'past-valid-until',
      `Badge \`${badge.id}\` stopped being valid on ${day(until)} (\`valid-until: ${badge.validity.date}\`, today is ${day(now)}), so it can no longer be awarded and every award of it has expired. ` +
        'Set a later date if it should still be awarded; leave it if the badge is retired.',
      'warning',
    );
  }
}
