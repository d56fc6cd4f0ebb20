import Database from 'better-sqlite3';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuplicateEventId, EventStoreError, WrongExpectedVersion } from './errors';
import type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './event-store';
import { checkMaxCount, toJson, validateAppend } from './validate-append';
import { WalCheckpointThread, WalSyncThread } from './wal-threads';

/** Options of {@link SqliteEventStore.open}. */
export interface SqliteEventStoreOptions {
  /**
   * Durability. `FULL` (default): an append is acknowledged only once the
   * WAL holding it is fsynced, so it survives `kill -9` and power loss. The
   * fsync runs on a thread of its own, not inside SQLite's commit (SQLite
   * itself runs at `synchronous=NORMAL` and the store fsyncs the WAL file):
   * the event loop keeps serving while the disk flushes, and one fsync
   * covers every transaction committed before it started. `EXTRA`: SQLite's
   * own pragma, which fsyncs inside the commit and blocks the event loop for
   * it. `NORMAL`: no fsync before the acknowledgement; survives a process
   * crash but may lose the last commits on power loss.
   */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  /** How long a write waits for another process's write lock before failing (ms), retrying every millisecond with the event loop free; reads wait as long inside SQLite. Default 5000. */
  busyTimeoutMs?: number;
  /** How often a caught-up subscription polls for events appended by other processes (ms). Default 15: one `max(position)` read per tick, which is what a projection in another process adds to its lag. */
  pollIntervalMs?: number;
  /** Most appends committed in one transaction; the rest wait for the next one. Default 1000. */
  maxBatchSize?: number;
  /** Events a subscription reads per query. Default 256. */
  pageSize?: number;
}

/** Counters of {@link SqliteEventStore}, for tests and the benchmark. */
export interface SqliteEventStoreStats {
  /** Write transactions committed (each costs one fsync at `synchronous=FULL`). */
  transactions: number;
  /** `append()` calls that took part in a committed transaction (including refused and idempotent ones). */
  appends: number;
  /** Events written. */
  events: number;
  /** Most appends committed in one transaction. */
  largestBatch: number;
  /** WAL fsyncs done before acknowledging (each covers every transaction committed before it started). */
  syncs: number;
}

interface EventRow {
  position: bigint;
  stream: string;
  revision: bigint;
  id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: bigint;
}

interface StoredRef {
  stream: string;
  revision: bigint;
  position: bigint;
}

interface SerialisedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

