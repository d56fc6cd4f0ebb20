/**
 * `npm run bench -- eventstore [--seconds N] [--dir PATH]`
 *
 * Group commit against its alternatives, all at synchronous=FULL on a real
 * disk: the SQLite adapter with 1, 16 and 64 concurrent writers (each
 * awaiting one single-event append at a time), a raw better-sqlite3 loop
 * with one transaction per event (what an adapter without group commit could
 * at best do) and one with a transaction per 100 events (the ceiling).
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteEventStore, type NewEvent } from '@laurel/event-store';

const TMPFS_MAGIC = 0x01021994;

interface Options {
  seconds: number;
  dir: string;
}

function parseArgs(args: string[]): Options {
  const options: Options = { seconds: 4, dir: tmpdir() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = args[i + 1];
    if (arg === '--seconds' && value) {
      options.seconds = Number(value);
      i++;
    } else if (arg === '--dir' && value) {
      options.dir = value;
      i++;
    } else {
      throw new Error(`unknown option ${arg}; use --seconds N, --dir PATH`);
    }
  }
  if (!(options.seconds > 0))
    throw new Error('--seconds must be a positive number');
  return options;
}

/** A participation as the API records it: the payload size matters for the fsync'd WAL bytes. */
function participation(studentId: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'ParticipationRecorded',
    data: {
      participationId: randomUUID(),
      studentId,
      activityId: 'robotics-club',
      occurredAt: new Date().toISOString(),
      role: 'participant',
      hours: 2,
    },
    metadata: { correlationId: randomUUID(), actor: 'coordinator:bench' },
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ]!;
}

interface AdapterResult {
  writers: number;
  perSecond: number;
  p50: number;
  p99: number;
  transactions: number;
  appends: number;
}

async function measureAdapter(
  file: string,
  writers: number,
  seconds: number,
): Promise<AdapterResult> {
  const store = SqliteEventStore.open(file, { synchronous: 'FULL' });
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const stream = `student-${w}`;
      let expectedRevision: bigint | 'no_stream' = 'no_stream';
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const { nextRevision } = await store.append(
          stream,
          [participation(stream)],
          { expectedRevision },
        );
        latencies.push(performance.now() - t0);
        expectedRevision = nextRevision;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const { transactions, appends } = store.stats;
  await store.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    writers,
    perSecond: latencies.length / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    transactions,
    appends,
  };
}

/** Raw inserts into the adapter's own schema, `perTransaction` events per transaction, for `seconds`. */
function measureRaw(
  file: string,
  perTransaction: number,
  seconds: number,
): number {
  // Let the adapter create the schema so both write the same table and indexes.
  void SqliteEventStore.open(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const insert = db.prepare(
    'INSERT INTO events (stream, revision, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const revisions = new Map<string, number>();
  const commit = db.transaction((count: number) => {
    for (let i = 0; i < count; i++) {
      const stream = `student-${i % 64}`;
      const revision = (revisions.get(stream) ?? -1) + 1;
      revisions.set(stream, revision);
      const e = participation(stream);
      insert.run(
        stream,
        revision,
        e.id,
        e.type,
        JSON.stringify(e.data),
        JSON.stringify(e.metadata),
        Date.now(),
      );
    }
  });
  let events = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    commit(perTransaction);
    events += perTransaction;
  }
  const elapsed = (performance.now() - started) / 1000;
  db.close();
  return events / elapsed;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

export async function run(args: string[]): Promise<void> {
  const options = parseArgs(args);
  mkdirSync(options.dir, { recursive: true });
  const root = mkdtempSync(join(options.dir, 'laurel-bench-eventstore-'));
  const onTmpfs = statfsSync(root).type === TMPFS_MAGIC;
  console.log(
    `event store benchmark: synchronous=FULL, WAL, ${options.seconds} s per measurement, files in ${root}`,
  );
  if (onTmpfs)
    console.log(
      'warning: this directory is on tmpfs, so fsync costs nothing; pass --dir on a real disk',
    );
  try {
    const baseline = measureRaw(
      join(root, 'baseline.sqlite'),
      1,
      options.seconds,
    );
    const ceiling = measureRaw(
      join(root, 'ceiling.sqlite'),
      100,
      options.seconds,
    );
    const results: AdapterResult[] = [];
    for (const writers of [1, 16, 64]) {
      results.push(
        await measureAdapter(
          join(root, `adapter-${writers}.sqlite`),
          writers,
          options.seconds,
        ),
      );
    }

    const header = [
      '',
      'appends/s',
      'p50 ms',
      'p99 ms',
      'appends/txn',
      'vs baseline',
      'vs ceiling',
    ];
    const rows = results.map((r) => [
      `adapter, ${r.writers} writer${r.writers === 1 ? '' : 's'}`,
      fmt(r.perSecond),
      fmt(r.p50, 2),
      fmt(r.p99, 2),
      fmt(r.appends / Math.max(1, r.transactions), 1),
      `${fmt(r.perSecond / baseline, 2)}x`,
      `${fmt(r.perSecond / ceiling, 2)}x`,
    ]);
    rows.push([
      'raw, 1 event/txn (baseline)',
      fmt(baseline),
      '',
      '',
      '1.0',
      '1.00x',
      `${fmt(baseline / ceiling, 2)}x`,
    ]);
    rows.push([
      'raw, 100 events/txn (ceiling)',
      fmt(ceiling),
      '',
      '',
      '100.0',
      `${fmt(ceiling / baseline, 2)}x`,
      '1.00x',
    ]);
    const widths = header.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => r[i]!.length)),
    );
    const line = (cells: string[]) =>
      cells
        .map((c, i) =>
          i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!),
        )
        .join('  ');
    console.log('');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    rows.forEach((r) => console.log(line(r)));
    console.log('');
    console.log(
      'vs baseline / vs ceiling: appends/s of the row divided by the raw loop with 1 / 100 events per transaction.',
    );
    const top = results[results.length - 1]!;
    const target = top.perSecond >= 10_000 && top.perSecond / baseline >= 3;
    console.log(
      `target (64 writers >= 10,000 appends/s and several times the baseline): ${target ? 'met' : 'NOT met'} ` +
        `(${fmt(top.perSecond)}/s, ${fmt(top.perSecond / baseline, 1)}x baseline)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
