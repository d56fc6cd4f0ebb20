import { InvalidArgumentError } from 'commander';
import { diffRuleSets, type DiffEntry } from '@laurel/rules';
import { parseAt } from './explain-command';
import { readEventLog } from './event-log';
import { fail, paint, type CliIo } from './io';
import { printIssue, readRuleFile } from './rule-files';

export type DiffOptions = { events: string; at?: string; json?: boolean; limit?: number };

/** `--limit`: how many student ids to list per line, 1 or more. */
export function parseLimit(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('use a whole number of student ids, 1 or more');
  return Number(value);
}

/** `laurel rules diff`: who would gain or lose which badge or level if `after` replaced `before`. */
export function diffFiles(io: CliIo, beforeFile: string, afterFile: string, opts: DiffOptions): void {
  const [before, after] = [readRuleFile(io, beforeFile), readRuleFile(io, afterFile)];
  if (before === undefined || after === undefined) return;
  let broken = false;
  for (const r of [before, after])
    if (!r.result.ok) {
      broken = true;
      for (const e of r.result.errors) printIssue(io, e, r.source);
    }
  if (broken || !before.result.ok || !after.result.ok) return fail(io);
  const log = readEventLog(io, opts.events);
  if (log === undefined) return;
  const at = parseAt(io, opts.at);
  if (at === undefined) return;
  const diff = diffRuleSets(before.result.ruleSet, after.result.ruleSet, log.histories, at);
  if (opts.json) {
    io.out(`${JSON.stringify(diff, null, 2)}\n`);
    return;
  }
  const limit = opts.limit ?? 20;
  const names = (ids: string[]): string =>
    ids.length > limit ? `${ids.slice(0, limit).join(', ')}, ... (${ids.length - limit} more)` : ids.join(', ');
  const section = (title: string, entries: DiffEntry[]): string[] => {
    if (entries.length === 0) return [`${title}: no change`];
    const width = Math.max(...entries.map((e) => e.id.length));
    return [
      `${title}:`,
      ...entries.flatMap((e) => [
        `  ${e.id.padEnd(width)}  ${paint(io, 'green', `+${e.gained.length}`.padStart(4))} ${paint(io, 'red', `-${e.lost.length}`.padStart(4))}`,
        ...(e.gained.length ? [`      gain: ${names(e.gained)}`] : []),
        ...(e.lost.length ? [`      lose: ${names(e.lost)}`] : []),
      ]),
    ];
  };
  const published = diff.onPublish;
  const effect = (say: (id: string, n: string) => string, entries: { id: string; students: string[] }[]): string[] =>
    entries.map((e) => `  ${say(e.id, `${e.students.length} ${e.students.length === 1 ? 'student' : 'students'}`)}: ${names(e.students)}`);
  const onPublish = [
    ...effect((id, n) => `award ${id} to ${n}`, published.awarded),
    ...effect((id, n) => `bring ${n} to level ${id}`, published.levelsReached),
    ...effect((id, n) => `keep ${id} of ${n} who no longer meet it (policy keep)`, published.kept),
    ...effect((id, n) => `flag ${id} of ${n} for a coordinator's review (policy flag)`, published.flagged),
    ...effect((id, n) => `revoke ${id} from ${n} (policy revoke)`, published.revoked),
    ...effect((id, n) => `clear the lost support of ${id} for ${n} who meet it again`, published.restored),
    ...effect(
      (id, n) => `leave the applications for ${id} of ${n} waiting for review, which an approval would then refuse (a coordinator must reject them)`,
      published.applicationsRefused,
    ),
  ];
  io.out(
    [
      paint(io, 'bold', `rules diff: ${beforeFile} (${diff.before?.sha256.slice(0, 12)}) -> ${afterFile} (${diff.after.sha256.slice(0, 12)})`),
      `replayed ${diff.facts} facts of ${diff.students} students from ${opts.events} (${log.skipped} derived or unused events skipped), as of ${diff.at}`,
      '',
      ...section('levels', diff.levels),
      ...section('badges', diff.badges),
      '',
      `${diff.changed.length} of ${diff.students} students affected.`,
      '',
      onPublish.length === 0
        ? 'publishing it now would award nothing and change no award already made'
        : "publishing it now would, with each badge's on-rule-change policy for awards already made:",
      ...onPublish,
    ].join('\n') + '\n',
  );
}
