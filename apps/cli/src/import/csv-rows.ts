import { parse } from 'csv-parse/sync';
import { v5 as uuidv5 } from 'uuid';
import { readOccurredAt } from '@laurel/progression';
import { nearMatches } from '@laurel/rules';

/** Namespace for participation ids derived from a CSV row, so re-running an import records nothing twice. */
const ROW_NAMESPACE = '9c1f4e2a-7b3d-4a5e-8f6c-1d2e3f4a5b6c';

export const CSV_COLUMNS = {
  required: ['studentId', 'activityId', 'occurredAt'],
  optional: ['participationId', 'role', 'hours', 'evidence'],
} as const;

export interface CsvParticipation {
  /** 1-based line in the file where the row starts. */
  line: number;
  /** The participationId was derived from the row (the file gave none), so the person importing has never seen it. */
  derivedId: boolean;
  /** `occurredAt` as the file writes it (`2026-10-01`), where `body` has the instant sent (`2026-10-01T00:00:00.000Z`). */
  written: string;
  body: {
    participationId: string;
    studentId: string;
    activityId: string;
    occurredAt: string;
    role?: string;
    hours?: number;
    evidence?: string;
  };
}

export interface CsvProblem {
  line: number;
  message: string;
  /** A problem of the whole file (its header, its CSV): no line of it was read. */
  file?: true;
}

const BREAK = /\r\n|\r|\n/g;

/**
 * The line a record starts on, from where csv-parse says it ends (`bytes`)
 * and its text (`raw`). csv-parse's own `lines` is the line it ends on, and
 * counts a CRLF inside quotes as two: a note with line breaks in it (a
 * spreadsheet cell written with Alt+Enter) moved every later line number.
 * Records come in order, so the file is scanned once.
 */
function lineFinder(text: string): (bytes: number, raw: string) => number {
  const buf = Buffer.from(text);
  let scanned = 0;
  let breaks = 0;
  return (bytes, raw) => {
    for (; scanned < bytes && scanned < buf.length; scanned++) {
      const b = buf[scanned];
      if (b === 0x0a || (b === 0x0d && buf[scanned + 1] !== 0x0a)) breaks++;
    }
    const last = buf[bytes - 1];
    const endLine = last === 0x0a || last === 0x0d ? breaks : breaks + 1;
    // Blank lines skipped before the record and the break that ends it are in `raw` too; only the breaks inside count.
    const inner =
      raw
        .replace(/^[\r\n]+/, '')
        .replace(/(\r\n|\r|\n)$/, '')
        .match(BREAK)?.length ?? 0;
    return endLine - inner;
  };
}

/**
 * Reads an attendance CSV (header row required; `,`, `;` or tab separated) into
 * participation bodies, with every problem tied to its line number.
 */
