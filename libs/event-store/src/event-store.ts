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

/** An event about to be appended. `id` is a UUID chosen by the caller (deterministic ids make retries idempotent). */
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
  metadata: EventMetadata;
  /** 0-based position within its stream. */
  revision: bigint;
  /** Position in the global log; strictly increasing in commit order. */
  position: bigint;
  /** When the store committed it. */
  recordedAt: Date;
}

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** The revision of the last event now in the stream. */
  nextRevision: bigint;
  /** The global position of the last event appended (or of the already-stored event on an idempotent retry). */
  position: bigint;
}

export interface ReadStreamOptions {
  /** Inclusive start revision; default 0. */
  fromRevision?: bigint;
  /** Default: everything. */
  maxCount?: number;
  direction?: 'forwards' | 'backwards';
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Default: from the start. */
  fromPosition?: bigint;
  maxCount?: number;
  filter?: EventFilter;
}

/** Select events by stream name prefix and/or event type. Both lists are OR-ed within and AND-ed across. */
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
 * then live ones, in global order. It is an async iterable; `close()` ends it.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  append(stream: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Position of the last committed event, or -1n when the store is empty. */
  lastPosition(): Promise<bigint>;
  /** Cheap liveness check for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Injection token for the port: it has two adapters (SQLite, EventStoreDB). */
export const EVENT_STORE = Symbol.for('laurel.EventStore');
