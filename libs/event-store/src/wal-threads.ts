import { fsync } from 'node:fs';
import { Worker } from 'node:worker_threads';

type Done = (err: NodeJS.ErrnoException | null) => void;

/**
 * Runs one blocking job at a time on a thread of its own: the program gets
 * each request as a message and answers `null` (done) or `{ message, code }`.
 *
 * The thread starts on the first `run` and keeps the process alive only
 * while a job is running. Should it die, `fallback` does the remaining jobs
 * (and the one it was running, which may not have happened).
 */
class JobThread {
  private worker: Worker | undefined;
  private dead = false;
  private pending: Done | undefined;
  /** Resolves when the running job (if any) has answered: `close` waits for it. */
  private idle: () => void = () => undefined;

  constructor(
    private readonly name: string,
    private readonly program: string,
    private readonly workerData: unknown,
    private readonly fallback: (done: Done) => void,
  ) {}

  get running(): boolean {
    return this.pending !== undefined;
  }

  /** Runs the job and calls `done`; one call at a time. */
  run(done: Done): void {
    if (this.pending) throw new Error(`${this.name}: a job is already running`);
    if (this.dead) return this.fallback(done);
    const worker = (this.worker ??= this.start());
    this.pending = done;
    worker.ref();
    worker.postMessage(0);
  }

  /** Stops the thread once a job it is running has finished (that answer still reaches its callback). */
  async close(): Promise<void> {
    this.dead = true;
    const worker = this.worker;
    this.worker = undefined;
    if (this.pending && worker) await new Promise<void>((resolve) => (this.idle = resolve));
    this.pending = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(this.program, { eval: true, workerData: this.workerData });
    worker.unref();
    worker.on('message', (failure: { message: string; code?: string } | null) => {
      worker.unref();
      const done = this.take();
      done?.(failure ? Object.assign(new Error(failure.message), { code: failure.code }) : null);
    });
    const lost = () => {
      const closing = this.dead;
      this.dead = true;
      this.worker = undefined;
      const done = this.take();
      if (done && !closing) this.fallback(done);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    return worker;
  }

  private take(): Done | undefined {
    const done = this.pending;
    this.pending = undefined;
    this.idle();
    return done;
  }
}

/** Answers a job's outcome in the shape JobThread expects; shared by both programs below. */
const ANSWER = `
function answer(job) {
  try {
    job();
    parentPort.postMessage(null);
  } catch (err) {
    parentPort.postMessage({ message: String((err && err.message) || err), code: err && err.code });
  }
}
`;

/**
 * Fsyncs the WAL's descriptor on a thread of its own, one fsync at a time
 * (ADR 0005).
 *
 * `fs.fsync` would run on libuv's thread pool (four threads), which it
 * shares with WebCrypto: jose signs every credential there. A burst of award
 * signatures queued ahead of the WAL fsync held every acknowledgement (the
 * API's, in one process, and the projection's appends) for tens of
 * milliseconds. On its own thread the fsync waits only for the disk. Should
 * the thread die, the fsyncs fall back to `fs.fsync`.
 */
export class WalSyncThread {
  private readonly thread: JobThread;

  constructor(fd: number) {
    const program = `
const { parentPort, workerData } = require('node:worker_threads');
const { fsyncSync } = require('node:fs');
${ANSWER}
parentPort.on('message', () => answer(() => fsyncSync(workerData.fd)));
`;
    this.thread = new JobThread('WalSyncThread', program, { fd }, (done) => fsync(fd, (err) => done(err ?? null)));
  }

  /** Fsyncs the descriptor and calls `done`; one call at a time. */
  sync(done: Done): void {
    this.thread.run(done);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

/**
 * Checkpoints the WAL into the database file from a connection of its own on
 * a thread of its own (ADR 0005).
 *
 * SQLite's automatic checkpoint runs inside the `COMMIT` that pushes the WAL
 * past 1,000 pages: it copies them into the database and fsyncs it, 5 to 25
 * ms on this machine's disk, on the thread that committed. Under 64
 * concurrent writers that was the commit's p99 (17 ms against 3 ms without
 * it), and every request of the process waited for it.
 *
 * Here a `PASSIVE` checkpoint copies the bulk beside the writers. It cannot
 * catch up with writers that never pause, and SQLite starts the WAL again
 * from its beginning only after a checkpoint that did (the file grew past a
 * gigabyte in a benchmark). So a `FULL` checkpoint follows: it holds the
 * write lock while it copies what was committed meanwhile and fsyncs the
 * database, and the next write starts the WAL over. Writers of this process
 * meet the lock as they meet another process's: they retry with the event
 * loop free. It waits at most 100 ms for the lock (or for readers of older
 * snapshots), then gives up until the next time.
 */
export class WalCheckpointThread {
  private readonly thread: JobThread;

  /**
   * @param file the database file (the thread opens a connection of its own to it)
   * @param resumeCheckpointing turns SQLite's own checkpoint back on for the writing connection: called instead of a checkpoint once the thread has died
   */
  constructor(file: string, resumeCheckpointing: () => void) {
    const program = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
${ANSWER}
parentPort.on('message', () => answer(() => {
  // A connection per checkpoint: between them the writer's is the only one, so closing the store removes the WAL.
  const db = new Database(workerData.file, { fileMustExist: true, timeout: 100 });
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    db.pragma('wal_checkpoint(FULL)');
  } finally {
    db.close();
  }
}));
`;
    this.thread = new JobThread('WalCheckpointThread', program, { file, driver: require.resolve('better-sqlite3') }, (done) => {
      resumeCheckpointing();
      done(null);
    });
  }

  /** True while a checkpoint runs. */
  get running(): boolean {
    return this.thread.running;
  }

  /** Checkpoints what it can of the WAL (readers may hold some back) and calls `done`. */
  checkpoint(done: Done): void {
    this.thread.run(done);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
