import Database from 'better-sqlite3';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { pbkdf2, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { WrongExpectedVersion } from './errors';
import type { NewEvent, RecordedEvent } from './event-store';
import { SqliteEventStore } from './sqlite-event-store';
import { eventStoreContract } from './test-support/event-store.contract';

const REPO = resolve(__dirname, '../../..');
const WRITER = resolve(__dirname, 'test-support/append-forever.ts');

const event = (type = 'SomethingHappened', data: Record<string, unknown> = {}): NewEvent => ({ id: randomUUID(), type, data });

/** A temp dir for one test (or one describe), removed afterwards. */
function tempDir(): { dir: string; file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'laurel-es-'));
  return {
    dir,
    file: join(dir, 'events.sqlite'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Starts the writer process on `file`; `lines` yields its stdout line by line. */
function startWriter(file: string, prefix: string, writers: number, count?: number) {
  const args = ['-r', '@swc-node/register', WRITER, file, prefix, String(writers), ...(count === undefined ? [] : [String(count)])];
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, args, {
    cwd: REPO,
    stdio: 'pipe',
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  const lines = createInterface({ input: child.stdout });
  return { child, lines, exited, stderr: () => stderr };
}

describe('SQLite event store contract', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir();
  });
  eventStoreContract(() => Promise.resolve(SqliteEventStore.open(tmp.file)));
  // Declared after the contract so it runs after the contract has closed the store.
  afterAll(() => tmp.remove());
});

