import { setImmediate as nextTurn } from 'node:timers/promises';
import { EventStoreError, type EventStore, type RecordedEvent } from '@laurel/event-store';

/** Events per page of the log while listing the students. */
export const LOG_PAGE = 5000;
/**
 * Students' streams read while the one before is replayed: a remote store's round trip per student
 * (EventStoreDB) overlaps the replay instead of adding up; memory holds at most this many streams more.
 */
export const READ_AHEAD = 8;

export interface StudentStream {
  studentId: string;
  /** The student's stream, as far as the log had it when the students were listed. */
  events: RecordedEvent[];
}

/**
 * Every student's stream, one at a time, in the order the students first appear in the log. The log is read
 * once, a page at a time, keeping only each student's last revision seen; then each stream is read up to that
 * revision. Memory grows with the number of students and the longest stream, not with the log, and the events
 * replayed are those a single read of the log would have given (an event appended meanwhile is left out). A stream
 * deleted meanwhile (EventStoreDB) reads as no events.
 * Between pages the event loop serves other requests.
 *
 * @example
 * for await (const { studentId, events } of studentStreams(store)) differ.add({ studentId, facts: primaryFacts(events, programId) });
 */
export async function* studentStreams(
  store: EventStore,
  { pageSize = LOG_PAGE, readAhead = READ_AHEAD }: { pageSize?: number; readAhead?: number } = {},
): AsyncGenerator<StudentStream> {
  const lastRevision = new Map<string, bigint>();
  for (let from: bigint | undefined; ;) {
    const page = await store.readAll({
      filter: { streamPrefixes: ['student-'] },
      maxCount: pageSize,
      ...(from !== undefined && { fromPosition: from }),
    });
    for (const e of page) lastRevision.set(e.stream, e.revision);
    if (page.length < pageSize) break;
    from = page[page.length - 1]!.position;
    await nextTurn();
  }
  const streams = lastRevision.entries();
  const reads: Promise<StudentStream>[] = [];
  const readNext = (): void => {
    const next = streams.next();
    if (next.done) return;
    const [stream, revision] = next.value;
    const read = store.readStream(stream, { maxCount: Number(revision) + 1 }).then(
      // A stream EventStoreDB truncated ($tb) reads from a later revision than 0: maxCount can reach past the one listed.
      (events) => ({
        studentId: stream.slice('student-'.length),
        events: (events.at(-1)?.revision ?? 0n) > revision ? events.filter((e) => e.revision <= revision) : events,
      }),
      (err: unknown) => {
        // Deleted in EventStoreDB since (a student's data erased): there is no one left to replay.
        if (err instanceof EventStoreError && err.code === 'STREAM_NOT_FOUND') return { studentId: stream.slice('student-'.length), events: [] };
        throw err;
      },
    );
    // A read that fails while an earlier one is awaited must not be an unhandled rejection; it is thrown when its turn comes.
    read.catch(() => undefined);
    reads.push(read);
  };
  for (let i = 0; i < Math.max(1, readAhead); i++) readNext();
  for (let read = reads.shift(); read; read = reads.shift()) {
    readNext();
    yield await read;
  }
}
