import type { StudentEvent } from '../events';
import { DomainError } from '../domain-error';
import { decideSubmitApplication, decideApplicationReview } from './applications';
import { decideKeepAward } from './keep-award';
import { decideRecordParticipation } from './record-participation';
import { decideRevokeAward } from './revoke-award';
import { evolveStudent, initialStudentState, type StudentState } from './student-state';
import { decideVoidParticipation } from './void-participation';

const recorded = {
  participationId: 'p-1',
  studentId: 's-1',
  activityId: 'robotics-club',
  occurredAt: '2026-10-01T10:00:00.000Z',
  role: 'participant' as const,
};

function given(...events: StudentEvent[]): StudentState {
  return events.reduce(
    (s, e, i) => evolveStudent(s, e, { revision: BigInt(i), position: BigInt(100 + i), eventId: `e-${i}` }),
    initialStudentState(),
  );
}

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? err.code : 'not a DomainError';
  }
  return undefined;
};

describe('when recording a participation', () => {
  it('appends ParticipationRecorded for a new id', () => {
    expect(decideRecordParticipation({ type: 'RecordParticipation', data: recorded }, given())).toEqual({
      kind: 'append',
      event: { type: 'ParticipationRecorded', data: recorded },
    });
  });

  it('answers already-recorded with the original position for the same content', () => {
    const decision = decideRecordParticipation(
      { type: 'RecordParticipation', data: { ...recorded } },
      given({ type: 'ParticipationRecorded', data: recorded }),
    );
    expect(decision).toMatchObject({ kind: 'already-recorded', stored: { revision: 0n, position: 100n, eventId: 'e-0' } });
  });

  it('refuses other content under the same id', () => {
    const state = given({ type: 'ParticipationRecorded', data: recorded });
    expect(codeOf(() => decideRecordParticipation({ type: 'RecordParticipation', data: { ...recorded, hours: 2 } }, state))).toBe(
      'PARTICIPATION_CONFLICT',
    );
  });

  it('says to correct it with a void and a new id, since a voided id cannot be recorded again', () => {
    const state = given({ type: 'ParticipationRecorded', data: recorded });
    expect(() => decideRecordParticipation({ type: 'RecordParticipation', data: { ...recorded, hours: 2 } }, state)).toThrow(
      'participation p-1 was already recorded with different details; if those are wrong, void it (DELETE /participations/p-1 with a reason) and record the right ones under a new participationId; if both took place, record this one under a new participationId',
    );
  });

  it('refuses to record a voided participation again under its id, instead of answering that nothing changed', () => {
    const state = given(
      { type: 'ParticipationRecorded', data: recorded },
      { type: 'ParticipationVoided', data: { participationId: 'p-1', studentId: 's-1', reason: 'duplicate', voidedAt: '2026-10-02T00:00:00Z' } },
    );
    expect(codeOf(() => decideRecordParticipation({ type: 'RecordParticipation', data: { ...recorded } }, state))).toBe(
      'PARTICIPATION_ALREADY_VOIDED',
    );
  });
});

describe('when voiding a participation', () => {
  const command = {
    type: 'VoidParticipation' as const,
    data: { participationId: 'p-1', studentId: 's-1', reason: 'duplicate', voidedAt: '2026-10-02T00:00:00Z' },
  };

  it('voids a recorded one', () => {
    expect(decideVoidParticipation(command, given({ type: 'ParticipationRecorded', data: recorded }))).toMatchObject({ type: 'ParticipationVoided' });
  });

  it('refuses an unknown or already void one', () => {
    expect(codeOf(() => decideVoidParticipation(command, given()))).toBe('PARTICIPATION_NOT_FOUND');
    const voided = given({ type: 'ParticipationRecorded', data: recorded }, { type: 'ParticipationVoided', data: command.data });
    expect(codeOf(() => decideVoidParticipation({ ...command, data: { ...command.data, reason: 'another' } }, voided))).toBe(
      'PARTICIPATION_ALREADY_VOIDED',
    );
  });

  it('answers the same void sent again with the one recorded', () => {
    const voided = given({ type: 'ParticipationRecorded', data: recorded }, { type: 'ParticipationVoided', data: command.data });
    const again = decideVoidParticipation({ ...command, data: { ...command.data, voidedAt: '2026-10-03T00:00:00Z' } }, voided);
    expect(again).toMatchObject({ already: { type: 'ParticipationVoided', data: command.data } });
  });
});

