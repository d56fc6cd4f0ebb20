import { WrongExpectedVersion, type EventMetadata, type EventStore } from '@laurel/event-store';
import { eventId } from '../students/student-stream';

/** The stream that says which student a participation id belongs to, on a store whose event ids are unique per stream only. */
export const participationClaimStream = (participationId: string): string => `participation-${participationId}`;

/** Its one event; the rule projection and the read models ignore streams other than `student-` and `program-`. */
export interface ParticipationClaimed {
  type: 'ParticipationClaimed';
  data: { participationId: string; studentId: string };
}

/**
 * Claims `participationId` for `studentId` before the participation is
 * recorded in the student's stream, where the store cannot refuse the same
 * id in two streams (EventStoreDB, `eventIdScope: 'stream'`): two requests
 * giving one participation to two students at once would otherwise both be
 * stored. The first claim creates the claim stream (expected `no_stream`);
 * its event id names the student too, so the same student's retry finds its
 * own claim (an idempotent append) and another student's is refused and reads
 * the holder. Resolves with the student the participation belongs to.
 *
 * On a store whose ids are unique in the whole store (the embedded SQLite
 * store) the append to the student's stream refuses the second student by
 * itself (`DuplicateEventId`), and this is not called.
 */
export async function claimParticipation(store: EventStore, participationId: string, studentId: string, metadata: EventMetadata): Promise<string> {
  const stream = participationClaimStream(participationId);
  const claim: ParticipationClaimed = { type: 'ParticipationClaimed', data: { participationId, studentId } };
  try {
    await store.append(stream, [{ id: eventId(claim.type, participationId, studentId), ...claim, metadata }], { expectedRevision: 'no_stream' });
    return studentId;
  } catch (err) {
    if (!(err instanceof WrongExpectedVersion)) throw err;
    const [first] = await store.readStream(stream, { maxCount: 1 });
    if (!first) throw err;
    return (first.data as ParticipationClaimed['data']).studentId;
  }
}
