import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { formatIssue, loadRuleSet, type LoadResult, type RuleIssue } from '@laurel/rules';
import { fail, paint, type CliIo } from './io';

/** Rule files named on the command line: files as given, directories by their `*.yaml` / `*.yml` (not recursive). */
export function expandPaths(io: CliIo, paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const abs = isAbsolute(p) ? p : resolve(io.cwd, p);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      io.err(`laurel: ${p}: no such file or directory\n`);
      fail(io, 2);
      continue;
    }
    if (stat.isDirectory()) {
      const found = readdirSync(abs)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => display(io, join(abs, f)));
      if (found.length === 0) {
        io.err(`laurel: ${p}: no rule files (*.yaml, *.yml) found in this directory\n`);
        fail(io);
      }
      files.push(...found);
    } else files.push(display(io, abs));
  }
  return files;
}

/** Paths are shown relative to where the command runs, like a compiler does. */
function display(io: CliIo, abs: string): string {
  const rel = relative(io.cwd, abs);
  return rel.startsWith('..') ? abs : rel;
}

export function readRuleFile(io: CliIo, file: string): { source: string; result: LoadResult } | undefined {
  let source: string;
  try {
    source = readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (e) {
    io.err(`laurel: cannot read ${file}: ${(e as Error).message}\n`);
    fail(io, 2);
    return undefined;
  }
  return { source, result: loadRuleSet(source, file) };
}

/** Characters of the offending line shown on each side of the column: a one-line 100 KB file must not flood the terminal. */
const SNIPPET_WINDOW = 60;

/** `file:line:col severity: message [code]`, then the line (around the column if it is long) and a caret under the column. */
export function printIssue(io: CliIo, issue: RuleIssue, source: string | undefined): void {
  const head = formatIssue(issue).replace(
    ` ${issue.severity}: `,
    ` ${paint(io, issue.severity === 'error' ? 'red' : 'yellow', `${issue.severity}:`)} `,
  );
  const write = (text: string): void => io.out(text);
  write(`${head}\n`);
  const full = source?.split(/\r?\n/)[issue.line - 1];
  if (full === undefined) return;
  const at = Math.max(0, issue.column - 1);
  const start = Math.max(0, at - SNIPPET_WINDOW);
  const end = at + SNIPPET_WINDOW;
  const before = start > 0 ? '…' : '';
  const line = `${before}${full.slice(start, end)}${end < full.length ? '…' : ''}`;
  const gutter = String(issue.line).length + 1;
  write(`${paint(io, 'dim', `${String(issue.line).padStart(gutter)} |`)} ${line}\n`);
  // The line's own tabs, kept before the caret: a tab is as wide in both lines, whatever width the terminal gives it.
  const under = `${before}${full.slice(start, at)}`.replace(/[^\t]/g, ' ');
  write(`${paint(io, 'dim', `${' '.repeat(gutter)} |`)} ${under}${paint(io, 'red', '^')}\n`);
}
