import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Fact, StudentHistory, TimedFact } from '@laurel/rules';
import type { StudentEvent } from '../../../../libs/progression/src/events';
import { fail, type CliIo } from './io';

/** One line of an event file: an event as the engine stores it. */
export type StoredEvent = StudentEvent & {
  id: string;
  stream: string;
  metadata?: Record<string, unknown>;
  revision?: number | string;
  position?: number | string;
  recordedAt: string;
};

export type EventLog = {
  histories: StudentHistory[];
  events: number;
  /** Events the rules do not read, or recompute themselves (awards, levels, credentials...). */
  skipped: number;
};

/**
 * The facts a stored event gives the rules, or undefined for events the
 * replay recomputes (BadgeEarned, LevelReached, EligibilityReached,
 * AwardSupportLost, AwardSupportRestored, revocations made by the `revoke`
 * policy) or does not use.
 */
export function factOf(event: StoredEvent): Fact | undefined {
  switch (event.type) {
    case 'ParticipationRecorded': {
      const d = event.data;
      const fact: Fact = {
        type: 'participation-recorded',
        eventId: event.id,
        participationId: d.participationId,
        activityId: d.activityId,
        occurredAt: d.occurredAt,
        role: d.role,
      };
      if (d.hours !== undefined) fact.hours = d.hours;
      return fact;
    }
    case 'ParticipationVoided':
      return { type: 'participation-voided', participationId: event.data.participationId, eventId: event.id };
    case 'ApplicationSubmitted':
      return { type: 'application-submitted', badgeId: event.data.badgeId, eventId: event.id, at: event.data.submittedAt };
    case 'ApplicationApproved':
      return { type: 'application-approved', badgeId: event.data.badgeId, eventId: event.id, at: event.data.decidedAt };
    case 'ApplicationRejected':
      return { type: 'application-rejected', badgeId: event.data.badgeId, eventId: event.id, at: event.data.decidedAt };
    case 'AwardRevoked':
      // Revocations the `revoke` policy made (cause `support-lost`) are recomputed by the replay; a coordinator's stand,
      // whatever the reason says.
      return event.data.cause === 'support-lost'
        ? undefined
        : { type: 'badge-revoked', badgeId: event.data.badgeId, cause: 'coordinator', eventId: event.id };
    case 'BadgeEarned':
    case 'LevelReached':
    case 'EligibilityReached':
    case 'AwardSupportLost':
    case 'AwardSupportRestored':
    case 'AwardKept':
    case 'CredentialIssued':
      return undefined;
    default: {
      const never: never = event;
      void never;
      return undefined;
    }
  }
}

/** Reads a newline-delimited JSON event file into per-student histories, in file (global position) order. */
export function readEventLog(io: CliIo, file: string): EventLog | undefined {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (e) {
    io.err(`laurel: cannot read ${file}: ${(e as Error).message}\n`);
    fail(io, 2);
    return undefined;
  }
  const byStudent = new Map<string, TimedFact[]>();
  let events = 0;
  let skipped = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let event: StoredEvent;
    try {
      event = JSON.parse(line) as StoredEvent;
    } catch (e) {
      io.err(`${file}:${i + 1}:1 error: not a JSON event: ${(e as Error).message}\n`);
      fail(io, 2);
      return undefined;
    }
    events += 1;
    if (typeof event.stream !== 'string' || !event.stream.startsWith('student-') || typeof event.type !== 'string') {
      skipped += 1;
      continue;
    }
    const fact = factOf(event);
    if (fact === undefined) {
      skipped += 1;
      continue;
    }
    const studentId = event.stream.slice('student-'.length);
    const history = byStudent.get(studentId) ?? [];
    history.push({ fact, at: event.recordedAt });
    byStudent.set(studentId, history);
  }
  const histories = [...byStudent.entries()].map(([studentId, facts]) => ({ studentId, facts }));
  return { histories, events, skipped };
}
