import { readFileSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig, loadOrCreateLocalAuthKey, mintLocalToken } from '@laurel/platform';
import { CliError } from '../cli-error';
import { engineUrl, requestEngine } from '../engine-request';
import { CSV_COLUMNS, readParticipationCsv, type CsvParticipation } from './csv-rows';

/** Larger attendance files should be split; the engine accepts 1,000 rows per request. */
export const MAX_CSV_BYTES = 20 * 1024 * 1024;
const CHUNK = 1000;

type RowResult = { row: number; status: 'created' | 'unchanged' | 'rejected'; participationId?: string; code?: string; message?: string };

/**
 * The engine's words for a row, for a person reading the CSV. A derived id
 * (the file has no participationId column) is one they never wrote: "use a
 * new participationId" cannot be followed, so a line imported before with
 * other details (hours corrected in the file) says how to change it.
 */
function messageFor(r: RowResult, row: CsvParticipation | undefined, chunk: CsvParticipation[], firstLine: Map<string, number>): string | undefined {
  // The engine names rows of the batch it was sent; the person reading knows lines of the file.
  const sent = r.message?.replace(/\brow (\d+) of this batch\b/g, (_, n: string) => `line ${chunk[Number(n)]?.line ?? '?'} of this file`);
  // The engine names the instant it was sent; the file has the date as written ("2030-01-01 is in the future").
  const message = row && sent ? sent.replace(`occurredAt ${row.body.occurredAt}`, `occurredAt ${row.written}`) : sent;
  if (!row?.derivedId) return message;
  const id = row.body.participationId;
  const earlier = firstLine.get(id);
  const same = 'the same student, activity, date and role';
  if (earlier !== undefined && earlier !== row.line) {
    if (r.status === 'unchanged')
      return `${same} as line ${earlier}, so it is recorded once; if both took place, give the lines a participationId each (add the column)`;
    if (r.code === 'PARTICIPATION_CONFLICT')
      return `${same} as line ${earlier} but other details; if both took place, give the lines a participationId each (add the column), else remove one`;
  }
  if (r.code === 'PARTICIPATION_CONFLICT' && /already recorded with different details/.test(r.message ?? ''))
    return (
      `this line (student, activity, date and role) was imported before with other details (participation ${id}); ` +
      `to change it, void that participation (DELETE /participations/${id} with a reason), then give this line a participationId of its own (add the column)`
    );
  return message;
}

async function bearer(explicit: string | undefined): Promise<string> {
  if (explicit) return explicit;
  if (process.env.LAUREL_TOKEN) return process.env.LAUREL_TOKEN;
  const config = loadConfig();
  if (config.auth.kind !== 'local') throw new CliError('set LAUREL_TOKEN (or --token) to a coordinator token from your identity provider');
  const key = await loadOrCreateLocalAuthKey(config.auth.keyFile);
  return mintLocalToken(key, config.auth, { sub: process.env.USER ?? 'cli', roles: ['coordinator'], ttlSeconds: 900 });
}

/** The per-row results of a batch answer, or undefined when something other than the engine answered. */
function resultsOf(text: string): RowResult[] | undefined {
  try {
    const body = JSON.parse(text) as { results?: unknown } | null;
    return Array.isArray(body?.results) ? (body.results as RowResult[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `laurel import <file.csv> [--dry-run]`: records an attendance CSV through
 * the engine's batch endpoint. Every problem is reported with its line
 * number; re-running the same file records nothing new.
 */
export function importCommand(): Command {
  return new Command('import')
    .description(`record participations from a CSV file (columns: ${[...CSV_COLUMNS.required, ...CSV_COLUMNS.optional].join(', ')})`)
    .argument('<file>', 'CSV file with a header row')
    .option('--dry-run', 'check every row against the engine and report, writing nothing')
    .option('--url <url>', 'the engine', process.env.LAUREL_URL ?? 'http://127.0.0.1:3000')
    .option('--token <jwt>', 'coordinator bearer token (default: $LAUREL_TOKEN, or one minted with the local key)')
    .option('--json', 'print the per-line results as JSON')
    .action(async (file: string, options: { dryRun?: boolean; url: string; token?: string; json?: boolean }) => {
      const stat = statSync(file, { throwIfNoEntry: false });
      if (stat === undefined) throw new CliError(`file ${file} not found`);
      if (!stat.isFile()) throw new CliError(`${file} is not a file: name a CSV file`);
      if (stat.size > MAX_CSV_BYTES)
        throw new CliError(`${file} is ${(stat.size / 1048576).toFixed(1)} MB; the limit is ${MAX_CSV_BYTES / 1048576} MB, split the file`);
      const target = engineUrl(options.url, '/participations/batch');
      const { rows, problems } = readParticipationCsv(readFileSync(file, 'utf8'));
      if (rows.length === 0 && problems.length === 0 && !options.json) {
        process.stdout.write(`${file}: no rows below the header, nothing to import\n`);
        return;
      }
      const lines: { line: number; participationId?: string; status: string; message?: string }[] = problems.map((p) => ({
        line: p.line,
        status: 'invalid',
        message: p.message,
      }));
      const token = rows.length > 0 ? await bearer(options.token) : '';
      const firstLine = new Map<string, number>();
      for (const r of rows) if (!firstLine.has(r.body.participationId)) firstLine.set(r.body.participationId, r.line);
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk: CsvParticipation[] = rows.slice(i, i + CHUNK);
        const text = await requestEngine(
          target,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ participations: chunk.map((r) => r.body), dryRun: options.dryRun ?? false }),
          },
          'coordinator',
        );
        const results = resultsOf(text);
        if (results === undefined) throw new CliError(`${target.origin} answered without per-row results: is --url the Laurel engine?`);
        for (const r of results) {
          const row = chunk[r.row];
          const message = messageFor(r, row, chunk, firstLine);
          // The id the row was sent with (derived from the row when the file has no participationId column): what a void needs.
          const participationId = r.participationId ?? row?.body.participationId;
          lines.push({ line: row?.line ?? -1, ...(participationId && { participationId }), status: r.status, ...(message && { message }) });
        }
      }
      lines.sort((a, b) => a.line - b.line);
      const count = (s: string) => lines.filter((l) => l.status === s).length;
      const summary = {
        created: count('created'),
        unchanged: count('unchanged'),
        rejected: count('rejected') + count('invalid'),
        dryRun: options.dryRun ?? false,
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ summary, lines }, null, 2)}\n`);
      } else {
        // Lines recorded once for an earlier line say so too: a row exported twice by mistake and a genuine second session look alike.
        for (const l of lines.filter((x) => x.status === 'rejected' || x.status === 'invalid' || x.message !== undefined))
          process.stdout.write(`${file}:${l.line}: ${l.message}\n`);
        const verb = options.dryRun ? 'would be created' : 'created';
        // A header the import cannot read stops it before any line: counting its problems as rejected lines misleads.
        process.stdout.write(
          problems.some((p) => p.file)
            ? `nothing ${options.dryRun ? 'checked' : 'imported'}: no line of ${file} was read; fix what is said above and run it again\n`
            : `${summary.created} ${verb}, ${summary.unchanged} already recorded, ${summary.rejected} rejected\n`,
        );
      }
      if (summary.rejected > 0) process.exitCode = 1;
    });
}
