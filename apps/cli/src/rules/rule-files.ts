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
      if (found.length === 0) io.err(`laurel: ${p}: no .yaml rule files in this directory\n`);
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

/** `file:line:col severity: message [code]`, then the line and a caret under the column. */
export function printIssue(io: CliIo, issue: RuleIssue, source: string | undefined): void {
  const head = formatIssue(issue).replace(
    ` ${issue.severity}: `,
    ` ${paint(io, issue.severity === 'error' ? 'red' : 'yellow', `${issue.severity}:`)} `,
  );
  const write = (text: string): void => io.out(text);
  write(`${head}\n`);
  const line = source?.split(/\r?\n/)[issue.line - 1];
  if (line === undefined) return;
  const gutter = String(issue.line).length + 1;
  write(`${paint(io, 'dim', `${String(issue.line).padStart(gutter)} |`)} ${line}\n`);
  write(`${paint(io, 'dim', `${' '.repeat(gutter)} |`)} ${' '.repeat(Math.max(0, issue.column - 1))}${paint(io, 'red', '^')}\n`);
}
