import type { Command } from 'commander';
import { checkFiles } from './check-command';
import { diffFiles, parseLimit, type DiffOptions } from './diff-command';
import { explainStudent, type ExplainOptions } from './explain-command';
import type { CliIo } from './io';

/** Adds `laurel rules check|test|explain|diff` to the program. */
export function registerRulesCommands(program: Command, io: CliIo): void {
  const rules = program.command('rules').description('check, test, explain and compare rule files (rules/*.yaml)');

  rules
    .command('check')
    .description('load rule files and run the static checks; exit 1 on any error')
    .argument('<paths...>', 'rule files or directories (their *.yaml files)')
    .option('--json', 'machine-readable output')
    .action((paths: string[], opts: { json?: boolean }) => checkFiles(io, paths, { json: opts.json, examples: false }));

  rules
    .command('test')
    .description('run the examples of rule files (given these events, expect these badges); exit 1 on any failure')
    .argument('<paths...>', 'rule files or directories')
    .option('--json', 'machine-readable output')
    .action((paths: string[], opts: { json?: boolean }) => checkFiles(io, paths, { json: opts.json, examples: true }));

  rules
    .command('explain')
    .description('why a student has or lacks each badge and level, and the shortest steps to the next')
    .argument('<rules>', 'rule file')
    .requiredOption('--events <file>', 'newline-delimited JSON events, as the engine stores them')
    .requiredOption('--student <id>', 'student id (stream student-<id>)')
    .option('--at <date>', 'evaluate as of this date or instant (default: now)')
    .option('--json', 'machine-readable output')
    .action((file: string, opts: ExplainOptions) => explainStudent(io, file, opts));

  rules
    .command('diff')
    .description('replay the same events under two rule files: who gains or loses which badge or level')
    .argument('<old>', 'the rule file in force')
    .argument('<new>', 'the draft')
    .requiredOption('--events <file>', 'newline-delimited JSON events, as the engine stores them')
    .option('--at <date>', 'compare as of this date or instant (default: now)')
    .option('--limit <n>', 'student ids listed per line', parseLimit, 20)
    .option('--json', 'machine-readable output')
    .action((before: string, after: string, opts: DiffOptions) => diffFiles(io, before, after, opts));
}
