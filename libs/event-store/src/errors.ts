import type { ExpectedRevision } from './event-store';

export type EventStoreErrorCode = 'WRONG_EXPECTED_VERSION' | 'STREAM_NOT_FOUND' | 'EVENT_STORE_UNAVAILABLE' | 'INVALID_EVENT';

export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The stream was not at the revision the writer expected; `actual` is -1n / 'no_stream' when it does not exist. */
export class WrongExpectedVersion extends EventStoreError {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super('WRONG_EXPECTED_VERSION', `stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}
