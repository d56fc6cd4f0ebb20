import {
  AccessDeniedError,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NotLeaderError,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  convertToCommandError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Filter,
  type JSONType,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { EventStoreError, WrongExpectedVersion } from './errors';
import type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './event-store';
import {
  checkMaxCount,
  matchesFilter,
  toJson,
  validateAppend,
} from './validate-append';

/** Options of {@link EventStoreDbEventStore}. */
export interface EventStoreDbEventStoreOptions {
  /** Events per `readAll` request when the port has to filter on the client. Default 512. */
  pageSize?: number;
  /** Deadline of `ping()` (ms). Default 2000. */
  pingDeadlineMs?: number;
}

/** Unsigned -1: what the server sends where it has no position (stream reads before 22.6, idempotent appends). */
const NO_POSITION = 2n ** 64n - 1n;
const PING_STREAM = 'laurel-health-check';

/**
 * The production event store: EventStoreDB / KurrentDB over gRPC with
 * `@eventstore/db-client`. The global position is the commit position.
 *
 * Mapping to the port:
 * - `WrongExpectedVersionError` -> {@link WrongExpectedVersion} (expected as
 *   the caller passed it, actual as the server reported it);
 * - a stream that does not exist reads as `[]`; a deleted one is
 *   `STREAM_NOT_FOUND`;
 * - unreachable, timed out, not leader, access denied ->
 *   `EVENT_STORE_UNAVAILABLE`;
 * - system events (`$`-prefixed types or streams) are never returned;
 * - event ids are unique per stream only (`eventIdScope: 'stream'`): the
 *   server checks an id against the stream it is appended to (its
 *   idempotency check), never against other streams, so the same id appended
 *   to two streams is two events. The embedded store refuses the second
 *   (`DuplicateEventId`). The engine's derived ids all name their student, so
 *   they differ per stream anyway; a participation id does not, and the API
 *   claims it in a stream of its own before recording it (ADR 0003).
 *
 * @example
 * ```ts
 * const store = EventStoreDbEventStore.connect('esdb://localhost:2113?tls=false');
 * await store.ping();
 * ```
 */
export class EventStoreDbEventStore implements EventStore {
  readonly eventIdScope = 'stream';
  private readonly pageSize: number;
  private readonly pingDeadlineMs: number;
  private readonly subscriptions = new Set<EsdbSubscription>();
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 512;
    this.pingDeadlineMs = options.pingDeadlineMs ?? 2000;
  }

  /**
   * Creates the client from a connection string; it connects lazily, so call
   * {@link ping} to find out whether the server answers.
   *
   * @throws EventStoreError `EVENT_STORE_UNAVAILABLE` when the connection string is malformed.
   * @example
   * ```ts
   * const store = EventStoreDbEventStore.connect(process.env.EVENTSTORE_CONNECTION_STRING!);
   * ```
   */
  static connect(
    connectionString: string,
    options: EventStoreDbEventStoreOptions = {},
  ): EventStoreDbEventStore {
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(connectionString);
    } catch (err) {
      throw new EventStoreError(
        'EVENT_STORE_UNAVAILABLE',
        `invalid EventStoreDB connection string: ${messageOf(err)}`,
        { cause: err },
      );
    }
    return new EventStoreDbEventStore(client, options);
  }

  async append(
    stream: string,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    this.assertOpen();
    validateAppend(stream, events, expected);
    const data = events.map((e, i) => {
      // The client serialises later, inside its gRPC call; fail here with a clear error instead.
      toJson(e.data, `stream ${stream}, event ${i} data`);
      toJson(e.metadata ?? {}, `stream ${stream}, event ${i} metadata`);
      return jsonEvent({
        id: e.id.toLowerCase(),
        type: e.type,
        data: e.data as JSONType,
        metadata: e.metadata ?? {},
      });
    });
    try {
      const result = await this.client.appendToStream(stream, data, {
        expectedRevision: expected,
      });
      // Idempotent retries (and servers before 20.6) report no position:
      // read the original one back, as the port promises it.
      const commit = result.position?.commit;
      const reported = commit !== undefined && commit >= 0n && commit !== NO_POSITION;
      const position = reported ? commit : await this.positionOf(stream, result.nextExpectedRevision);
      // A reported position means this call wrote; none means a retry or an old server: cannot tell.
      return { nextRevision: result.nextExpectedRevision, position, ...(reported && { written: true }) };
    } catch (err) {
      throw mapError(err, { stream, expected });
    }
  }

  async readStream(
    stream: string,
    options: ReadStreamOptions = {},
  ): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = checkMaxCount(options.maxCount);
    if (maxCount === 0) return [];
    const backwards = options.direction === 'backwards';
    try {
      const read = this.client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        ...(maxCount === undefined ? {} : { maxCount }),
      });
      const events: RecordedEvent[] = [];
      for await (const resolved of read) {
        const event = toRecorded(resolved);
        if (event) events.push(event);
      }
      return events;
    } catch (err) {
      // The server answers a read of a missing stream with "stream not found", which the client throws.
      if (err instanceof StreamNotFoundError) return [];
      throw mapError(err, { stream });
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const want = checkMaxCount(options.maxCount) ?? Number.POSITIVE_INFINITY;
    const events: RecordedEvent[] = [];
    if (want === 0) return events;
    // $all reads start at (and include) the given position; the port's checkpoint is exclusive.
    const after = options.fromPosition;
    let from: ReadPosition =
      after === undefined ? START : { commit: after, prepare: after };
    let lastSeen: Position | undefined;
    try {
      for (;;) {
        const page = this.client.readAll({
          fromPosition: from,
          maxCount: this.pageSize,
        });
        let seen = 0;
        for await (const resolved of page) {
          seen += 1;
          const position = resolved.event?.position;
          if (!position) continue;
          if (lastSeen && comparePositions(position, lastSeen) <= 0) continue;
          lastSeen = position;
          if (after !== undefined && position.commit <= after) continue;
          const event = toRecorded(resolved);
          if (!event || !matchesFilter(event, options.filter)) continue;
          events.push(event);
          if (events.length >= want) break;
        }
        if (events.length >= want) {
          await page.cancel();
          return events;
        }
        if (seen < this.pageSize || !lastSeen) return events;
        from = lastSeen;
      }
    } catch (err) {
      throw mapError(err);
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const { fromPosition, filter } = options;
    const upstream = this.client.subscribeToAll({
      fromPosition:
        fromPosition === undefined
          ? START
          : { commit: fromPosition, prepare: fromPosition },
      filter: serverFilterFor(filter),
    });
    const subscription = new EsdbSubscription(
      upstream,
      fromPosition,
      filter,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async lastPosition(): Promise<bigint> {
    this.assertOpen();
    // The tail of $all is often system events (stats, projections); the port's head is the last user event.
    let from: ReadPosition = END;
    let lastSeen: Position | undefined;
    try {
      for (;;) {
        const page = this.client.readAll({
          fromPosition: from,
          direction: BACKWARDS,
          maxCount: this.pageSize,
        });
        let seen = 0;
        for await (const resolved of page) {
          seen += 1;
          const position = resolved.event?.position;
          if (!position) continue;
          if (lastSeen && comparePositions(position, lastSeen) >= 0) continue;
          lastSeen = position;
          if (toRecorded(resolved)) {
            await page.cancel();
            return position.commit;
          }
        }
        if (seen < this.pageSize || !lastSeen) return -1n;
        from = lastSeen;
      }
    } catch (err) {
      throw mapError(err);
    }
  }

  async ping(): Promise<void> {
    this.assertOpen();
    try {
      // Any answer proves the server is up; a user stream needs no admin rights, unlike $all.
      const read = this.client.readStream(PING_STREAM, {
        maxCount: 1,
        deadline: this.pingDeadlineMs,
      });
      for await (const _ of read) break;
    } catch (err) {
      if (err instanceof StreamNotFoundError) return;
      const mapped = mapError(err);
      throw mapped instanceof EventStoreError
        ? mapped
        : new EventStoreError(
            'EVENT_STORE_UNAVAILABLE',
            `EventStoreDB did not answer: ${messageOf(err)}`,
            { cause: err },
          );
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose();
  }

  private async positionOf(stream: string, revision: bigint): Promise<bigint> {
    const [event] = await this.readStream(stream, {
      fromRevision: revision,
      direction: 'backwards',
      maxCount: 1,
    });
    return event?.position ?? -1n;
  }

  private assertOpen(): void {
    if (this.closed)
      throw new EventStoreError(
        'EVENT_STORE_UNAVAILABLE',
        'the event store is closed',
      );
  }
}

/** Wraps the client's subscription (a Node readable) as the port's async iterable. */
class EsdbSubscription implements Subscription {
  private closed = false;
  private readonly iterator: AsyncGenerator<RecordedEvent, void, undefined>;

  constructor(
    private readonly upstream: AllStreamSubscription,
    private readonly after: bigint | undefined,
    private readonly filter: EventFilter | undefined,
    private readonly onClose: () => void,
  ) {
    this.iterator = this.run();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.iterator;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    await this.upstream.unsubscribe();
    // Ending the readable lets a pending `for await` finish instead of waiting for an event that never comes.
    this.upstream.destroy();
    await this.iterator.return(undefined);
  }

  private async *run(): AsyncGenerator<RecordedEvent, void, undefined> {
    try {
      for await (const resolved of this
        .upstream as AsyncIterable<AllStreamResolvedEvent>) {
        if (this.closed) return;
        const event = toRecorded(resolved);
        if (!event) continue;
        // The server filter is one-dimensional (types or streams); the port's filter is checked here in full.
        if (this.after !== undefined && event.position <= this.after) continue;
        if (!matchesFilter(event, this.filter)) continue;
        yield event;
      }
    } catch (err) {
      if (this.closed) return;
      throw mapError(err);
    } finally {
      if (!this.closed) {
        this.closed = true;
        this.onClose();
        await this.upstream.unsubscribe().catch(() => undefined);
      }
    }
  }
}

/**
 * The server-side part of a port filter. EventStoreDB filters on event type
 * or on stream name, not both; an exact type match is a regex because type
 * filters by prefix would let `BadgeEarned` select `BadgeEarnedV2`.
 */
export function serverFilterFor(filter: EventFilter | undefined): Filter {
  const types = filter?.eventTypes ?? [];
  if (types.length > 0)
    return eventTypeFilter({
      regex: `^(?:${types.map(escapeRegex).join('|')})$`,
    });
  const prefixes = filter?.streamPrefixes ?? [];
  if (prefixes.length > 0) return streamNameFilter({ prefixes });
  return excludeSystemEvents();
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Uint8Array);

/** The port's view of a resolved event; undefined for links without their event and for system events. */
function toRecorded(
  resolved: ResolvedEvent | AllStreamResolvedEvent,
): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || event.type.startsWith('$') || event.streamId.startsWith('$'))
    return undefined;
  const commit = event.position?.commit ?? resolved.commitPosition;
  return {
    id: event.id,
    stream: event.streamId,
    type: event.type,
    data: event.data,
    metadata: isPlainObject(event.metadata) ? event.metadata : {},
    revision: event.revision,
    position: commit === undefined || commit === NO_POSITION ? -1n : commit,
    recordedAt: event.created,
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Translates the client's errors into the port's; anything unrecognised passes through unchanged. */
function mapError(
  caught: unknown,
  context: { stream?: string; expected?: ExpectedRevision } = {},
): unknown {
  if (caught instanceof EventStoreError) return caught;
  // Some calls (append among them) reject with the raw gRPC status; the client's own converter names it.
  const err = caught instanceof Error ? convertToCommandError(caught) : caught;
  if (err instanceof WrongExpectedVersionError) {
    const actual =
      err.actualVersion === 'no_stream' || err.actualVersion < 0n
        ? 'no_stream'
        : err.actualVersion;
    return new WrongExpectedVersion(
      context.stream ?? err.streamName,
      context.expected ?? err.expectedVersion,
      actual,
    );
  }
  if (err instanceof StreamDeletedError) {
    return new EventStoreError(
      'STREAM_NOT_FOUND',
      `stream ${context.stream ?? err.streamName} was deleted`,
      { cause: err },
    );
  }
  if (err instanceof StreamNotFoundError) {
    return new EventStoreError(
      'STREAM_NOT_FOUND',
      `stream ${context.stream ?? err.streamName} does not exist`,
      { cause: err },
    );
  }
  if (err instanceof MaxAppendSizeExceededError) {
    return new EventStoreError(
      'INVALID_EVENT',
      `stream ${context.stream ?? '?'}: the append exceeds the server's maximum of ${err.maxAppendSize} bytes`,
      {
        cause: err,
      },
    );
  }
  if (err instanceof AccessDeniedError) {
    return new EventStoreError(
      'EVENT_STORE_UNAVAILABLE',
      'EventStoreDB denied access: check the credentials in EVENTSTORE_CONNECTION_STRING',
      { cause: err },
    );
  }
  if (
    err instanceof UnavailableError ||
    err instanceof DeadlineExceededError ||
    err instanceof TimeoutError ||
    err instanceof NotLeaderError ||
    err instanceof CancelledError ||
    (err instanceof Error && /failed to discover/i.test(err.message))
  ) {
    return new EventStoreError(
      'EVENT_STORE_UNAVAILABLE',
      `EventStoreDB is unavailable: ${err.message}`,
      { cause: err },
    );
  }
  return err;
}
