import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { daysAgo, ladder } from './support/ladder';
import { fakeDateOnly } from './support/fake-date';
import { startEngineWithRules } from './support/engine-with-rules';
import { REPO_ROOT, type TestEngine } from './support/test-engine';

const RULES = readFileSync(join(REPO_ROOT, 'rules', 'vilnius-tech.yaml'), 'utf8');
/** META Leadership lasting a year; the examples go, as they do not ask about its expiry. */
const EXPIRING = RULES.replace(
  '  - id: meta-leadership\n    level: meta\n',
  '  - id: meta-leadership\n    level: meta\n    valid-for: 1 year\n',
).replace(/\nexamples:[\s\S]*$/, '\n');
const DAY = 86_400_000;

/**
 * The engine's clock is the process's: `Date` alone is faked (timers, ticks and I/O run as usual) so that a year can
 * pass between two requests. Tokens are minted again after a jump, as theirs would have expired.
 */
describe('badges on application with a validity', () => {
  let engine: TestEngine;
  const start = Date.now() - 800 * DAY;

  beforeAll(async () => {
    fakeDateOnly(start);
    engine = await startEngineWithRules(EXPIRING);
  });
  afterAll(async () => {
    await engine.close();
    jest.useRealTimers();
  });

  it('takes a new application once the award has expired and new participations meet the criteria, and awards the badge again', async () => {
    const student = `s-${randomUUID().slice(0, 8)}`;
    let coordinator = await engine.as('coordinator');
    let asStudent = await engine.as('student', student);
    let drive = ladder(engine, coordinator);
    const apply = () => request(engine.http).post(`/students/${student}/applications`).set(asStudent).send({ badgeId: 'meta-leadership' });
    const approve = async (applicationId: string) => {
      const res = await request(engine.http).post(`/applications/${applicationId}/approve`).set(coordinator).send({}).expect(200);
      await drive.settle(res.body.position);
      await drive.settle(Number(await engine.store.lastPosition()));
    };
    const badge = async () => (await drive.progression(student)).badges.find((b) => b.badgeId === 'meta-leadership');
    // The progression is read at the request's time: the stored document (written at the student's last event) and the
    // explanation alike.
    const explained = async () => {
      const res = await request(engine.http).get(`/students/${student}/progression`).set(coordinator).expect(200);
      return (res.body.explanation.badges as { badgeId: string; status: string }[]).find((b) => b.badgeId === 'meta-leadership');
    };

    // Earned a first time: organised sports, led the mentoring.
    await drive.participate(student, 'basketball-league', daysAgo(60), { role: 'organiser' });
    await drive.participate(student, 'volleyball-tournament', daysAgo(55), { role: 'organiser' });
    await drive.participate(student, 'student-union', daysAgo(45), { role: 'organiser', hours: 10 });
    for (const days of [40, 35, 30]) await drive.participate(student, 'first-year-mentoring', daysAgo(days), { role: 'leader', hours: 12 });
    const first = await apply().expect(201);
    await approve(first.body.applicationId);
    const earned = await badge();
    expect(earned).toMatchObject({ status: 'active' });
    // Held and valid: nothing to apply for, and the answer says until when.
    const held = await apply().expect(409);
    expect(held.body).toMatchObject({ code: 'BADGE_ALREADY_HELD' });
    expect(held.body.message).toMatch(/, valid until \d{4}-\d{2}-\d{2}; apply again once it has expired to renew it$/);

    // Thirteen months on, the award has expired.
    jest.setSystemTime(Date.now() + 395 * DAY);
    coordinator = await engine.as('coordinator');
    asStudent = await engine.as('student', student);
    drive = ladder(engine, coordinator);
    expect(await explained()).toMatchObject({ status: 'expired' });
    // No event came since the award: the stored document read 'active' until one did.
    expect(await badge()).toMatchObject({ status: 'expired', awardId: earned!.awardId });
    // The evidence of the first award does not renew it.
    const early = await apply().expect(409);
    expect(early.body).toMatchObject({ code: 'NOT_ELIGIBLE' });
    expect(early.body.message).toMatch(/renewing it needs new participations after its award on \d{4}-\d{2}-\d{2}/);

    // New activity since: leading twice more and organising a tournament.
    await drive.participate(student, 'volleyball-tournament', daysAgo(20), { role: 'organiser' });
    for (const days of [15, 10]) await drive.participate(student, 'first-year-mentoring', daysAgo(days), { role: 'leader', hours: 12 });
    const renewal = await apply().expect(201);
    expect(renewal.body).toMatchObject({ status: 'pending', badgeId: 'meta-leadership' });
    await approve(renewal.body.applicationId);

    expect(await explained()).toMatchObject({ status: 'held' });
    const renewed = await badge();
    expect(renewed).toMatchObject({ status: 'active', basis: { applicationIds: [renewal.body.applicationId] } });
    expect(renewed!.awardId).not.toBe(earned!.awardId);
    const timeline = await request(engine.http).get(`/students/${student}/timeline`).set(coordinator).expect(200);
    const awards = (timeline.body.events as { type: string; data: { badgeId: string } }[]).filter(
      (e) => e.type === 'BadgeEarned' && e.data.badgeId === 'meta-leadership',
    );
    expect(awards).toHaveLength(2);
  }, 60_000);

  it('refuses to approve an application once the badge has stopped being valid (`valid-until`), saying so, and awards nothing', async () => {
    const student = `s-${randomUUID().slice(0, 8)}`;
    const designer = await engine.as('designer');
    const until = new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10);
    const closing = EXPIRING.replace('    valid-for: 1 year\n', `    valid-until: ${until}\n`);
    await request(engine.http).post('/programs/vilnius-tech/rules').set(designer).set('content-type', 'text/yaml').send(closing).expect(201);
    let coordinator = await engine.as('coordinator');
    let asStudent = await engine.as('student', student);
    let drive = ladder(engine, coordinator);
    await drive.participate(student, 'basketball-league', daysAgo(60), { role: 'organiser' });
    await drive.participate(student, 'volleyball-tournament', daysAgo(55), { role: 'organiser' });
    await drive.participate(student, 'student-union', daysAgo(45), { role: 'organiser', hours: 10 });
    for (const days of [40, 35, 30]) await drive.participate(student, 'first-year-mentoring', daysAgo(days), { role: 'leader', hours: 12 });
    const applied = await request(engine.http)
      .post(`/students/${student}/applications`)
      .set(asStudent)
      .send({ badgeId: 'meta-leadership' })
      .expect(201);
    await drive.settle(applied.body.position);

    // The application waits past the badge's last day.
    jest.setSystemTime(Date.now() + 11 * DAY);
    coordinator = await engine.as('coordinator');
    asStudent = await engine.as('student', student);
    drive = ladder(engine, coordinator);
    const before = await engine.store.lastPosition();
    const refused = await request(engine.http).post(`/applications/${applied.body.applicationId}/approve`).set(coordinator).send({}).expect(409);
    expect(refused.body).toMatchObject({ code: 'BADGE_NO_LONGER_AWARDED' });
    expect(refused.body.message).toBe(
      `application ${applied.body.applicationId} for meta-leadership cannot be approved: «META Leadership» stopped being valid on ${until} (its \`valid-until\`), so it can no longer be awarded. Reject it with a comment saying so; to award the badge after all, publish rules with a later \`valid-until\` for it first`,
    );
    expect(await engine.store.lastPosition()).toBe(before);
    const progression = await request(engine.http).get(`/students/${student}/progression`).set(asStudent).expect(200);
    const explained = (progression.body.explanation.badges as { badgeId: string; missing: { kind: string; text: string }[] }[]).find(
      (b) => b.badgeId === 'meta-leadership',
    );
    expect(explained?.missing).toEqual([
      expect.objectContaining({ kind: 'blocked', text: expect.stringContaining('so it can no longer be awarded') }),
    ]);
    // Neither the student's eligibilities nor the coordinator's review list say an approval would go through.
    expect((progression.body.eligible as { badgeId: string }[]).map((e) => e.badgeId)).not.toContain('meta-leadership');
    const review = await request(engine.http).get('/programs/vilnius-tech/review').set(coordinator).expect(200);
    expect((review.body.applications as { applicationId: string }[]).find((a) => a.applicationId === applied.body.applicationId)).toEqual({
      kind: 'application',
      studentId: student,
      badgeId: 'meta-leadership',
      applicationId: applied.body.applicationId,
      since: expect.any(String),
      eligible: false,
      reason: `«META Leadership» stopped being valid on ${until} (its \`valid-until\`), so it can no longer be awarded: reject it with a comment saying so`,
    });

    // Rejecting it is still possible; applying again is refused with the same reason.
    await request(engine.http)
      .post(`/applications/${applied.body.applicationId}/reject`)
      .set(coordinator)
      .send({ comment: 'the badge is no longer awarded' })
      .expect(200);
    const again = await request(engine.http)
      .post(`/students/${student}/applications`)
      .set(asStudent)
      .send({ badgeId: 'meta-leadership' })
      .expect(409);
    expect(again.body.message).toBe(
      `student ${student} is not eligible for meta-leadership: «META Leadership» stopped being valid on ${until} (its \`valid-until\`), so it can no longer be awarded`,
    );
    await drive.settle(Number(await engine.store.lastPosition()));
    expect((await drive.progression(student)).badges.find((b) => b.badgeId === 'meta-leadership')).toBeUndefined();
  }, 60_000);
});
