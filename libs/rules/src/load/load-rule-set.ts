import { createHash } from 'node:crypto';
import { LineCounter, parseDocument } from 'yaml';
import { checkRuleSet } from '../check/check-rule-set';
import type { RuleSet, SourcePosition } from '../language/types';
import type { RuleIssue } from './issues';
import type { Parser } from './parse-condition';
import { parseRuleSet } from './parse-rule-set';
import { report, reportYamlError } from './yaml-reader';

export type LoadResult = { ok: true; ruleSet: RuleSet; warnings: RuleIssue[] } | { ok: false; errors: RuleIssue[]; warnings: RuleIssue[] };

export const SCHEMA_COMMENT = '# yaml-language-server: $schema=./schema/rule-set.schema.json';

/**
 * Parses and checks a rule file. Never throws on bad input: every problem
 * comes back as a `RuleIssue` naming the file, line and column, in plain
 * words with a fix. Pure: the caller reads the file. `now` (default: the
 * current time) is what a `valid-until` date is compared with: one already
 * come is a warning.
 *
 * @example
 * const result = loadRuleSet(readFileSync('rules/vilnius-tech.yaml', 'utf8'), 'rules/vilnius-tech.yaml');
 * if (!result.ok) for (const e of result.errors) console.error(formatIssue(e));
 * else console.log(result.ruleSet.programId, result.ruleSet.sha256);
 */
export function loadRuleSet(source: string, fileName: string, options: { now?: Date } = {}): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const p: Parser = {
    file: fileName,
    lines,
    issues: [],
    notes: { refs: [], thresholdPos: new Map(), windowPos: new Map(), validUntilPos: new Map() },
  };
  if (!/^#\s*yaml-language-server:\s*\$schema=/m.test(source.split('\n').slice(0, 5).join('\n'))) {
    report(
      p,
      { line: 1, column: 1 },
      'missing-schema-comment',
      `Add \`${SCHEMA_COMMENT}\` as the first line so editors autocomplete and underline mistakes.`,
      'warning',
    );
  }
  for (const error of doc.errors) {
    reportYamlError(p, error, source);
    // After a tab-indented line, or a line indented less than the fields of its list entry, YAML cannot tell which
    // block the lines below belong to, so every error it reports there is a guess (a tab in a badge gave six more
    // errors on the correct lines after it): the designer fixes this one and checks again.
    if (error.code === 'TAB_AS_INDENT' || error.message.startsWith('Sequence item without')) break;
  }
  const errorCount = (): number => p.issues.filter((i) => i.severity === 'error').length;
  let ruleSet: RuleSet | undefined;
  if (errorCount() === 0) {
    const parsed = parseRuleSet(p, doc.contents);
    const at = (pos: SourcePosition, code: RuleIssue['code'], message: string, severity?: RuleIssue['severity']): void =>
      report(p, pos, code, message, severity);
    if (parsed && errorCount() === 0) checkRuleSet(parsed, p.notes, at, errorCount, (options.now ?? new Date()).getTime());
    if (parsed) ruleSet = { ...parsed, fileName, sha256: createHash('sha256').update(source, 'utf8').digest('hex') };
  }
  const sorted = [...p.issues].sort((a, b) => a.line - b.line || a.column - b.column);
  const errors = sorted.filter((i) => i.severity === 'error');
  const warnings = sorted.filter((i) => i.severity === 'warning');
  if (errors.length > 0 || ruleSet === undefined) return { ok: false, errors, warnings };
  return { ok: true, ruleSet, warnings };
}
