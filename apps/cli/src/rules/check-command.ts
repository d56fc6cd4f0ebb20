import { runExamples, type ExampleResult, type RuleIssue } from '@laurel/rules';
import { fail, paint, type CliIo } from './io';
import { expandPaths, printIssue, readRuleFile } from './rule-files';

type FileReport = {
  file: string;
  ok: boolean;
  errors: RuleIssue[];
  warnings: RuleIssue[];
  summary?: { programId: string; sha256: string; activities: number; categories: number; levels: number; badges: number; examples: number };
  examples?: Array<Pick<ExampleResult, 'name' | 'passed' | 'failures'>>;
};

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `laurel rules check` and `laurel rules test`: load every file, report issues, and (test) run the examples. */
export function checkFiles(io: CliIo, paths: string[], opts: { json?: boolean; examples: boolean }): void {
  const reports: FileReport[] = [];
  for (const file of expandPaths(io, paths)) {
    const read = readRuleFile(io, file);
    if (read === undefined) continue;
    const { result, source } = read;
    const report: FileReport = result.ok
      ? { file, ok: true, errors: [], warnings: result.warnings }
      : { file, ok: false, errors: result.errors, warnings: result.warnings };
    if (result.ok) {
      const rs = result.ruleSet;
      report.summary = {
        programId: rs.programId,
        sha256: rs.sha256,
        activities: rs.activities.length,
        categories: rs.categories.length,
        levels: rs.levels.length,
        badges: rs.badges.length,
        examples: rs.examples.length,
      };
      if (opts.examples) {
        report.examples = runExamples(rs).map(({ name, passed, failures }) => ({ name, passed, failures }));
        if (report.examples.some((e) => !e.passed)) report.ok = false;
      }
    }
    if (!report.ok) fail(io);
    reports.push(report);
    if (!opts.json) printReport(io, report, source, opts.examples);
  }
  if (opts.json) {
    io.out(`${JSON.stringify({ ok: reports.every((r) => r.ok) && io.exitCode === 0, files: reports }, null, 2)}\n`);
    return;
  }
  // Nothing was read: the errors printed above say why, and a verdict would only contradict them.
  if (reports.length === 0) return;
  const unread = io.exitCode > 0 && reports.every((r) => r.ok) ? ', but not every path could be read' : '';
  const errors = reports.reduce((n, r) => n + r.errors.length, 0);
  const warnings = reports.reduce((n, r) => n + r.warnings.length, 0);
  if (opts.examples) {
    const all = reports.flatMap((r) => r.examples ?? []);
    const failed = all.filter((e) => !e.passed).length;
    const verdict = failed > 0 || errors > 0 || unread ? paint(io, 'red', 'FAILED') : paint(io, 'green', 'passed');
    io.out(
      `\n${plural(all.length, 'example')} in ${plural(reports.length, 'file')}: ${all.length - failed} passed, ${failed} failed${errors ? `, ${plural(errors, 'error')} loading` : ''}${unread} - ${verdict}\n`,
    );
  } else {
    const bad = reports.filter((r) => !r.ok).length;
    io.out(
      `\n${plural(reports.length, 'file')} checked: ${bad === 0 ? paint(io, unread ? 'yellow' : 'green', 'all clean') : paint(io, 'red', `${bad} with errors`)} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})${unread}\n`,
    );
  }
}

function printReport(io: CliIo, r: FileReport, source: string, examples: boolean): void {
  for (const issue of [...r.errors, ...r.warnings].sort((a, b) => a.line - b.line || a.column - b.column)) printIssue(io, issue, source);
  const s = r.summary;
  if (s && !examples) {
    io.out(
      `${r.file}: ${paint(io, 'green', 'ok')} - program \`${s.programId}\`, ${plural(s.activities, 'activity', 'activities')} in ${plural(s.categories, 'category', 'categories')}, ${plural(s.levels, 'level')}, ${plural(s.badges, 'badge')}, ${plural(s.examples, 'example')} (sha256 ${s.sha256.slice(0, 12)})\n`,
    );
  }
  if (examples && r.examples) {
    io.out(`${r.file}\n`);
    for (const e of r.examples) {
      io.out(`  ${e.passed ? paint(io, 'green', 'ok  ') : paint(io, 'red', 'FAIL')} ${e.name}\n`);
      for (const f of e.failures) printIssue(io, f, source);
    }
  }
}
