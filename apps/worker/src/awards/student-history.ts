import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@laurel/event-store';
import { studentStream, type CredentialIssued } from '@laurel/progression';

/** Students whose streams are kept; awards come in bursts per student (a projection catching up, a batch of participations). */
const CAPACITY = 5000;

export interface StudentEvents {
  /** The stream as far as it was read, CredentialIssued events without their `jwt`. */
  events: readonly RecordedEvent[];
  /** The revision of the last event, or undefined for a stream with none. */
  head: bigint | undefined;
}

/**
 * The student streams the award worker decides on, each read once and then
 * only from where it was last read: a student's stream grows with every
 * credential (4 KB of JWT each), and re-reading and parsing all of it for
 * every award made signing cost more the more badges a student had. A stream
 * only grows, so what was read stays true; the tail read before each decision
 * brings in what other writers appended since.
 */
@Injectable()
export class StudentHistory {
  private readonly streams = new Map<string, StudentEvents>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async read(studentId: string): Promise<StudentEvents> {
    const known = this.streams.get(studentId);
    const tail = await this.store.readStream(studentStream(studentId), known?.head === undefined ? {} : { fromRevision: known.head + 1n });
    const read: StudentEvents =
      tail.length === 0 ? (known ?? { events: [], head: undefined }) : { events: [...(known?.events ?? []), ...tail.map(withoutJwt)], head: tail.at(-1)!.revision };
    // Jobs of one student run concurrently: keep whichever read got further.
    const current = this.streams.get(studentId);
    this.streams.delete(studentId);
    this.streams.set(studentId, current && (read.head === undefined || (current.head !== undefined && current.head > read.head)) ? current : read);
    if (this.streams.size > CAPACITY) this.streams.delete(this.streams.keys().next().value!);
    return read;
  }
}

/** The decision and the evidence need a credential's id and status entry, never its signed form. */
function withoutJwt(event: RecordedEvent): RecordedEvent {
  if (event.type !== 'CredentialIssued') return event;
  const { jwt: _jwt, ...data } = event.data as CredentialIssued['data'];
  return { ...event, data };
}
