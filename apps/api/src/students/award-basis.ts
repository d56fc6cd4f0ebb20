import type { RecordedEvent } from '@laurel/event-store';
import type { ApplicationApproved, BadgeEarned, ParticipationRecorded, ProgressionBadge } from '@laurel/progression';

/** What an award rests on, by the ids students and coordinators know (a `BadgeEarned` event names the events instead). */
export interface AwardBasis {
  /** The participations that met the badge's criteria, by the `participationId` they were recorded with. */
  participationIds: string[];
  /** The badges it builds on (a META badge's activity badges), by award id. */
  awardIds: string[];
  /** The approved application, for an application-gated badge. */
  applicationIds: string[];
}

/** A badge of the progression with its {@link AwardBasis}. */
export type ProgressionBadgeView = Omit<ProgressionBadge, 'basis'> & { basis: AwardBasis };

/**
 * The progression's badges with each award's basis told by participation,
 * award and application ids, read from the student's `events` (the rule
 * state and the stored awards name the events, whose ids no one outside the
 * log knows). The read model keeps the event ids: translating here costs
 * nothing, as the query reads the stream anyway.
 *
 * @example
 * withAwardBasis(doc.badges, events)[0].basis // { participationIds: ['3f0c6a52-...', ...], awardIds: [], applicationIds: [] }
 */
export function withAwardBasis(badges: readonly ProgressionBadge[], events: readonly RecordedEvent[]): ProgressionBadgeView[] {
  const wanted = new Set(badges.flatMap((b) => b.basis));
  const named = new Map<string, [keyof AwardBasis, string]>();
  for (const e of events) {
    if (!wanted.has(e.id)) continue;
    if (e.type === 'ParticipationRecorded') named.set(e.id, ['participationIds', (e.data as ParticipationRecorded['data']).participationId]);
    else if (e.type === 'BadgeEarned') named.set(e.id, ['awardIds', (e.data as BadgeEarned['data']).awardId]);
    else if (e.type === 'ApplicationApproved') named.set(e.id, ['applicationIds', (e.data as ApplicationApproved['data']).applicationId]);
  }
  return badges.map((badge) => {
    const basis: AwardBasis = { participationIds: [], awardIds: [], applicationIds: [] };
    for (const id of badge.basis) {
      const found = named.get(id);
      if (found) basis[found[0]].push(found[1]);
    }
    return { ...badge, basis };
  });
}