export function readParticipationCsv(text: string): { rows: CsvParticipation[]; problems: CsvProblem[] } {
  const known: readonly string[] = [...CSV_COLUMNS.required, ...CSV_COLUMNS.optional];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  const firstLine = lines[headerIndex];
  if (firstLine === undefined)
    return {
      rows: [],
      problems: [
        {
          line: 1,
          message: `the file is empty; its first line must be a header naming the columns, at least ${CSV_COLUMNS.required.join(',')}`,
          file: true,
        },
      ],
    };
  // The separator the header uses most: `,`, `;` (spreadsheets in Lithuania) or a tab (a spreadsheet's "tab delimited" text).
  const count = (d: string): number => firstLine.split(d).length - 1;
  const delimiter = ([';', '\t'] as const).reduce<string>((best, d) => (count(d) > count(best) ? d : best), ',');
  // Spreadsheets capitalise, pad and space headers (`Student ID `, `student_id`): the names are matched as written in CSV_COLUMNS.
  const squash = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');
  const canonical = (name: string): string => known.find((k) => squash(k) === squash(name)) ?? name.trim();
  const guessed = (name: string): string => {
    const near = nearMatches(squash(name), known.map(squash)).map((n) => known.find((k) => squash(k) === n) ?? n);
    return near.length > 0 ? `${name} (did you mean ${near.slice(0, 2).join(' or ')}?)` : name;
  };
  let header: string[] = [];
  let records: { record: Record<string, string>; raw: string; info: { bytes: number; invalid_field_length: number } }[];
  try {
    records = parse(text, {
      columns: (names: string[]) => (header = names.map(canonical)),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      delimiter,
      // A row with too few or too many fields is that row's problem, not the whole file's.
      relax_column_count: true,
    });
  } catch (err) {
    const e = err as Error & { lines?: number };
    return { rows: [], problems: [{ line: e.lines ?? 1, message: `the file is not valid CSV: ${e.message}`, file: true }] };
  }
  const problems: CsvProblem[] = [];
  const missing = CSV_COLUMNS.required.filter((c) => !header.includes(c));
  const unknown = header.filter((h) => !known.includes(h));
  if (missing.length > 0)
    problems.push({
      line: headerIndex + 1,
      message: `the header lacks required column(s) ${missing.join(', ')}; columns are ${known.join(', ')}`,
      file: true,
    });
  if (unknown.length > 0)
    problems.push({
      line: headerIndex + 1,
      message: `unknown column(s) ${unknown.map(guessed).join(', ')}; columns are ${known.join(', ')}`,
      file: true,
    });
  if (problems.length > 0) return { rows: [], problems };

  const rows: CsvParticipation[] = [];
  let misshapen = 0;
  const startLine = lineFinder(text);
  for (const { record, raw, info } of records) {
    const line = startLine(info.bytes, raw);
    // csv-parse counts the rows whose field count differs from the header's, so far.
    const wrongLength = info.invalid_field_length > misshapen;
    misshapen = info.invalid_field_length;
    // A spreadsheet exports a blank row as `;;;;`: nothing to record, not a row missing its student.
    if (Object.values(record).every((v) => v === '')) continue;
    if (wrongLength) {
      const fewer = Object.keys(record).length < header.length;
      problems.push({
        line,
        message: fewer
          ? `the line has fewer fields than the header's ${header.length} (${header.join(delimiter)}); write every column, leaving a value out as an empty field ("${delimiter}${delimiter}")`
          : `the line has more fields than the header's ${header.length} (${header.join(delimiter)}); a value holding "${delimiter}" needs double quotes`,
      });
      continue;
    }
    const rowProblems: string[] = [];
    for (const c of CSV_COLUMNS.required) if (!record[c]) rowProblems.push(`${c} is empty`);
    // A date alone is that day at 00:00 UTC (spreadsheets keep dates); a space may stand for the `T`, as spreadsheets write date-times.
    const date = record.occurredAt ? readOccurredAt(record.occurredAt, { dateOnly: 'start-of-day', spaceSeparator: true }) : undefined;
    if (date && 'problem' in date) rowProblems.push(date.problem);
    const occurredAt = date && 'iso' in date ? date.iso : undefined;
    let hours: number | undefined;
    if (record.hours) {
      hours = Number(record.hours.replace(',', '.'));
      if (!Number.isFinite(hours)) rowProblems.push(`hours "${record.hours}" is not a number`);
    }
    if (rowProblems.length > 0 || !occurredAt) {
      problems.push({ line, message: rowProblems.join('; ') });
      continue;
    }
    const role = record.role?.toLowerCase() || undefined;
    const participationId =
      record.participationId || uuidv5([record.studentId, record.activityId, occurredAt, role ?? 'participant'].join('|'), ROW_NAMESPACE);
    rows.push({
      line,
      derivedId: !record.participationId,
      written: record.occurredAt ?? occurredAt,
      body: {
        participationId,
        studentId: record.studentId ?? '',
        activityId: record.activityId ?? '',
        occurredAt,
        ...(role && { role }),
        ...(hours !== undefined && { hours }),
        ...(record.evidence && { evidence: record.evidence }),
      },
    });
  }
  return { rows, problems };
}
