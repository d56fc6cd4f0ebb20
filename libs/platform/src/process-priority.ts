import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the scheduling priority of this process to `nice` (0 to 19), never
 * raising it: a process started at a lower priority (`nice -n 15`) keeps it.
 * Returns the nice value the process now runs at.
 *
 * Linux schedules threads, and setpriority() changes only the thread it
 * names, so each thread already running (V8's garbage-collector helpers, the
 * WAL threads) is set one by one; threads started afterwards inherit the
 * value of the thread that starts them. Elsewhere (no `/proc`) the call
 * applies to the whole process.
 *
 * @example
 * const nice = lowerPriority(config.workerNice); // first thing in the worker entry point
 */
export function lowerPriority(nice: number): number {
  let threads: number[];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    threads = [0];
  }
  for (const thread of threads) {
    try {
      if (getPriority(thread) < nice) setPriority(thread, nice);
    } catch (err) {
      // A thread that ended between the listing and the call has nothing left to lower.
      if ((err as { code?: string }).code !== 'ESRCH') throw err;
    }
  }
  return getPriority();
}