interface PendingAppend {
  stream: string;
  expected: ExpectedRevision;
  events: SerialisedEvent[];
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome =
  | { ok: true; result: AppendResult; written: number }
  | { ok: false; error: EventStoreError };

/** A committed transaction waiting for the WAL fsync that makes it durable. */
interface Unsynced {
  /** Lowest position it wrote, if it wrote any. */
  first: bigint | undefined;
  /** Settles the appends of the transaction (answers are held until the data is durable). */
  settle(syncError?: EventStoreError): void;
}

interface Waiter {
  after: bigint;
  wake(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY,
  stream      TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  id          TEXT    NOT NULL UNIQUE,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at INTEGER NOT NULL,
  UNIQUE (stream, revision)
) STRICT;
`;

const SCHEMA_VERSION = 1n;
/** SQLite's LIMIT -1 means "no limit". */
const NO_LIMIT = -1;
/** Event bytes committed between checkpoints: the WAL grows by about twice that, near SQLite's default of 1,000 pages. */
const CHECKPOINT_AFTER_BYTES = 2 * 1024 * 1024;
const MAX_INT64 = 2n ** 63n - 1n;

/**
 * The embedded event store: one SQLite file in WAL mode.
 *
 * Appends are group-committed: every `append()` that arrives while the event
 * loop is busy joins a queue, and the queue is committed in one `BEGIN
 * IMMEDIATE` transaction (one fsync), each append still checked against its
 * own expected revision. A refused append fails alone; the promise of each
 * append settles only after the transaction is durable.
 *
 * Global positions are SQLite rowids: dense, starting at 1, increasing in
 * commit order because SQLite serialises writers.
 *
 * @example
 * ```ts
 * const store = SqliteEventStore.open('data/events.sqlite');
 * await store.append('student-42', [{ id: randomUUID(), type: 'ParticipationRecorded', data: {} }], { expectedRevision: 'no_stream' });
 * await store.close();
 * ```
 */
export class SqliteEventStore implements EventStore {
  /** The `id` column is UNIQUE over every stream. */
  readonly eventIdScope = 'store';
  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  private readonly maxBatchSize: number;
  private readonly pageSize: number;

  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  /** When a write first found another process holding the lock (undefined: not waiting). */
  private lockedSince: number | undefined;
  private readonly busyTimeoutMs: number;
  private closed = false;
  private readonly counters: SqliteEventStoreStats = {
    transactions: 0,
    appends: 0,
    events: 0,
    largestBatch: 0,
    syncs: 0,
  };
  /** The WAL file, fsynced before appends are acknowledged; undefined when SQLite fsyncs itself or nothing is fsynced. */
  private walFd: number | undefined;
  /** Where the WAL fsyncs run: a thread of their own, never queued behind other thread-pool work. */
  private walSync: WalSyncThread | undefined;
  /** Transactions whose WAL fsync is running, and those committed since it started (they need the next one). */
  private syncing: Unsynced[] = [];
  private waitingSync: Unsynced[] = [];
  /** Checkpoints the WAL beside the writers; undefined for a memory store or once SQLite checkpoints again itself. */
  private walCheckpoint: WalCheckpointThread | undefined;
  /** Bytes of events committed by this process since its last checkpoint request (the WAL grows by about twice that). */
  private walBytes = 0;

  private readonly waiters = new Set<Waiter>();
  private readonly subscriptions = new Set<SqliteSubscription>();
  private pollTimer: NodeJS.Timeout | undefined;

  private readonly stmt: {
    insert: Database.Statement<
      [string, bigint, string, string, string, string, bigint]
    >;
    head: Database.Statement<[string], bigint>;
    byId: Database.Statement<[string], StoredRef>;
    range: Database.Statement<
      [string, bigint, bigint],
      { id: string; revision: bigint; position: bigint }
    >;
    forwards: Database.Statement<[string, bigint, number], EventRow>;
    backwards: Database.Statement<[string, bigint, number], EventRow>;
    forwardsToEnd: Database.Statement<[string, bigint], EventRow>;
    backwardsToStart: Database.Statement<[string, bigint], EventRow>;
    maxPosition: Database.Statement<[], bigint | null>;
    ping: Database.Statement<[], bigint>;
    noWait: Database.Statement<[], bigint>;
    wait: Database.Statement<[], bigint>;
  };
  private readonly filtered = new Map<
    string,
    Database.Statement<unknown[], EventRow>
  >();
  private readonly commitBatch: Database.Transaction<
    (batch: PendingAppend[]) => Outcome[]
  >;
  private readonly insertEvents: Database.Transaction<
    (p: PendingAppend, head: bigint, now: bigint) => AppendResult
  >;

  private constructor(file: string, options: SqliteEventStoreOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 15;
    this.maxBatchSize = options.maxBatchSize ?? 1000;
    this.pageSize = options.pageSize ?? 256;
    try {
      this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
      this.db = new Database(file, { timeout: this.busyTimeoutMs });
    } catch (err) {
      throw unavailable(`cannot open the event store file ${file}`, err);
    }
    try {
      this.db.defaultSafeIntegers(true);
      this.db.pragma('journal_mode = WAL');
      const synchronous = options.synchronous ?? 'FULL';
      // At FULL the store does the WAL fsync itself, off the event loop (see the option).
      const ownSync = synchronous === 'FULL' && file !== ':memory:' && file !== '';
      this.db.pragma(`synchronous = ${ownSync ? 'NORMAL' : synchronous}`);
      this.migrate();
      if (file !== ':memory:' && file !== '') {
        // SQLite would checkpoint inside the commit that fills the WAL, on this thread.
        this.db.pragma('wal_autocheckpoint = 0');
        this.walCheckpoint = new WalCheckpointThread(file, () => this.resumeAutoCheckpoint());
      }
      if (ownSync) {
        this.walFd = openWal(file);
        this.walSync = new WalSyncThread(this.walFd);
      }
      this.stmt = {
        insert: this.db.prepare(
          'INSERT INTO events (stream, revision, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ),
        head: this.db
          .prepare<[string], bigint>(
            'SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
          )
          .pluck(),
        byId: this.db.prepare(
          'SELECT stream, revision, position FROM events WHERE id = ?',
        ),
        range: this.db.prepare(
          'SELECT id, revision, position FROM events WHERE stream = ? AND revision BETWEEN ? AND ? ORDER BY revision',
        ),
        forwards: this.db.prepare(
          'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
        ),
        backwards: this.db.prepare(
          'SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
        ),
        // Without LIMIT for reads without maxCount: a bound LIMIT made each read of a short stream
        // cost twice as much (12 µs against 5 for an empty tail, 22 against 13 for three events).
        forwardsToEnd: this.db.prepare(
          'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision',
        ),
        backwardsToStart: this.db.prepare(
          'SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC',
        ),
        maxPosition: this.db
          .prepare<[], bigint | null>('SELECT max(position) FROM events')
          .pluck(),
        ping: this.db.prepare<[], bigint>('SELECT 1').pluck(),
        noWait: this.db.prepare<[], bigint>('PRAGMA busy_timeout = 0').pluck(),
        wait: this.db.prepare<[], bigint>(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(this.busyTimeoutMs))}`).pluck(),
      };
    } catch (err) {
      this.db.close();
      throw unavailable(`cannot prepare the event store file ${file}`, err);
    }
    this.commitBatch = this.db.transaction((batch: PendingAppend[]) =>
      this.applyBatch(batch),
    );
    // Called inside commitBatch, so better-sqlite3 runs it as a SAVEPOINT: a
    // failing insert rolls back only its own append.
    this.insertEvents = this.db.transaction(
      (p: PendingAppend, head: bigint, now: bigint) =>
        this.insert(p, head, now),
    );
  }

  /**
   * Opens (creating if needed) the store in `file`; `':memory:'` gives a
   * throwaway store.
   *
   * @throws EventStoreError `EVENT_STORE_UNAVAILABLE` when the file cannot be opened.
   * @example
   * ```ts
   * const store = SqliteEventStore.open('data/events.sqlite', { synchronous: 'FULL' });
   * ```
   */
  static open(
    file: string,
    options: SqliteEventStoreOptions = {},
  ): SqliteEventStore {
    return new SqliteEventStore(file, options);
  }

  /** A snapshot of the group-commit counters. */
  get stats(): SqliteEventStoreStats {
    return { ...this.counters };
  }

  append(
    stream: string,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    let serialised: SerialisedEvent[];
    try {
      this.assertOpen();
      validateAppend(stream, events, expected);
      // Serialise before queueing so a bad payload fails its own caller, not the batch.
      serialised = events.map((e, i) => ({
        id: e.id.toLowerCase(),
        type: e.type,
        data: toJson(e.data, `stream ${stream}, event ${i} data`),
        metadata: toJson(
          e.metadata ?? {},
          `stream ${stream}, event ${i} metadata`,
        ),
      }));
    } catch (err) {
      return Promise.reject(mapSqliteError(err));
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({
        stream,
        expected,
        events: serialised,
        resolve,
        reject,
      });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate rather than a microtask: it lets pending I/O callbacks
        // (HTTP requests, other writers' continuations) join the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  readStream(
    stream: string,
    options: ReadStreamOptions = {},
  ): Promise<RecordedEvent[]> {
    return this.attempt(() => {
      const limit = checkMaxCount(options.maxCount);
      const backwards = options.direction === 'backwards';
      const from = options.fromRevision ?? (backwards ? MAX_INT64 : 0n);
      const rows =
        limit === undefined
          ? (backwards ? this.stmt.backwardsToStart : this.stmt.forwardsToEnd).all(stream, from)
          : (backwards ? this.stmt.backwards : this.stmt.forwards).all(stream, from, limit);
      return rows.map(toRecorded);
    });
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.attempt(() => {
      const limit = checkMaxCount(options.maxCount) ?? NO_LIMIT;
      return this.readFiltered(
        options.fromPosition ?? -1n,
        MAX_INT64,
        options.filter,
        limit,
      ).map(toRecorded);
    });
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const subscription = new SqliteSubscription(
      this,
      options.fromPosition ?? -1n,
      options.filter,
      this.pageSize,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  lastPosition(): Promise<bigint> {
    return this.attempt(() => this.headPosition());
  }

  ping(): Promise<void> {
    return this.attempt(() => {
      this.stmt.ping.get();
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // Whatever was acknowledged-to-be-queued gets its answer before the file closes.
    this.flush();
    this.closed = true;
    const checkpoint = this.walCheckpoint?.close();
    this.walCheckpoint = undefined;
    if (this.walFd !== undefined) {
      const pending = [...this.syncing, ...this.waitingSync];
      this.syncing = [];
      this.waitingSync = [];
      let error: EventStoreError | undefined;
      try {
        fsyncSync(this.walFd);
      } catch (err) {
        error = unavailable('the disk did not confirm the last writes (fsync failed); they may or may not be stored', err);
      }
      for (const u of pending) u.settle(error);
      const thread = this.walSync?.close();
      this.walSync = undefined;
      closeSync(this.walFd);
      this.walFd = undefined;
      return Promise.all([thread, this.endReaders(checkpoint)]).then(() => undefined);
    }
    return this.endReaders(checkpoint);
  }

  /** Ends subscriptions now and closes the connection once a running checkpoint is over (the last connection to close removes the WAL). */
  private async endReaders(checkpoint: Promise<void> | undefined): Promise<void> {
    for (const s of [...this.subscriptions]) s.end();
    this.stopPolling();
    await checkpoint;
    this.db.close();
  }

  // ---- group commit -------------------------------------------------------

  /**
   * Another process (the API and the worker share the file) holds the write
   * lock: puts the batch back at the head of the queue and tries again in a
   * millisecond, with the event loop free meanwhile. SQLite's own busy
   * handler would sleep on this thread, 20 to 50 ms at a time under load,
   * stalling every request and subscription of the process. Gives up (false)
   * once the lock has been held for `busyTimeoutMs`.
   */
  private retryWhenUnlocked(batch: PendingAppend[]): boolean {
    const now = performance.now();
    this.lockedSince ??= now;
    if (now - this.lockedSince >= this.busyTimeoutMs) {
      this.lockedSince = undefined;
      return false;
    }
    this.queue = [...batch, ...this.queue];
    this.flushScheduled = true;
    setTimeout(() => this.flush(), 1);
    return true;
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.queue.length > 0 && !this.closed) {
      const batch =
        this.queue.length <= this.maxBatchSize
          ? this.queue
          : this.queue.slice(0, this.maxBatchSize);
      this.queue =
        this.queue.length <= this.maxBatchSize
          ? []
          : this.queue.slice(this.maxBatchSize);
      let outcomes: Outcome[];
      try {
        // No waiting inside SQLite for another process's write lock: its busy handler sleeps on this thread.
        this.stmt.noWait.get();
        try {
          outcomes = this.commitBatch.immediate(batch);
        } finally {
          this.stmt.wait.get();
        }
      } catch (err) {
        if (sqliteCode(err) === 'SQLITE_BUSY' && this.retryWhenUnlocked(batch)) return;
        // The transaction as a whole failed (disk full, lock held too long, I/O
        // error): nothing of the batch was written.
        const error = mapSqliteError(err);
        for (const p of batch) p.reject(error);
        continue;
      }
      this.lockedSince = undefined;
      this.counters.transactions += 1;
      this.checkpointWhenDue(batch);
      this.counters.appends += batch.length;
      this.counters.largestBatch = Math.max(
        this.counters.largestBatch,
        batch.length,
      );
      let first: bigint | undefined;
      for (const outcome of outcomes) {
        if (!outcome.ok || outcome.written === 0) continue;
        this.counters.events += outcome.written;
        // One append's events get consecutive positions: it is one connection inserting in one transaction.
        const from = outcome.result.position - BigInt(outcome.written) + 1n;
        if (first === undefined || from < first) first = from;
      }
      const settle = (syncError?: EventStoreError) =>
        outcomes.forEach((outcome, i) => {
          const p = batch[i]!;
          if (syncError && outcome.ok && outcome.written > 0) p.reject(syncError);
          else if (outcome.ok) p.resolve({ ...outcome.result, written: outcome.written > 0 });
          else p.reject(outcome.error);
        });
      if (this.walFd === undefined) {
        settle();
        this.wakeWaiters(this.headPosition());
      } else {
        // Every answer waits for the fsync, a refusal or an idempotent replay too: the replayed
        // events may belong to a transaction whose fsync is still running.
        this.waitingSync.push({ first, settle });
        this.syncWal();
      }
    }
  }

  /**
   * Asks the checkpoint thread to copy the WAL into the database once this
   * process has committed about a SQLite autocheckpoint's worth (1,000 pages)
   * since its last request; one checkpoint at a time.
   */
  private checkpointWhenDue(batch: PendingAppend[]): void {
    const thread = this.walCheckpoint;
    if (thread === undefined) return;
    for (const p of batch) for (const e of p.events) this.walBytes += e.data.length + e.metadata.length + e.id.length + p.stream.length;
    if (this.walBytes < CHECKPOINT_AFTER_BYTES || thread.running) return;
    this.walBytes = 0;
    thread.checkpoint((err) => {
      // Another process checkpointing at the same moment is no failure; anything else is, and SQLite takes over.
      if (err && err.code !== 'SQLITE_BUSY' && !this.closed) this.resumeAutoCheckpoint();
    });
  }

  /** Hands checkpoints back to SQLite (inside commits, as by default): the thread could not do them. */
  private resumeAutoCheckpoint(): void {
    const thread = this.walCheckpoint;
    if (thread === undefined || this.closed) return;
    this.walCheckpoint = undefined;
    void thread.close();
    this.db.pragma('wal_autocheckpoint = 1000');
  }

  /**
   * Starts an fsync of the WAL for the transactions committed so far, unless
   * one is running (those committed meanwhile wait for the next one).
   */
  private syncWal(): void {
    if (this.syncing.length > 0 || this.waitingSync.length === 0 || this.walFd === undefined) return;
    this.syncing = this.waitingSync;
    this.waitingSync = [];
    this.walSync!.sync((err) => {
      const done = this.syncing;
      this.syncing = [];
      // close() settled them already (with its own synchronous fsync).
      if (done.length === 0) return;
      this.counters.syncs += 1;
      const error = err ? unavailable('the disk did not confirm the write (fsync failed); it may or may not be stored', err) : undefined;
      for (const u of done) u.settle(error);
      if (!this.closed) {
        this.wakeWaiters(this.durableHead());
        this.syncWal();
      }
    });
  }

  /**
   * The last position readers in this process may act on: the committed
   * head, short of this process's own commits still waiting for their fsync
   * (a subscription must not hand on an event that a power cut could undo).
   */
  private durableHead(): bigint {
    const head = this.headPosition();
    for (const u of this.syncing) if (u.first !== undefined) return u.first - 1n < head ? u.first - 1n : head;
    for (const u of this.waitingSync) if (u.first !== undefined) return u.first - 1n < head ? u.first - 1n : head;
    return head;
  }

  private applyBatch(batch: PendingAppend[]): Outcome[] {
    // Stream heads as this transaction sees them; valid only inside it,
    // because another process may write between our transactions.
    const heads = new Map<string, bigint>();
    const now = BigInt(Date.now());
    return batch.map((p): Outcome => {
      try {
        return { ok: true, ...this.applyOne(p, heads, now) };
      } catch (err) {
        // Domain refusals fail this append alone; so does a constraint the
        // pre-checks did not catch (its statement or savepoint is already
        // undone). Anything else (I/O, disk full) aborts the batch.
        if (err instanceof EventStoreError) return { ok: false, error: err };
        if (sqliteCode(err)?.startsWith('SQLITE_CONSTRAINT')) {
          return { ok: false, error: new EventStoreError('INVALID_EVENT', `append to ${p.stream} refused by the store: ${String(err)}`) };
        }
        throw err;
      }
    });
  }

  /** Mirrors EventStoreDB's write check: expected revision first, then idempotency by event id. */
  private applyOne(
    p: PendingAppend,
    heads: Map<string, bigint>,
    now: bigint,
  ): { result: AppendResult; written: number } {
    const { stream, expected, events } = p;
    let head = heads.get(stream);
    if (head === undefined) {
      head = this.stmt.head.get(stream) ?? -1n;
      heads.set(stream, head);
    }
    const refuse = () =>
      new WrongExpectedVersion(
        stream,
        expected,
        head < 0n ? 'no_stream' : head,
      );

    if (expected === 'any' || expected === 'stream_exists') {
      if (expected === 'stream_exists' && head < 0n) throw refuse();
      const first = this.stmt.byId.get(events[0]!.id);
      if (first) {
        if (first.stream !== stream) throw duplicateId(events[0]!.id, first);
        const replay = this.storedAs(stream, first.revision, events);
        if (replay) return { result: replay, written: 0 };
        throw refuse();
      }
    } else {
      const expectedHead = expected === 'no_stream' ? -1n : expected;
      if (expectedHead !== head) {
        // A retry of a write that already happened finds its own events right after the revision it expected.
        const replay =
          expectedHead < head
            ? this.storedAs(stream, expectedHead + 1n, events)
            : undefined;
        if (replay) return { result: replay, written: 0 };
        throw refuse();
      }
    }
    // One INSERT is atomic on its own (a failed statement undoes itself); several need a savepoint.
    const result =
      events.length === 1
        ? this.insert(p, head, now)
        : this.insertEvents(p, head, now);
    heads.set(stream, result.nextRevision);
    return { result, written: events.length };
  }

  /** The original result when `events` are stored in `stream` from revision `from` on, in order. */
  private storedAs(
    stream: string,
    from: bigint,
    events: SerialisedEvent[],
  ): AppendResult | undefined {
    const stored = this.stmt.range.all(
      stream,
      from,
      from + BigInt(events.length) - 1n,
    );
    if (
      stored.length !== events.length ||
      stored.some((s, i) => s.id !== events[i]!.id)
    )
      return undefined;
    const last = stored[stored.length - 1]!;
    return { nextRevision: last.revision, position: last.position };
  }

  private insert(p: PendingAppend, head: bigint, now: bigint): AppendResult {
    let revision = head;
    let position = -1n;
    for (const e of p.events) {
      revision += 1n;
      try {
        position = BigInt(
          this.stmt.insert.run(
            p.stream,
            revision,
            e.id,
            e.type,
            e.data,
            e.metadata,
            now,
          ).lastInsertRowid,
        );
      } catch (err) {
        if (
          sqliteCode(err) === 'SQLITE_CONSTRAINT_UNIQUE'
        ) {
          const other = this.stmt.byId.get(e.id);
          if (other) throw duplicateId(e.id, other);
        }
        throw err;
      }
    }
    return { nextRevision: revision, position };
  }

  // ---- reads and subscriptions -------------------------------------------

  /** Position of the last committed event, -1n when empty. */
  private headPosition(): bigint {
    return this.stmt.maxPosition.get() ?? -1n;
  }

  /** Events with `after < position <= upTo` passing `filter`, in order. */
  private readFiltered(
    after: bigint,
    upTo: bigint,
    filter: EventFilter | undefined,
    limit: number,
  ): EventRow[] {
    const prefixes = filter?.streamPrefixes ?? [];
    const types = filter?.eventTypes ?? [];
    const key = `${prefixes.length}:${types.length}`;
    let stmt = this.filtered.get(key);
    if (!stmt) {
      // instr() = 1 is an exact, case-sensitive prefix test (LIKE would fold ASCII case and treat % and _ as wildcards).
      const where = ['position > ?', 'position <= ?'];
      if (prefixes.length > 0)
        where.push(
          `(${prefixes.map(() => 'instr(stream, ?) = 1').join(' OR ')})`,
        );
      if (types.length > 0)
        where.push(`type IN (${types.map(() => '?').join(', ')})`);
      stmt = this.db.prepare<unknown[], EventRow>(
        `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT ?`,
      );
      this.filtered.set(key, stmt);
    }
    return stmt.all(after, upTo, ...prefixes, ...types, limit);
  }

  /**
   * One page for a subscription at `after`. `scannedTo` is how far the log
   * was examined: with a filter it runs ahead of the last match, so a
   * subscriber does not rescan events it has already skipped.
   *
   * @internal
   */
  readPage(
    after: bigint,
    filter: EventFilter | undefined,
    limit: number,
  ): { events: RecordedEvent[]; scannedTo: bigint } {
    this.assertOpen();
    // Bounding the query by the head read first keeps the two statements
    // consistent: every position up to a committed head is final (writers are
    // serialised and rowids grow), so nothing can later appear below it.
    const head = this.durableHead();
    if (head <= after) return { events: [], scannedTo: after };
    const rows = this.readFiltered(after, head, filter, limit);
    const scannedTo =
      rows.length < limit ? head : rows[rows.length - 1]!.position;
    return { events: rows.map(toRecorded), scannedTo };
  }

  /** @internal Calls `wake` once the log has grown past `after` (in this process or another) or the store closes. */
  addWaiter(after: bigint, wake: () => void): Waiter {
    const waiter = { after, wake };
    this.waiters.add(waiter);
    if (!this.pollTimer) {
      // Commits from this process wake waiters directly; the poll is for other processes writing the same file.
      this.pollTimer = setInterval(() => this.poll(), this.pollIntervalMs);
    }
    return waiter;
  }

  /** @internal For {@link SqliteSubscription}. */
  removeWaiter(waiter: Waiter): void {
    this.waiters.delete(waiter);
    if (this.waiters.size === 0) this.stopPolling();
  }

  /** @internal For {@link SqliteSubscription}. */
  forget(subscription: SqliteSubscription): void {
    this.subscriptions.delete(subscription);
  }

  /** @internal For {@link SqliteSubscription}. */
  get isClosed(): boolean {
    return this.closed;
  }

  private poll(): void {
    if (this.closed) return;
    let head: bigint;
    try {
      head = this.durableHead();
    } catch {
      return; // A transient read failure: the next tick tries again.
    }
    this.wakeWaiters(head);
  }

  private wakeWaiters(head: bigint): void {
    for (const w of [...this.waiters]) {
      if (head > w.after) {
        this.waiters.delete(w);
        w.wake();
      }
    }
    if (this.waiters.size === 0) this.stopPolling();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** Runs a synchronous read as the port's promise, with SQLite failures mapped. */
  private attempt<T>(read: () => T): Promise<T> {
    try {
      this.assertOpen();
      return Promise.resolve(read());
    } catch (err) {
      return Promise.reject(mapSqliteError(err));
    }
  }

  private assertOpen(): void {
    if (this.closed)
      throw new EventStoreError(
        'EVENT_STORE_UNAVAILABLE',
        'the event store is closed',
      );
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as bigint;
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `the event store file has schema version ${version}; this build knows up to ${SCHEMA_VERSION}`,
      );
    }
    this.db.exec(SCHEMA);
    if (version < SCHEMA_VERSION)
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }
}

/**
 * A pull-based catch-up subscription: it reads a page from the log only when
 * the consumer has taken the previous one, so a slow consumer costs no
 * memory. Live delivery is the same loop woken by a commit or a poll, which is
 * why nothing is skipped or repeated at the catch-up/live switch. While it
 * waits for events its poll timer keeps the process alive, like an open socket.
 */
class SqliteSubscription implements Subscription {
  private closed = false;
  private waiter: Waiter | undefined;
  private readonly iterator: AsyncGenerator<RecordedEvent, void, undefined>;

  constructor(
    private readonly store: SqliteEventStore,
    private cursor: bigint,
    private readonly filter: EventFilter | undefined,
    private readonly pageSize: number,
  ) {
    this.iterator = this.run();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.iterator;
  }

  async close(): Promise<void> {
    this.end();
    await this.iterator.return(undefined);
  }

  /** Stops the loop without waiting for it (the store is closing). */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) {
      this.store.removeWaiter(waiter);
      waiter.wake();
    }
    this.store.forget(this);
  }

  private async *run(): AsyncGenerator<RecordedEvent, void, undefined> {
    try {
      while (!this.closed && !this.store.isClosed) {
        const page = this.store.readPage(
          this.cursor,
          this.filter,
          this.pageSize,
        );
        if (page.events.length === 0) {
          this.cursor = page.scannedTo;
          await new Promise<void>((resolve) => {
            this.waiter = this.store.addWaiter(this.cursor, resolve);
          });
          this.waiter = undefined;
          continue;
        }
        for (const event of page.events) {
          if (this.closed) return;
          yield event;
          this.cursor = event.position;
        }
        this.cursor = page.scannedTo;
      }
    } finally {
      this.end();
    }
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
    revision: row.revision,
    position: row.position,
    recordedAt: new Date(Number(row.recorded_at)),
  };
}

