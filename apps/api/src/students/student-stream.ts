import { v5 as uuidv5 } from 'uuid';
import { WrongExpectedVersion, type EventMetadata, type EventStore, type RecordedEvent } from '@laurel/event-store';
import { evolveStudent, initialStudentState, studentStream, type AlreadyDone, type StudentEvent, type StudentState } from '@laurel/progression';

/** Namespace for deterministic event ids: the same fact always gets the same id, so retries are idempotent. */
const EVENT_ID_NAMESPACE = '6f1d5b8e-4a43-4c6e-9d3c-7f1c2e9a8b10';

/** A deterministic event id for `parts` (e.g. `['ParticipationRecorded', participationId]`). */
export const eventId = (...parts: string[]): string => uuidv5(parts.join('\u0000'), EVENT_ID_NAMESPACE);

/** Reads a student's stream and folds it into the command-side state. */
export async function loadStudent(store: EventStore, studentId: string): Promise<StudentState> {
  return (await loadStudentWithEvents(store, studentId)).state;
}

/** Like {@link loadStudent}, also returning the stored events (for rule evaluation). */
export async function loadStudentWithEvents(store: EventStore, studentId: string): Promise<{ state: StudentState; events: RecordedEvent[] }> {
  const events = await store.readStream(studentStream(studentId));
  let state = initialStudentState();
  for (const e of events) {
    state = evolveStudent(state, { type: e.type, data: e.data } as StudentEvent, { revision: e.revision, position: e.position, eventId: e.id });
  }
  return { state, events };
}

/** Most students whose command-side state this process keeps between requests. */
const CACHED_STUDENTS = 20_000;
/** Per store: a process may hold several (tests do), and a state belongs to one log. */
const cachedStates = new WeakMap<EventStore, Map<string, StudentState>>();

/**
 * Like {@link loadStudent}, but keeps the state between requests and reads
 * only the events appended since (by anyone, in any process), so a busy
 * student costs one short read instead of the whole stream. Call it inside
 * {@link serialised} for that student, and never change the state it returns.
 */
export async function loadStudentIncrementally(store: EventStore, studentId: string): Promise<StudentState> {
  let states = cachedStates.get(store);
  if (!states) cachedStates.set(store, (states = new Map<string, StudentState>()));
  const cached = states.get(studentId);
  const from = cached?.revision === null || cached === undefined ? undefined : cached.revision + 1n;
  const fresh = await store.readStream(studentStream(studentId), from === undefined ? {} : { fromRevision: from });
  let state = cached ?? initialStudentState();
  for (const e of fresh) {
    state = evolveStudent(state, { type: e.type, data: e.data } as StudentEvent, { revision: e.revision, position: e.position, eventId: e.id });
  }
  states.delete(studentId);
  if (states.size >= CACHED_STUDENTS) states.delete(states.keys().next().value as string);
  states.set(studentId, state);
  return state;
}

/**
 * Folds an event this process has just appended at `state.revision` into the
 * cached `state` that {@link loadStudentIncrementally} returned, so the next
 * command on the student reads only what others appended since (usually
 * nothing: one index lookup) instead of reading back and parsing its own
 * event. Only for an append the store confirmed it wrote.
 */
export function rememberAppended(state: StudentState, event: StudentEvent, stored: { revision: bigint; position: bigint; eventId: string }): void {
  // The data as a read of the stream would give it back (JSON drops undefined and turns -0 into 0): idempotent retries compare against it.
  evolveStudent(state, { type: event.type, data: JSON.parse(JSON.stringify(event.data)) as unknown } as StudentEvent, stored);
}

/** Drops what this process knows of the student: the next command reads the whole stream. */
export function forgetStudent(store: EventStore, studentId: string): void {
  cachedStates.get(store)?.delete(studentId);
}

/**
 * Runs read -> decide -> append, and on a concurrent write to the same stream
 * (WrongExpectedVersion) decides again against the fresh state. Commands are
 * never applied on top of a state they were not decided against.
 */
export async function withOptimisticRetry<T>(attempt: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof WrongExpectedVersion) || i >= attempts) throw err;
      // Another process wrote to the stream: back off a little, with jitter, before deciding again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * i));
    }
  }
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` after every earlier command on the same student in this
 * process, so concurrent requests for one student queue up instead of
 * colliding on the expected revision (collisions with other processes are
 * still caught by it).
 */
export function serialised<T>(studentId: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(studentId) ?? Promise.resolve();
  const next = previous.then(work, work);
  const tail = next.catch(() => undefined);
  queues.set(studentId, tail);
  void tail.then(() => {
    if (queues.get(studentId) === tail) queues.delete(studentId);
  });
  return next;
}

export interface Appended<E extends StudentEvent> {
  event: E;
  streamRevision: number;
  position: number;
  /** True when the command had been carried out already (a retry): nothing was appended, `event` is the one stored then. */
  repeated: boolean;
}

/**
 * The common shape of a student command: load the stream, decide one event
 * against it, append it at the revision it was decided on (retrying on a
 * concurrent write). The event id comes from `idOf`, derived from the
 * command's own ids, so a retried request cannot write twice.
 */
export function decideAndAppend<E extends StudentEvent>(
  store: EventStore,
  studentId: string,
  metadata: EventMetadata,
  decide: (state: StudentState, events: RecordedEvent[]) => E | AlreadyDone<E>,
  idOf: (event: E) => string,
): Promise<Appended<E>> {
  return serialised(studentId, () =>
    withOptimisticRetry(async () => {
      const { state, events } = await loadStudentWithEvents(store, studentId);
      const event = decide(state, events);
      if ('already' in event) {
        return { event: event.already, streamRevision: Number(event.stored.revision), position: Number(event.stored.position), repeated: true };
      }
      const result = await store.append(studentStream(studentId), [{ id: idOf(event), type: event.type, data: event.data, metadata }], {
        expectedRevision: state.revision ?? 'no_stream',
      });
      return {
        event,
        streamRevision: Number(result.nextRevision),
        position: Number(result.position),
        repeated: false,
      };
    }),
  );
}
