import { explain, nearMatches, replay, type ConditionExplanation, type Explanation } from '@laurel/rules';
import { readEventLog } from './event-log';
import { fail, paint, type CliIo } from './io';
import { printIssue, readRuleFile } from './rule-files';

export type ExplainOptions = { events: string; student: string; at?: string; json?: boolean };

/** `laurel rules explain`: replays one student's events under a rule file and says why, and what is next. */
export function explainStudent(io: CliIo, file: string, opts: ExplainOptions): void {
  const read = readRuleFile(io, file);
  if (read === undefined) return;
  if (!read.result.ok) {
    for (const e of read.result.errors) printIssue(io, e, read.source);
    return fail(io);
  }
  const ruleSet = read.result.ruleSet;
  const log = readEventLog(io, opts.events);
  if (log === undefined) return;
  const history = log.histories.find((h) => h.studentId === opts.student);
  if (history === undefined) {
    const near = nearMatches(
      opts.student,
      log.histories.map((h) => h.studentId),
    );
    const hint = near.length > 0 ? `; did you mean ${near.map((id) => `\`${id}\``).join(' or ')}?` : '';
    io.err(`laurel: no events for student \`${opts.student}\` in ${opts.events} (${log.histories.length} students there)${hint}\n`);
    return fail(io);
  }
  const at = parseAt(io, opts.at);
  if (at === undefined) return;
  const { state } = replay(ruleSet, history.studentId, history.facts, at);
  const e = explain(ruleSet, state, at);
  if (opts.json) {
    io.out(`${JSON.stringify(e, null, 2)}\n`);
    return;
  }
  printExplanation(io, e, ruleSet.fileName);
}

/** A date, or a date-time with `Z` or an offset: the instant must not depend on the machine's time zone (the engine's `asOf` / `at` read the same). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const NO_ZONE = /^\d{4}-\d{2}-\d{2}T[\d:.]*$/;

export function parseAt(io: CliIo, at: string | undefined): Date | undefined {
  if (at !== undefined && NO_ZONE.test(at)) {
    io.err(`laurel: --at ${at} has no time zone: write ${at}Z for UTC, or add the offset, e.g. ${at}+02:00\n`);
    fail(io, 2);
    return undefined;
  }
  const d = at === undefined ? new Date() : new Date(at.length === 10 ? `${at}T23:59:59.999Z` : at);
  if ((at !== undefined && !ISO_INSTANT.test(at)) || Number.isNaN(d.getTime())) {
    io.err(`laurel: --at must be a date like 2026-06-30 or an ISO instant like 2026-06-30T12:00:00Z, not "${at}"\n`);
    fail(io, 2);
    return undefined;
  }
  return d;
}

const mark = (io: CliIo, ok: boolean): string => (ok ? paint(io, 'green', '✓') : paint(io, 'red', '✗'));

function conditionLines(io: CliIo, c: ConditionExplanation, indent: string): string[] {
  const value = c.current !== undefined ? ` ${paint(io, 'dim', `(${c.current} of ${c.required})`)}` : '';
  if (c.children && (c.kind === 'all' || c.kind === 'any')) {
    const head = c.kind === 'all' ? 'all of:' : 'one of:';
    return [`${indent}${mark(io, c.met)} ${head}`, ...c.children.flatMap((x) => conditionLines(io, x, `${indent}    `))];
  }
  return [`${indent}${mark(io, c.met)} ${c.text}${value}`];
}

function printExplanation(io: CliIo, e: Explanation, file: string): void {
  const out: string[] = [];
  out.push(paint(io, 'bold', `Student ${e.studentId} under ${e.programId} (${file}, sha256 ${e.ruleSetHash.slice(0, 12)}) at ${e.at}`));
  out.push(`Current level: ${e.currentLevel ?? 'none yet'}`, '', paint(io, 'bold', 'Levels'));
  for (const l of e.levels) {
    out.push(`  ${mark(io, l.reached)} ${l.levelId} - ${l.name.en}${l.reachedAt ? ` (reached ${l.reachedAt.slice(0, 10)})` : ''}`);
    if (!l.reached) out.push(...conditionLines(io, l.condition, '      '));
  }
  out.push('', paint(io, 'bold', 'Badges'));
  for (const b of e.badges) {
    const detail =
      b.status === 'held'
        ? `held since ${b.heldSince?.slice(0, 10) ?? '?'}${b.expiresAt ? `, expires ${b.expiresAt.slice(0, 10)}` : ''}${b.supportLost ? ', support lost' : ''}`
        : (b.renewal ?? b.status);
    out.push(
      `  ${mark(io, b.status === 'held')} ${b.badgeId} - ${b.name.en} [${b.level}${b.award === 'application' ? ', on application' : ''}]: ${detail}`,
    );
    if (b.status !== 'held') {
      out.push(...conditionLines(io, b.condition, '      '));
      if (b.missing.length > 0) out.push(`      ${paint(io, 'dim', 'to do:')} ${b.missing.map((s) => s.text).join('; ')}`);
    }
  }
  out.push('');
  const { level, badge } = e.next;
  if (level) out.push(`${paint(io, 'bold', `Next level (${level.levelId}):`)} ${level.missing.map((s) => s.text).join('; ') || 'nothing missing'}`);
  else out.push(paint(io, 'bold', 'Every level is reached.'));
  if (badge) out.push(`${paint(io, 'bold', `Closest badge (${badge.badgeId}):`)} ${badge.missing.map((s) => s.text).join('; ')}`);
  io.out(`${out.join('\n')}\n`);
}
