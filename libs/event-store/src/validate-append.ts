import { EventStoreError } from './errors';
import type { EventFilter, ExpectedRevision, NewEvent } from './event-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalid = (message: string) =>
  new EventStoreError('INVALID_EVENT', message);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks an append against the port's rules (see {@link NewEvent}) so both
 * adapters refuse the same inputs, before anything is written.
 *
 * @throws EventStoreError `INVALID_EVENT` naming the first problem.
 * @example
 * ```ts
 * validateAppend('student-1', [{ id: randomUUID(), type: 'ParticipationRecorded', data: {} }], 'any');
 * ```
 */
export function validateAppend(
  stream: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): void {
  if (typeof stream !== 'string' || stream.length === 0)
    throw invalid('the stream name must be a non-empty string');
  if (stream.startsWith('$'))
    throw invalid(
      `stream ${stream}: names starting with $ are reserved for system streams`,
    );
  if (
    typeof expected === 'bigint'
      ? expected < 0n
      : !['any', 'no_stream', 'stream_exists'].includes(expected)
  ) {
    throw invalid(
      `stream ${stream}: expectedRevision must be 'any', 'no_stream', 'stream_exists' or a bigint >= 0n, got ${String(expected)}`,
    );
  }
  // Callers outside TypeScript (JSON bodies, scripts) can pass anything, hence the runtime checks.
  const list: unknown = events;
  if (!Array.isArray(list) || list.length === 0)
    throw invalid(`stream ${stream}: append at least one event`);
  const seen = new Set<string>();
  events.forEach((e, i) => {
    const where = `stream ${stream}, event ${i}`;
    if (typeof e.id !== 'string' || !UUID.test(e.id))
      throw invalid(`${where}: id must be a UUID, got ${JSON.stringify(e.id)}`);
    const id = e.id.toLowerCase();
    if (seen.has(id))
      throw invalid(`${where}: id ${e.id} appears twice in one append`);
    seen.add(id);
    if (
      typeof e.type !== 'string' ||
      e.type.length === 0 ||
      e.type.startsWith('$')
    ) {
      throw invalid(
        `${where}: type must be a non-empty string not starting with $, got ${JSON.stringify(e.type)}`,
      );
    }
    if (!isPlainObject(e.data) && !Array.isArray(e.data))
      throw invalid(
        `${where} (${e.type}): data must be a JSON object or array`,
      );
    if (e.metadata !== undefined && !isPlainObject(e.metadata))
      throw invalid(`${where} (${e.type}): metadata must be a JSON object`);
  });
}

/**
 * `JSON.stringify` that reports values JSON cannot carry (bigint, cycles) as
 * `INVALID_EVENT` instead of a bare TypeError.
 */
export function toJson(value: unknown, what: string): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new EventStoreError(
      'INVALID_EVENT',
      `${what} is not JSON-serialisable: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

/**
 * Normalises a caller's `maxCount`: `undefined` means no limit.
 *
 * @throws RangeError when it is not a non-negative integer (a programming error, not a domain one).
 */
export function checkMaxCount(
  maxCount: number | undefined,
): number | undefined {
  if (maxCount === undefined) return undefined;
  if (!Number.isSafeInteger(maxCount) || maxCount < 0) {
    throw new RangeError(
      `maxCount must be a non-negative integer, got ${maxCount}`,
    );
  }
  return maxCount;
}

/**
 * Whether `event` passes `filter` (see {@link EventFilter}).
 *
 * @example
 * ```ts
 * matchesFilter({ stream: 'student-1', type: 'BadgeEarned' }, { streamPrefixes: ['student-'] }); // true
 * ```
 */
export function matchesFilter(
  event: { stream: string; type: string },
  filter: EventFilter | undefined,
): boolean {
  if (!filter) return true;
  const { streamPrefixes, eventTypes } = filter;
  if (
    streamPrefixes &&
    streamPrefixes.length > 0 &&
    !streamPrefixes.some((p) => event.stream.startsWith(p))
  )
    return false;
  if (eventTypes && eventTypes.length > 0 && !eventTypes.includes(event.type))
    return false;
  return true;
}