/** Opens the WAL file for fsyncs, and fsyncs its directory once so the file itself survives a power cut. */
function openWal(file: string): number {
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
  return openSync(`${file}-wal`, 'r');
}

function duplicateId(id: string, stored: StoredRef): EventStoreError {
  return new DuplicateEventId(id, stored.stream, stored.revision);
}

function unavailable(message: string, cause: unknown): EventStoreError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new EventStoreError('EVENT_STORE_UNAVAILABLE', `${message}${detail}`, {
    cause,
  });
}

/** SQLite failures (lock timeout, I/O error, disk full) surface as `EVENT_STORE_UNAVAILABLE`; our own errors pass through. */
function mapSqliteError(err: unknown): Error {
  const code = sqliteCode(err);
  if (code !== undefined) return unavailable(`SQLite ${code}`, err);
  if (
    err instanceof TypeError &&
    /database connection is not open/i.test(err.message)
  ) {
    return unavailable('the event store is closed', err);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * The SQLite result code of an error thrown by better-sqlite3. Read by shape,
 * not `instanceof SqliteError`: the native addon keeps the error class of the
 * first copy of the module loaded in the process, which under Jest's per-file
 * module registries (and realms) is not this copy.
 */
function sqliteCode(err: unknown): string | undefined {
  // Not even `instanceof Error`: under Jest that class belongs to the first test file's realm.
  if (typeof err !== 'object' || err === null) return undefined;
  const { name, code } = err as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string' ? code : undefined;
}
