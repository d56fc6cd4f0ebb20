import type { ExpectedRevision } from './event-store';

export type EventStoreErrorCode =
  | 'WRONG_EXPECTED_VERSION'
  | 'STREAM_NOT_FOUND'
  | 'EVENT_STORE_UNAVAILABLE'
  | 'INVALID_EVENT';

/**
 * Every failure of the event store, with a stable `code` to branch on.
 *
 * @example
 * ```ts
 * try {
 *   await store.ping();
 * } catch (err) {
 *   if (err instanceof EventStoreError && err.code === 'EVENT_STORE_UNAVAILABLE') return 'down';
 *   throw err;
 * }
 * ```
 */
export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The stream was not at the revision the writer expected. `actual` is the
 * revision of the stream's last event, or `'no_stream'` when it has none.
 *
 * @example
 * ```ts
 * try {
 *   await store.append(stream, events, { expectedRevision: 3n });
 * } catch (err) {
 *   if (err instanceof WrongExpectedVersion) console.log(err.expected, err.actual); // 3n 5n
 * }
 * ```
 */
export class WrongExpectedVersion extends EventStoreError {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(
      'WRONG_EXPECTED_VERSION',
      `stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`,
    );
  }
}
