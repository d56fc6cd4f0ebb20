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

/**
 * The event id is already stored, in another stream (an id names one fact).
 * The embedded store refuses it; EventStoreDB checks ids per stream only.
 *
 * @example
 * ```ts
 * try {
 *   await store.append('student-b', [{ id, type: 'ParticipationRecorded', data }]);
 * } catch (err) {
 *   if (err instanceof DuplicateEventId) console.log(err.storedIn); // 'student-a'
 * }
 * ```
 */
export class DuplicateEventId extends EventStoreError {
  constructor(
    readonly id: string,
    readonly storedIn: string,
    revision: bigint,
  ) {
    super('INVALID_EVENT', `event id ${id} is already stored in stream ${storedIn} at revision ${revision}; an id names one fact`);
  }
}
