import { v5 as uuidv5 } from 'uuid';
import { WrongExpectedVersion, type EventMetadata, type EventStore } from '@laurel/event-store';
import { evolveStudent, initialStudentState, studentStream, type StudentEvent, type StudentState } from '@laurel/progression';

/** Namespace for deterministic event ids: the same fact always gets the same id, so retries are idempotent. */
const EVENT_ID_NAMESPACE = '6f1d5b8e-4a43-4c6e-9d3c-7f1c2e9a8b10';

/** A deterministic event id for `parts` (e.g. `['ParticipationRecorded', participationId]`). */
export const eventId = (...parts: string[]): string => uuidv5(parts.join('\u0000'), EVENT_ID_NAMESPACE);

/** Reads a student's stream and folds it into the command-side state. */
export async function loadStudent(store: EventStore, studentId: string): Promise<StudentState> {
  const events = await store.readStream(studentStream(studentId));
  let state = initialStudentState();
  for (const e of events) {
    state = evolveStudent(state, { type: e.type, data: e.data } as StudentEvent, {
      revision: e.revision,
      position: e.position,
      eventId: e.id,
    });
  }
  return state;
}

/**
 * Runs read -> decide -> append, and on a concurrent write to the same stream
 * (WrongExpectedVersion) decides again against the fresh state. Commands are
 * never applied on top of a state they were not decided against.
 */
export async function withOptimisticRetry<T>(attempt: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof WrongExpectedVersion) || i >= attempts) throw err;
    }
  }
}

export interface Appended<E extends StudentEvent> {
  event: E;
  streamRevision: number;
  position: number;
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
  decide: (state: StudentState) => E,
  idOf: (event: E) => string,
): Promise<Appended<E>> {
  return withOptimisticRetry(async () => {
    const state = await loadStudent(store, studentId);
    const event = decide(state);
    const result = await store.append(studentStream(studentId), [{ id: idOf(event), type: event.type, data: event.data, metadata }], {
      expectedRevision: state.revision ?? 'no_stream',
    });
    return { event, streamRevision: Number(result.nextRevision), position: Number(result.position) };
  });
}
