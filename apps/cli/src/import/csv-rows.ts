import { parse } from 'csv-parse/sync';
import { v5 as uuidv5 } from 'uuid';

/** Namespace for participation ids derived from a CSV row, so re-running an import records nothing twice. */
const ROW_NAMESPACE = '9c1f4e2a-7b3d-4a5e-8f6c-1d2e3f4a5b6c';

export const CSV_COLUMNS = {
  required: ['studentId', 'activityId', 'occurredAt'],
  optional: ['participationId', 'role', 'hours', 'evidence'],
} as const;

export interface CsvParticipation {
  /** 1-based line in the file where the row starts. */
  line: number;
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
}

/** `2026-10-14` means that day at 00:00 UTC; full ISO-8601 date-times pass through. */
function normaliseDate(value: string): string | undefined {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Reads an attendance CSV (header row required; `,` or `;` separated) into
 * participation bodies, with every problem tied to its line number.
 */
export function readParticipationCsv(text: string): { rows: CsvParticipation[]; problems: CsvProblem[] } {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, bom: true, trim: true, skip_empty_lines: true, info: true, delimiter, relax_column_count: false });
  } catch (err) {
    const e = err as Error & { lines?: number };
    return { rows: [], problems: [{ line: e.lines ?? 1, message: `the file is not valid CSV: ${e.message}` }] };
  }
  const header = firstLine.split(delimiter).map((h) => h.trim().replace(/^\uFEFF/, ''));
  const known: readonly string[] = [...CSV_COLUMNS.required, ...CSV_COLUMNS.optional];
  const problems: CsvProblem[] = [];
  const missing = CSV_COLUMNS.required.filter((c) => !header.includes(c));
  const unknown = header.filter((h) => !known.includes(h));
  if (missing.length > 0)
    problems.push({ line: 1, message: `the header lacks required column(s) ${missing.join(', ')}; columns are ${known.join(', ')}` });
  if (unknown.length > 0) problems.push({ line: 1, message: `unknown column(s) ${unknown.join(', ')}; columns are ${known.join(', ')}` });
  if (problems.length > 0) return { rows: [], problems };

  const rows: CsvParticipation[] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    const rowProblems: string[] = [];
    for (const c of CSV_COLUMNS.required) if (!record[c]) rowProblems.push(`${c} is empty`);
    const occurredAt = record.occurredAt ? normaliseDate(record.occurredAt) : undefined;
    if (record.occurredAt && !occurredAt)
      rowProblems.push(`occurredAt "${record.occurredAt}" is not a date; use YYYY-MM-DD or an ISO-8601 date-time`);
    let hours: number | undefined;
    if (record.hours) {
      hours = Number(record.hours.replace(',', '.'));
      if (!Number.isFinite(hours)) rowProblems.push(`hours "${record.hours}" is not a number`);
    }
    if (rowProblems.length > 0 || !occurredAt) {
      problems.push({ line, message: rowProblems.join('; ') });
      continue;
    }
    const role = record.role || undefined;
    const participationId =
      record.participationId || uuidv5([record.studentId, record.activityId, occurredAt, role ?? 'participant'].join('|'), ROW_NAMESPACE);
    rows.push({
      line,
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
