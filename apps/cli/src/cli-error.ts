import { inspect } from 'node:util';
import { ConfigError, RedisUnavailableError } from '@laurel/platform';

/**
 * A failure the user can fix (a missing file, an engine that is not running,
 * a refused token): `main` prints its message alone, without a stack.
 */
export class CliError extends Error {
  readonly code = 'CLI_FAILED';
}

/**
 * What `main` prints for an error a command threw: the message alone when the
 * user can act on it (ours, the platform's, the system's: `EACCES: permission
 * denied, open 'a.csv'`), the stack for anything else, which is a bug, and
 * everything, causes included, when `LAUREL_DEBUG` is set.
 */
export function describeError(e: unknown, debug = Boolean(process.env.LAUREL_DEBUG)): string {
  if (!(e instanceof Error)) return String(e);
  if (debug) return inspect(e);
  const system = typeof (e as NodeJS.ErrnoException).syscall === 'string';
  if (e instanceof CliError || e instanceof ConfigError || e instanceof RedisUnavailableError || system) return e.message;
  return e.stack ?? e.message;
}