describe('when applying for a badge', () => {
  const data = { applicationId: 'a-1', studentId: 's-1', programId: 'vt', badgeId: 'meta', submittedAt: '2026-10-03T00:00:00Z' };

  it('submits when eligible', () => {
    expect(decideSubmitApplication({ type: 'SubmitApplication', data, eligibility: { eligible: true } }, given()).type).toBe('ApplicationSubmitted');
  });

  it('refuses when not eligible, carrying the explanation', () => {
    try {
      decideSubmitApplication(
        { type: 'SubmitApplication', data, eligibility: { eligible: false, message: 'needs 2 more', explanation: { missing: 2 } } },
        given(),
      );
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).details).toEqual({ explanation: { missing: 2 } });
    }
  });

  it('refuses a second pending application for the same badge', () => {
    const state = given({ type: 'ApplicationSubmitted', data });
    expect(
      codeOf(() =>
        decideSubmitApplication({ type: 'SubmitApplication', data: { ...data, applicationId: 'a-2' }, eligibility: { eligible: true } }, state),
      ),
    ).toBe('APPLICATION_PENDING');
  });

  describe('when the badge was awarded before', () => {
    const earned = (expiresAt?: string): StudentEvent => ({
      type: 'BadgeEarned',
      data: {
        awardId: 'aw-1',
        studentId: 's-1',
        programId: 'vt',
        badgeId: 'meta',
        earnedAt: '2025-10-05T00:00:00Z',
        ...(expiresAt && { expiresAt }),
        ruleSetHash: 'h',
        ruleSetVersion: 1,
        basis: [],
      },
    });
    const renew = (submittedAt: string) => ({
      type: 'SubmitApplication' as const,
      data: { ...data, submittedAt },
      eligibility: { eligible: true as const },
    });

    it('refuses while the award is valid, saying until when', () => {
      expect(codeOf(() => decideSubmitApplication(renew('2026-10-03T00:00:00Z'), given(earned())))).toBe('BADGE_ALREADY_HELD');
      expect(() => decideSubmitApplication(renew('2026-10-03T00:00:00Z'), given(earned('2026-10-05T00:00:00Z')))).toThrow(
        'student s-1 already holds meta (award aw-1), valid until 2026-10-05; apply again once it has expired to renew it',
      );
    });

    it('submits a renewal once the award has expired', () => {
      expect(decideSubmitApplication(renew('2026-10-05T00:00:00Z'), given(earned('2026-10-05T00:00:00Z')))).toEqual({
        type: 'ApplicationSubmitted',
        data: { ...data, submittedAt: '2026-10-05T00:00:00Z' },
      });
    });

    it('refuses a renewal the rule set finds the student not eligible for (only participations after the award count)', () => {
      const refused = {
        ...renew('2026-11-01T00:00:00Z'),
        eligibility: { eligible: false as const, message: 'renewing it needs new participations', explanation: {} },
      };
      expect(codeOf(() => decideSubmitApplication(refused, given(earned('2026-10-05T00:00:00Z'))))).toBe('NOT_ELIGIBLE');
    });
  });

  it('approves once and refuses a second decision', () => {
    const state = given({ type: 'ApplicationSubmitted', data });
    const review = { type: 'ApproveApplication' as const, data: { applicationId: 'a-1', studentId: 's-1', decidedAt: '2026-10-04T00:00:00Z' } };
    const approved = decideApplicationReview(review, state);
    expect(approved).toMatchObject({ type: 'ApplicationApproved', data: { badgeId: 'meta', programId: 'vt' } });
    evolveStudent(state, approved as StudentEvent, { revision: 1n, position: 200n, eventId: 'e-x' });
    expect(codeOf(() => decideApplicationReview({ ...review, type: 'RejectApplication' }, state))).toBe('APPLICATION_ALREADY_DECIDED');
  });

  it('answers the same decision sent again with the one recorded, and refuses it with another comment', () => {
    const state = given({ type: 'ApplicationSubmitted', data });
    const review = {
      type: 'RejectApplication' as const,
      data: { applicationId: 'a-1', studentId: 's-1', decidedAt: '2026-10-04T00:00:00Z', comment: 'too early' },
    };
    const rejected = decideApplicationReview(review, state);
    evolveStudent(state, rejected as StudentEvent, { revision: 1n, position: 200n, eventId: 'e-x' });
    const again = decideApplicationReview({ ...review, data: { ...review.data, decidedAt: '2026-10-05T00:00:00Z' } }, state);
    expect(again).toEqual({ already: rejected, stored: { revision: 1n, position: 200n, eventId: 'e-x' } });
    expect(codeOf(() => decideApplicationReview({ ...review, data: { ...review.data, comment: 'no' } }, state))).toBe('APPLICATION_ALREADY_DECIDED');
  });
});

