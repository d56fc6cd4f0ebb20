import { Logger } from '@nestjs/common';
import { WrongExpectedVersion, type EventMetadata, type EventStore } from '@laurel/event-store';
import { studentStream } from '@laurel/progression';
import { eventId } from '../students/student-stream';

/** The stream that says which student a participation id belongs to, on a store whose event ids are unique per stream only. */
export const participationClaimStream = (participationId: string): string => `participation-${participationId}`;

/** The rule projection and the read models ignore streams other than `student-` and `program-`. */
export interface ParticipationClaimed {
  type: 'ParticipationClaimed';
  data: { participationId: string; studentId: string };
}

/** The claim above ends: the request that made it failed before the participation was recorded in the student's stream. */
export interface ParticipationClaimReleased {
  type: 'ParticipationClaimReleased';
  data: { participationId: string; studentId: string; reason: string };
}

/** Who holds a participation id after {@link claimParticipation}. */
export interface Claim {
  holder: string;
  /** The revision of the claim event in the claim stream. */
  revision: bigint;
  /** Whether this call appended the claim (false: it found the holder's claim there already). */
  made: boolean;
}

/**
 * Claims `participationId` for `studentId` before the participation is
 * recorded in the student's stream, where the store cannot refuse the same
 * id in two streams (EventStoreDB, `eventIdScope: 'stream'`): two requests
 * giving one participation to two students at once would otherwise both be
 * stored. The claim stream holds claims and releases in turn; its last event
 * says who holds the id: a claim names the holder, a release (or no event)
 * leaves it free. A free id is claimed at the stream's revision, so of two
 * students claiming it at once one appends and the other reads the holder;
 * the event id names the student and the revision, so the same student's
 * retry is an idempotent append.
 *
 * On a store whose ids are unique in the whole store (the embedded SQLite
 * store) the append to the student's stream refuses the second student by
 * itself (`DuplicateEventId`), and this is not called.
 */
export async function claimParticipation(store: EventStore, participationId: string, studentId: string, metadata: EventMetadata): Promise<Claim> {
  const stream = participationClaimStream(participationId);
  for (let attempt = 0; ; attempt++) {
    const last = (await store.readStream(stream, { direction: 'backwards', maxCount: 1 }))[0];
    if (last?.type === 'ParticipationClaimed') {
      return { holder: (last.data as ParticipationClaimed['data']).studentId, revision: last.revision, made: false };
    }
    const claim: ParticipationClaimed = { type: 'ParticipationClaimed', data: { participationId, studentId } };
    const at = last === undefined ? 'no_stream' : last.revision;
    try {
      const result = await store.append(stream, [{ id: eventId(claim.type, participationId, studentId, String(at)), ...claim, metadata }], {
        expectedRevision: at,
      });
      return { holder: studentId, revision: result.nextRevision, made: true };
    } catch (err) {
      // Another request claimed (or released) it meanwhile: read who holds it now.
      if (!(err instanceof WrongExpectedVersion) || attempt >= 3) throw err;
    }
  }
}

/**
 * Ends a claim this request made (`claim.made`) when the participation did
 * not reach the student's stream (the store failed, or gave up on a busy
 * stream): left in place, the id would be refused to every other student,
 * though no one holds it. Nothing is released if the student's stream holds
 * the participation (another request of theirs recorded it), or if the
 * claim stream moved on. Best effort: a release that fails is logged, and
 * the error that ended the request is the one its caller reports.
 */
export async function releaseUnrecordedClaim(
  store: EventStore,
  participationId: string,
  studentId: string,
  claim: Claim,
  metadata: EventMetadata,
): Promise<void> {
  if (!claim.made || claim.holder !== studentId) return;
  try {
    const events = await store.readStream(studentStream(studentId));
    if (events.some((e) => e.type === 'ParticipationRecorded' && (e.data as { participationId?: unknown }).participationId === participationId))
      return;
    const release: ParticipationClaimReleased = {
      type: 'ParticipationClaimReleased',
      data: { participationId, studentId, reason: `the request recording it for student ${studentId} failed before it was recorded` },
    };
    await store.append(
      participationClaimStream(participationId),
      [{ id: eventId(release.type, participationId, studentId, String(claim.revision)), ...release, metadata }],
      { expectedRevision: claim.revision },
    );
  } catch (err) {
    if (err instanceof WrongExpectedVersion) return;
    new Logger('participations').warn(
      `participation ${participationId} stays claimed for student ${studentId} though not recorded: releasing the claim failed (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}
