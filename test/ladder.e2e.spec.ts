import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { daysAgo, ladder } from './support/ladder';
import { startTestEngine, type TestEngine } from './support/test-engine';

const held = (p: { badges: { badgeId: string; status: string }[] }) =>
  p.badges
    .filter((b) => b.status === 'active')
    .map((b) => b.badgeId)
    .sort();

describe('when a student climbs participation -> activity -> META -> UBER through the API', () => {
  let engine: TestEngine;
  let coordinator: Record<string, string>;
  const student = `s-${randomUUID().slice(0, 8)}`;
  const other = `s-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    engine = await startTestEngine({ modules: [WorkerModule.forRoot()] });
    coordinator = await engine.as('coordinator', 'coordinator-1');
  });
  afterAll(() => engine.close());

  it('lets a rejected student apply again, and refuses to approve once the facts behind the eligibility are voided', async () => {
    const drive = ladder(engine, coordinator);
    const third = `s-${randomUUID().slice(0, 8)}`;
    const asThird = await engine.as('student', third);
    const apply = (badgeId: string) => request(engine.http).post(`/students/${third}/applications`).set(asThird).send({ badgeId });
    const basketball = await drive.participate(third, 'basketball-league', daysAgo(60), { role: 'organiser' });
    const volleyball = await drive.participate(third, 'volleyball-tournament', daysAgo(55), { role: 'organiser' });
    await drive.participate(third, 'food-bank', daysAgo(50), { role: 'volunteer', hours: 12 });
    await drive.participate(third, 'student-union', daysAgo(45), { role: 'organiser', hours: 10 });
    const mentoring = [
      await drive.participate(third, 'first-year-mentoring', daysAgo(40), { role: 'leader', hours: 12 }),
      await drive.participate(third, 'first-year-mentoring', daysAgo(35), { role: 'leader', hours: 12 }),
    ];
    expect((await drive.progression(third)).eligible.map((e) => e.badgeId).sort()).toEqual(['meta-community', 'meta-leadership']);

    // Rejected, the student still meets the criteria: they may apply again, and this time it is approved.
    const first = await apply('meta-community').expect(201);
    await request(engine.http).post(`/applications/${first.body.applicationId}/reject`).set(coordinator).send({ comment: 'add a statement' }).expect(200);
    const second = await apply('meta-community').expect(201);
    expect(second.body.applicationId).not.toBe(first.body.applicationId);
    const approved = await request(engine.http).post(`/applications/${second.body.applicationId}/approve`).set(coordinator).send({}).expect(200);
    await drive.settle(approved.body.position);
    expect(held(await drive.progression(third))).toContain('meta-community');

    // Applied for META Leadership, then four of the five organiser/leader participations turn out wrong: no approval.
    const leadership = await apply('meta-leadership').expect(201);
    for (const id of [basketball, volleyball, ...mentoring]) {
      await request(engine.http).delete(`/participations/${id}`).set(coordinator).send({ reason: 'recorded for the wrong student' }).expect(200);
    }
    // The coordinator's review list says so before anyone tries to approve it.
    await drive.settle(Number(await engine.store.lastPosition()));
    const review = await request(engine.http).get('/programs/vilnius-tech/review').set(coordinator).expect(200);
    expect(review.body.applications).toContainEqual(expect.objectContaining({ applicationId: leadership.body.applicationId, eligible: false }));
    const refused = await request(engine.http).post(`/applications/${leadership.body.applicationId}/approve`).set(coordinator).send({}).expect(409);
    expect(refused.body.code).toBe('NOT_ELIGIBLE');
    expect(refused.body.message).toMatch(/no longer meets the criteria for meta-leadership: .* \(missing now: [^)]*organiser or leader[^)]*\)/);
    // It says what the student lacks, not the student's own "wait for a coordinator" step.
    expect(refused.body.message).not.toMatch(/wait for a coordinator/);
    await request(engine.http).post(`/applications/${leadership.body.applicationId}/reject`).set(coordinator).send({ comment: 'not enough evidence' }).expect(200);
    await drive.settle(Number(await engine.store.lastPosition()));
    const after = await drive.progression(third);
    expect(held(after)).not.toContain('meta-leadership');
    expect(after.applications.find((a) => a.applicationId === leadership.body.applicationId)?.status).toBe('rejected');
    // The eligibility those participations gave is no longer listed, and a new application is refused saying what is missing.
    expect(after.eligible.map((e) => e.badgeId)).not.toContain('meta-leadership');
    const again = await apply('meta-leadership').expect(409);
    expect(again.body.code).toBe('NOT_ELIGIBLE');
    expect(again.body.message).toMatch(/not eligible for meta-leadership yet: .+/);
  });

  it('reaches each level, is refused META until eligible, and earns it on approval', async () => {
    const drive = ladder(engine, coordinator);
    const asStudent = await engine.as('student', student);

    await drive.participate(other, 'photo-club', daysAgo(70));
    const otherBefore = await drive.progression(other);

    // Participation level: any participation.
    const basketball = await drive.participate(student, 'basketball-league', daysAgo(60), { role: 'organiser' });
    expect((await drive.progression(student)).level?.levelId).toBe('participation');

    // Two participation badges (sports, volunteering) unlock the activity level; activity badges follow.
    const volleyball = await drive.participate(student, 'volleyball-tournament', daysAgo(55), { role: 'organiser' });
    await drive.participate(student, 'food-bank', daysAgo(50), { role: 'volunteer', hours: 12 });
    const foodBank = await drive.participate(student, 'student-union', daysAgo(45), { role: 'organiser', hours: 10 });
    let p = await drive.progression(student, asStudent);
    expect(p.level?.levelId).toBe('activity');
    expect(held(p)).toEqual(['active-volunteer', 'sports-organiser', 'sports-participant', 'volunteering-participant']);
    // An award names what it rests on by the participation ids the coordinator recorded, not by event ids.
    expect(p.badges.find((b) => b.badgeId === 'sports-participant')?.basis).toEqual({
      participationIds: expect.arrayContaining([basketball, volleyball]),
      awardIds: [],
      applicationIds: [],
    });

    // META is application-gated: applying before the META level is refused with what is missing.
    const early = await request(engine.http)
      .post(`/students/${student}/applications`)
      .set(asStudent)
      .send({ badgeId: 'meta-leadership' })
      .expect(409);
    expect(early.body.code).toBe('NOT_ELIGIBLE');
    expect(early.body.message).toMatch(/not eligible for meta-leadership/);
    expect(early.body.explanation.missing.length).toBeGreaterThan(0);

    const mentoring = [
      await drive.participate(student, 'first-year-mentoring', daysAgo(40), { role: 'leader', hours: 12 }),
      await drive.participate(student, 'first-year-mentoring', daysAgo(35), { role: 'leader', hours: 12 }),
    ];
    p = await drive.progression(student, asStudent);
    expect(p.level?.levelId).toBe('meta');
    expect(p.eligible.map((e) => e.badgeId).sort()).toEqual(['meta-community', 'meta-leadership']);

    // The student applies; a coordinator approves; the badge is awarded.
    const applied = await request(engine.http)
      .post(`/students/${student}/applications`)
      .set(asStudent)
      .send({ badgeId: 'meta-leadership' })
      .expect(201);
    expect(applied.body.status).toBe('pending');
    const approved = await request(engine.http)
      .post(`/applications/${applied.body.applicationId}/approve`)
      .set(coordinator)
      .send({ comment: 'well documented' })
      .expect(200);
    await drive.settle(approved.body.position);
    // A retried approval answers as the first did and records nothing; a different decision is refused.
    const retried = await request(engine.http)
      .post(`/applications/${applied.body.applicationId}/approve`)
      .set(coordinator)
      .send({ comment: 'well documented' })
      .expect(200);
    expect(retried.body).toEqual({ ...approved.body, repeated: true });
    expect(approved.body.repeated).toBe(false);
    const reversed = await request(engine.http).post(`/applications/${applied.body.applicationId}/reject`).set(coordinator).send({ comment: 'changed my mind' }).expect(409);
    expect(reversed.body.code).toBe('APPLICATION_ALREADY_DECIDED');
    expect(reversed.body.detail ?? reversed.body.message).toMatch(/already approved on .*a decision is final/);
    p = await drive.progression(student, asStudent);
    expect(held(p)).toContain('meta-leadership');
    expect(p.applications).toEqual([expect.objectContaining({ applicationId: applied.body.applicationId, status: 'approved' })]);
    // Three times organiser or leader: participations of those roles, and the approval.
    const leadership = p.badges.find((b) => b.badgeId === 'meta-leadership')?.basis;
    const led: string[] = [basketball, volleyball, foodBank, ...mentoring];
    expect(leadership?.participationIds.length).toBeGreaterThanOrEqual(3);
    expect(leadership?.participationIds.filter((id) => !led.includes(id))).toEqual([]);
    expect(leadership).toMatchObject({ awardIds: [], applicationIds: [applied.body.applicationId] });

    // A second META badge opens UBER; UBER also needs five competencies.
    const community = await request(engine.http)
      .post(`/students/${student}/applications`)
      .set(asStudent)
      .send({ badgeId: 'meta-community' })
      .expect(201);
    const decided = await request(engine.http).post(`/applications/${community.body.applicationId}/approve`).set(coordinator).send({}).expect(200);
    await drive.settle(decided.body.position);
    p = await drive.progression(student, asStudent);
    expect(p.level?.levelId).toBe('uber');
    const refused = await request(engine.http).post(`/students/${student}/applications`).set(asStudent).send({ badgeId: 'uber-laurel' }).expect(409);
    expect(refused.body.message).toMatch(/competenc/i);

    await drive.participate(student, 'robotics-club', daysAgo(30));
    const uber = await request(engine.http).post(`/students/${student}/applications`).set(asStudent).send({ badgeId: 'uber-laurel' }).expect(201);
    const top = await request(engine.http).post(`/applications/${uber.body.applicationId}/approve`).set(coordinator).send({}).expect(200);
    await drive.settle(top.body.position);
    p = await drive.progression(student, asStudent);
    expect(held(p)).toEqual([
      'active-volunteer',
      'explorer',
      'mentor',
      'meta-community',
      'meta-leadership',
      'sports-organiser',
      'sports-participant',
      'uber-laurel',
      'volunteering-participant',
    ]);
    expect(p.level?.levelId).toBe('uber');
    // UBER rests on the two META awards, named by their award ids.
    const awardOf = (badgeId: string) => p.badges.find((b) => b.badgeId === badgeId)?.awardId;
    expect(p.badges.find((b) => b.badgeId === 'uber-laurel')?.basis).toMatchObject({
      awardIds: expect.arrayContaining([awardOf('meta-community'), awardOf('meta-leadership')]),
      applicationIds: [uber.body.applicationId],
    });

    // A voided participation re-evaluates: META Community loses support and is flagged for review (its declared policy).
    const voided = await request(engine.http)
      .delete(`/participations/${foodBank}`)
      .set(coordinator)
      .send({ reason: 'recorded twice by mistake' })
      .expect(200);
    await drive.settle(voided.body.position);
    p = await drive.progression(student, asStudent);
    expect(p.badges.find((b) => b.badgeId === 'meta-community')?.status).toBe('flagged');
    expect(held(p)).not.toContain('meta-community');
    const timeline = await request(engine.http).get(`/students/${student}/timeline`).set(coordinator).expect(200);
    const lost = timeline.body.events.filter((e: { type: string }) => e.type === 'AwardSupportLost');
    expect(lost).toEqual([expect.objectContaining({ data: expect.objectContaining({ badgeId: 'meta-community', policy: 'flag' }) })]);
    // Each badge was earned exactly once.
    const earned = timeline.body.events
      .filter((e: { type: string }) => e.type === 'BadgeEarned')
      .map((e: { data: { badgeId: string } }) => e.data.badgeId);
    expect(earned.length).toBe(new Set(earned).size);

    // The other student's progression is untouched.
    const standing = ({
      level,
      levels,
      badges,
      eligible,
      applications,
      position,
    }: Awaited<ReturnType<typeof drive.progression>> & { position?: string }) => ({
      level,
      levels,
      badges,
      eligible,
      applications,
      position,
    });
    expect(standing(await drive.progression(other))).toEqual(standing(otherBefore));
    expect(otherBefore.level?.levelId).toBe('participation');
  }, 60_000);
});