describe('when revoking an award', () => {
  const earned: StudentEvent = {
    type: 'BadgeEarned',
    data: {
      awardId: 'aw-1',
      studentId: 's-1',
      programId: 'vt',
      badgeId: 'meta',
      earnedAt: '2026-10-05T00:00:00Z',
      ruleSetHash: 'h',
      ruleSetVersion: 1,
      basis: [],
    },
  };
  const command = {
    type: 'RevokeAward' as const,
    data: { studentId: 's-1', programId: 'vt', badgeId: 'meta', reason: 'fraud', revokedAt: '2026-10-06T00:00:00Z' },
  };

  it('revokes a held award, naming it', () => {
    expect(decideRevokeAward(command, given(earned))).toMatchObject({ data: { awardId: 'aw-1' } });
  });

  it('refuses a badge not held, or already revoked', () => {
    expect(codeOf(() => decideRevokeAward(command, given({ type: 'ParticipationRecorded', data: recorded })))).toBe('AWARD_NOT_FOUND');
    const revoked = given(earned, { type: 'AwardRevoked', data: { ...command.data, awardId: 'aw-1' } });
    expect(codeOf(() => decideRevokeAward({ ...command, data: { ...command.data, reason: 'another' } }, revoked))).toBe('AWARD_ALREADY_REVOKED');
    expect(decideRevokeAward(command, revoked)).toMatchObject({ already: { type: 'AwardRevoked', data: { awardId: 'aw-1', reason: 'fraud' } } });
  });

  it('says a student with no events at all is unknown, most likely a mistyped id, where it said the student does not hold the badge', () => {
    const keep = {
      type: 'KeepAward' as const,
      data: { studentId: 's-1', programId: 'vt', badgeId: 'meta', reason: 'checked', keptAt: '2026-10-06T00:00:00Z' },
    };
    for (const decide of [() => decideRevokeAward(command, given()), () => decideKeepAward(keep, given())]) {
      expect(decide).toThrow(new DomainError('STUDENT_NOT_FOUND', 'no events are recorded for student s-1; check the id'));
    }
    expect(() => decideKeepAward(keep, given({ type: 'ParticipationRecorded', data: recorded }))).toThrow(
      new DomainError('AWARD_NOT_FOUND', 'student s-1 does not hold meta; GET /students/s-1/progression lists the badges they hold'),
    );
  });

  it("revokes a named award only while it is the badge's current one (revocation by credential)", () => {
    const renewed: StudentEvent = { ...earned, data: { ...earned.data, awardId: 'aw-2', earnedAt: '2027-10-05T00:00:00Z' } };
    expect(decideRevokeAward({ ...command, awardId: 'aw-1' }, given(earned))).toMatchObject({ data: { awardId: 'aw-1' } });
    expect(codeOf(() => decideRevokeAward({ ...command, awardId: 'aw-1' }, given(earned, renewed)))).toBe('AWARD_SUPERSEDED');
    expect(decideRevokeAward({ ...command, awardId: 'aw-2' }, given(earned, renewed))).toMatchObject({ data: { awardId: 'aw-2' } });
  });
});
