import { factOf, type StoredEvent } from './event-log';

const revoked = (reason: string, cause?: 'coordinator' | 'support-lost'): StoredEvent => ({
  id: '7d0b98b4-5fc2-5449-afcc-d7dec4ad3566',
  stream: 'student-20231234',
  type: 'AwardRevoked',
  recordedAt: '2026-11-24T10:00:00.000Z',
  data: {
    awardId: '384e63ee-f9b7-58f9-90bb-94e5598b3862',
    studentId: '20231234',
    programId: 'vilnius-tech',
    badgeId: 'sports-organiser',
    reason,
    revokedAt: '2026-11-24T10:00:00.000Z',
    ...(cause && { cause }),
  },
});

describe('when an event file holds an award revocation', () => {
  it('replays a revocation the revoke policy made (cause support-lost) rather than reading it as a coordinator stand', () => {
    const event = revoked('rule file policy "revoke": As of the award on 2026-11-24, no longer met: at least 3 participations', 'support-lost');
    expect(factOf(event)).toBeUndefined();
  });

  it("keeps a coordinator's revocation whose reason happens to mention support", () => {
    expect(factOf(revoked('no supporting documents were handed in', 'coordinator'))).toEqual({
      type: 'badge-revoked',
      badgeId: 'sports-organiser',
      cause: 'coordinator',
      eventId: '7d0b98b4-5fc2-5449-afcc-d7dec4ad3566',
    });
    expect(factOf(revoked('no supporting documents were handed in'))).toMatchObject({ type: 'badge-revoked', cause: 'coordinator' });
  });
});