describe('SqliteEventStore', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteEventStore;

  beforeEach(() => {
    tmp = tempDir();
    store = SqliteEventStore.open(tmp.file);
  });

  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  describe('when 100 appends arrive at once', () => {
    it('commits them in far fewer transactions than appends', async () => {
      const before = store.stats;
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.append(`student-${i % 10}`, [event()])));
      const after = store.stats;
      expect(results).toHaveLength(100);
      expect(after.appends - before.appends).toBe(100);
      expect(after.events - before.events).toBe(100);
      expect(after.transactions - before.transactions).toBeLessThanOrEqual(2);
      expect(after.largestBatch).toBeGreaterThanOrEqual(50);
      expect((await store.readAll()).length).toBe(100);
    });
  });

  describe('when one append in a batch is refused', () => {
    it('fails that append alone and commits the others in the same transaction', async () => {
      await store.append('student-1', [event()], {
        expectedRevision: 'no_stream',
      });
      const taken = event();
      await store.append('student-2', [taken]);
      const before = store.stats.transactions;

      const outcomes = await Promise.allSettled([
        store.append('student-3', [event()], { expectedRevision: 'no_stream' }),
        store.append('student-1', [event()], { expectedRevision: 5n }),
        store.append('student-4', [event(), taken]),
        store.append('student-1', [event()], { expectedRevision: 0n }),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersion);
      expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({
        code: 'INVALID_EVENT',
      });
      expect(store.stats.transactions - before).toBe(1);
      expect(await store.readStream('student-4')).toEqual([]);
      expect(await store.readStream('student-1')).toHaveLength(2);
    });

    it('sees earlier appends of the same batch when checking the expected revision', async () => {
      const results = await Promise.allSettled([
        store.append('student-9', [event()], { expectedRevision: 'no_stream' }),
        store.append('student-9', [event()], { expectedRevision: 'no_stream' }),
        store.append('student-9', [event()], { expectedRevision: 0n }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(store.stats.transactions).toBe(1);
    });
  });

  describe('when appends are acknowledged (synchronous=FULL)', () => {
    it('answers each only after a WAL fsync, one fsync covering many transactions', async () => {
      const results = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          // Spread over several turns of the event loop: several transactions.
          await new Promise((r) => setTimeout(r, i % 20));
          return store.append(`student-${i % 7}`, [event()]);
        }),
      );
      expect(results).toHaveLength(200);
      const { transactions, syncs } = store.stats;
      expect(transactions).toBeGreaterThan(1);
      expect(syncs).toBeGreaterThanOrEqual(1);
      expect(syncs).toBeLessThanOrEqual(transactions);
    });

    it('hands an event to a subscriber here only after its append is acknowledged', async () => {
      const order: string[] = [];
      const subscription = store.subscribeToAll();
      const delivered = (async () => {
        for await (const e of subscription) {
          order.push(`delivered ${e.position}`);
          if (e.position === 3n) break;
        }
      })();
      await Promise.all([1, 2, 3].map((n) => store.append(`student-${n}`, [event()]).then((r) => order.push(`acknowledged ${r.position}`))));
      await delivered;
      for (const n of [1, 2, 3]) expect(order.indexOf(`acknowledged ${n}`)).toBeLessThan(order.indexOf(`delivered ${n}`));
    });

    it('does not queue its fsync behind work on the thread pool (signatures run there)', async () => {
      await store.append('student-0', [event()]); // The fsync thread is started.
      let finished = 0;
      // Twice as many slow tasks as libuv has threads: an fsync on the pool would wait for all of them.
      const busy = Array.from(
        { length: 8 },
        () =>
          new Promise<void>((resolve, reject) =>
            pbkdf2('secret', 'salt', 400_000, 64, 'sha512', (err) => (err ? reject(err) : (finished++, resolve()))),
          ),
      );
      await store.append('student-1', [event()]);
      const whenAcknowledged = finished;
      await Promise.all(busy);
      expect(whenAcknowledged).toBeLessThan(4);
    });

    it('holds an idempotent retry back until the original write is durable too', async () => {
      const e = event();
      const [first, retry] = await Promise.all([
        store.append('student-1', [e], { expectedRevision: 'no_stream' }),
        store.append('student-1', [e], { expectedRevision: 'no_stream' }),
      ]);
      // The embedded store always knows which call wrote.
      expect(first).toEqual({ ...retry, written: true });
      expect(retry.written).toBe(false);
      expect(store.stats.syncs).toBeGreaterThanOrEqual(1);
    });
  });

  describe('when writers never pause', () => {
    it('checkpoints beside them: the WAL stops growing, and closing the store removes it', async () => {
      const note = 'x'.repeat(2000);
      const payload = 48 * 1024 * 1024;
      let written = 0;
      let largestWal = 0;
      const writer = async (w: number) => {
        while (written < payload) {
          written += note.length;
          await store.append(`student-${w}-${written % 50}`, [event('NoteTaken', { note })]);
          largestWal = Math.max(largestWal, statSync(`${tmp.file}-wal`).size);
        }
      };
      await Promise.all(Array.from({ length: 32 }, (_, w) => writer(w)));
      // Without checkpoints every event stays in the WAL: 329 MB, near 7 times the payload. With them it peaked at
      // 16 MB on a quiet machine and 26 MB on a busy one (checkpoints trail further when the cores are shared), so the
      // bound is the payload itself: far above what checkpoints leave, far below what their absence does.
      expect(largestWal).toBeLessThan(payload);
      expect(store.stats.events).toBe(Math.ceil(payload / note.length));
      const head = await store.lastPosition();
      await store.close();
      expect(existsSync(`${tmp.file}-wal`)).toBe(false);
      store = SqliteEventStore.open(tmp.file);
      expect(await store.lastPosition()).toBe(head);
    }, 60_000);
  });

  describe('when the store is closed with appends queued', () => {
    it('commits them before closing, and they are there on reopening', async () => {
      const pending = [store.append('student-1', [event()]), store.append('student-2', [event()])];
      await store.close();
      await expect(Promise.all(pending)).resolves.toHaveLength(2);
      await expect(store.append('student-1', [event()])).rejects.toMatchObject({
        code: 'EVENT_STORE_UNAVAILABLE',
      });
      store = SqliteEventStore.open(tmp.file);
      expect(await store.readAll()).toHaveLength(2);
      expect(await store.lastPosition()).toBe(2n);
    });
  });

  describe('when the log is larger than a subscription page', () => {
    it('delivers it in order, each event once, while appends continue', async () => {
      await store.close();
      store = SqliteEventStore.open(tmp.file, { pageSize: 10 });
      for (let i = 0; i < 5; i++)
        await store.append(
          'student-1',
          Array.from({ length: 20 }, () => event()),
        );
      const subscription = store.subscribeToAll();
      const iterator = subscription[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value).toMatchObject({ position: 1n });
      // Appending more while the consumer holds back changes nothing for it: order and exactly-once still hold.
      await store.append('student-2', [event()]);
      const rest: RecordedEvent[] = [];
      for (let i = 0; i < 100; i++) {
        const next = await iterator.next();
        if (next.done) break;
        rest.push(next.value);
      }
      await subscription.close();
      expect(rest.map((e) => e.position)).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i + 2)));
    });
  });

  describe('when the writer process is killed with SIGKILL', () => {
    it('keeps every append it acknowledged', async () => {
      await store.close();
      const prefix = `student-${randomUUID()}-`;
      const writer = startWriter(tmp.file, prefix, 8);
      const acked = new Map<string, bigint>();
      for await (const line of writer.lines) {
        const [kind, id, position] = line.split(' ');
        if (kind !== 'ack' || !id || !position) continue;
        acked.set(id, BigInt(position));
        if (acked.size >= 300) {
          writer.child.kill('SIGKILL');
          break;
        }
      }
      const { signal } = await writer.exited;
      expect(signal).toBe('SIGKILL');
      expect(acked.size).toBeGreaterThanOrEqual(300);

      store = SqliteEventStore.open(tmp.file);
      const stored = new Map((await store.readAll()).map((e) => [e.id, e.position]));
      const missing = [...acked].filter(([id, position]) => stored.get(id) !== position);
      expect(missing).toEqual([]);
    }, 30_000);
  });

  describe('when another connection holds the write lock', () => {
    it('waits for it with the event loop free, then appends', async () => {
      await store.append('student-0', [event()]);
      const other = new Database(tmp.file);
      other.exec('BEGIN IMMEDIATE');
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      // Released from a timer: if the store slept inside SQLite's busy handler, this could not run.
      setTimeout(() => other.exec('COMMIT'), 100);
      try {
        const result = await store.append('student-1', [event()], { expectedRevision: 'no_stream' });
        expect(result.nextRevision).toBe(0n);
        expect(ticks).toBeGreaterThanOrEqual(5);
      } finally {
        clearInterval(ticker);
        other.close();
      }
    });

    it('gives up after busyTimeoutMs, writes nothing, and appends again once it is free', async () => {
      await store.close();
      store = SqliteEventStore.open(tmp.file, { busyTimeoutMs: 100 });
      const other = new Database(tmp.file);
      other.exec('BEGIN IMMEDIATE');
      try {
        await expect(store.append('student-1', [event()])).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
      } finally {
        other.exec('COMMIT');
        other.close();
      }
      expect(await store.readStream('student-1')).toHaveLength(0);
      await store.append('student-1', [event()]);
      expect(await store.readStream('student-1')).toHaveLength(1);
    });
  });

  describe('when another process appends to the same file', () => {
    it('delivers its events live to a subscriber here', async () => {
      const prefix = `student-${randomUUID()}-`;
      await store.append('student-local', [event()]);
      const subscription = store.subscribeToAll({
        fromPosition: await store.lastPosition(),
        filter: { streamPrefixes: [prefix] },
      });
      const writer = startWriter(tmp.file, prefix, 2, 20);
      try {
        const got: RecordedEvent[] = [];
        for await (const e of subscription) {
          got.push(e);
          if (got.length === 20) break;
        }
        const { code } = await writer.exited;
        expect(code).toBe(0);
        expect(new Set(got.map((e) => e.id)).size).toBe(20);
        got.slice(1).forEach((e, i) => expect(e.position).toBeGreaterThan(got[i]!.position));
      } catch (err) {
        writer.child.kill('SIGKILL');
        throw new Error(`${String(err)}\nwriter stderr: ${writer.stderr()}`);
      } finally {
        await subscription.close();
      }
    }, 30_000);
  });
});
