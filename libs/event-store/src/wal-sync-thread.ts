import { fsync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** The thread's whole program: fsync the descriptor it was given whenever asked, and say how it went. */
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const { fsyncSync } = require('node:fs');
parentPort.on('message', () => {
  try {
    fsyncSync(workerData.fd);
    parentPort.postMessage(null);
  } catch (err) {
    parentPort.postMessage({ message: String((err && err.message) || err), code: err && err.code });
  }
});
`;

type Done = (err: NodeJS.ErrnoException | null) => void;

/**
 * Fsyncs one file descriptor on a thread of its own, one fsync at a time.
 *
 * `fs.fsync` would run on libuv's thread pool (four threads), which it
 * shares with WebCrypto: jose signs every credential there. A burst of award
 * signatures queued ahead of the WAL fsync held every acknowledgement (the
 * API's, in one process, and the projection's appends) for tens of
 * milliseconds. On its own thread the fsync waits only for the disk.
 *
 * The thread starts on the first `sync` and keeps the process alive only
 * while an fsync is running, like a pending `fs.fsync` would. Should it die,
 * the remaining fsyncs fall back to `fs.fsync`.
 */
export class WalSyncThread {
  private worker: Worker | undefined;
  private dead = false;
  private pending: Done | undefined;

  constructor(private readonly fd: number) {}

  /** Fsyncs the descriptor and calls `done`; one call at a time. */
  sync(done: Done): void {
    if (this.pending) throw new Error('WalSyncThread.sync: an fsync is already running');
    if (this.dead) return fsync(this.fd, done);
    const worker = (this.worker ??= this.start());
    this.pending = done;
    worker.ref();
    worker.postMessage(0);
  }

  /** Stops the thread (an fsync it is running still finishes; its answer is dropped). */
  async close(): Promise<void> {
    this.dead = true;
    this.pending = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(PROGRAM, { eval: true, workerData: { fd: this.fd } });
    worker.unref();
    worker.on('message', (failure: { message: string; code?: string } | null) => {
      worker.unref();
      const done = this.take();
      done?.(failure ? Object.assign(new Error(failure.message), { code: failure.code }) : null);
    });
    const lost = () => {
      this.dead = true;
      this.worker = undefined;
      const done = this.take();
      // The fsync it was running may not have happened: do it here.
      if (done) fsync(this.fd, (again) => done(again ?? null));
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    return worker;
  }

  private take(): Done | undefined {
    const done = this.pending;
    this.pending = undefined;
    return done;
  }
}
