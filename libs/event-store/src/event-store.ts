/**
 * The event store port. It mirrors EventStoreDB semantics so the embedded
 * SQLite adapter and the EventStoreDB adapter are interchangeable: per-stream
 * revisions (0-based bigint), a global position, optimistic concurrency by
 * expected revision, idempotent retries by event id, and catch-up
 * subscriptions that switch to live delivery.
 */

/** Who did something and why; stored with every event. */
export interface EventMetadata {
  /** Groups every event caused by one request or one job. */
  correlationId?: string;
  /** The id of the event (or command) that caused this one. */
  causationId?: string;
  /** The authenticated caller or system component, e.g. `coordinator:jdoe` or `system:rule-projection`. */
  actor?: string;
  /** A human reason, e.g. for voids and revocations. */
  reason?: string;
  [key: string]: unknown;
}

/**
 * An event about to be appended.
 *
 * - `id` is a UUID chosen by the caller; deterministic ids (UUID v5 of the
 *   fact) make retries idempotent.
 * - `type` is a non-empty string that does not start with `$` (EventStoreDB
 *   reserves those for system events).
 * - `data` is a JSON object or array; `metadata` a JSON object.
 *
 * Anything else is refused with an `INVALID_EVENT` {@link EventStoreError}
 * before anything is written.
 */
export interface NewEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata?: EventMetadata;
}

/** An event as stored. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  stream: string;
  type: Type;
  data: Data;
  /** `{}` when the event was appended without metadata. */
  metadata: EventMetadata;
  /** 0-based position within its stream. */
  revision: bigint;
  /**
   * Position in the global log; strictly increasing in commit order. Not
   * dense: EventStoreDB positions are byte offsets, so only compare them.
   */
  position: bigint;
  /** When the store committed it. */
  recordedAt: Date;
}

/**
 * What the writer believes about the stream:
 * - `'any'`: no check;
 * - `'no_stream'`: the stream has no events yet;
 * - `'stream_exists'`: the stream has at least one event;
 * - a bigint: the revision of the stream's last event.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface AppendOptions {
  /** Default `'any'`. */
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** The revision of the last event now in the stream (of the last event of the batch on an idempotent retry). */
  nextRevision: bigint;
  /** The global position of the last event appended (or of the already-stored event on an idempotent retry). */
  position: bigint;
  /**
   * Whether this call stored the events: false when an idempotent retry
   * found them already there (stored by an earlier call, perhaps another
   * process's, with the same ids but maybe other data). Undefined when the
   * store cannot tell (EventStoreDB reports no position for a retry, nor
   * does a server before 20.6 for any append).
   */
  written?: boolean;
}

export interface ReadStreamOptions {
  /** Inclusive start revision; default 0 forwards, the last event backwards. */
  fromRevision?: bigint;
  /** Default: everything. */
  maxCount?: number;
  /** Default `'forwards'`. */
  direction?: 'forwards' | 'backwards';
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Default: from the start. */
  fromPosition?: bigint;
  /** Default: everything. */
  maxCount?: number;
  filter?: EventFilter;
}

/**
 * Select events by stream name prefix and/or exact event type. Both lists are
 * OR-ed within and AND-ed across; an absent or empty list does not restrict.
 */
export interface EventFilter {
  streamPrefixes?: string[];
  eventTypes?: string[];
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: deliver events strictly after this position. Omit to start from the beginning. */
  fromPosition?: bigint;
  filter?: EventFilter;
}

/**
 * A catch-up subscription: it delivers stored events after the checkpoint,
 * then live ones, in global order, each exactly once. It is an async
 * iterable; `close()` (or leaving a `for await` loop) ends it.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

/**
 * The event store. Errors are {@link EventStoreError}s with a stable `code`:
 * `WRONG_EXPECTED_VERSION` ({@link WrongExpectedVersion}), `INVALID_EVENT`,
 * `EVENT_STORE_UNAVAILABLE`, `STREAM_NOT_FOUND` (a stream deleted in
 * EventStoreDB).
 *
 * @example
 * ```ts
 * const { nextRevision } = await store.append('student-42', [event], { expectedRevision: 'no_stream' });
 * const history = await store.readStream('student-42');
 * for await (const e of store.subscribeToAll({ fromPosition: checkpoint, filter: { streamPrefixes: ['student-'] } })) {
 *   await project(e);
 *   checkpoint = e.position;
 * }
 * ```
 */
export interface EventStore {
  /**
   * Where an event id names one event. `store` (the embedded SQLite store):
   * in the whole store; the id appended to another stream is refused with
   * `DuplicateEventId`. `stream` (EventStoreDB): within its stream
   * only; the same id in another stream is another event, stored. Deterministic
   * ids therefore make an append exactly-once within its stream on both; a
   * caller that needs a fact in one stream only, across streams (a
   * participation belongs to one student), claims it in a stream of its own
   * (expected revision `no_stream`) where this is `stream`.
   */
  readonly eventIdScope: 'store' | 'stream';
  /**
   * Appends `events` (at least one) atomically to `stream`. Re-appending the
   * same event ids at the same expected revision (or with `'any'`) succeeds
   * without writing and returns the original result.
   */
  append(
    stream: string,
    events: NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /**
   * Reads one stream. A stream that does not exist reads as `[]`: EventStoreDB
   * answers such a read with a "stream not found" message rather than a
   * failure, and callers treat a new stream and an empty one alike.
   */
  readStream(
    stream: string,
    options?: ReadStreamOptions,
  ): Promise<RecordedEvent[]>;
  /** Reads the global log forwards (system events excluded). */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Position of the last committed event, or -1n when the store is empty. */
  lastPosition(): Promise<bigint>;
  /** Cheap liveness check for /health; rejects with `EVENT_STORE_UNAVAILABLE`. */
  ping(): Promise<void>;
  /** Commits what is queued, ends subscriptions and releases the connection. Idempotent. */
  close(): Promise<void>;
}

/** Injection token for the port: it has two adapters (SQLite, EventStoreDB). */
export const EVENT_STORE = Symbol.for('laurel.EventStore');
