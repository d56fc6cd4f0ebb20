import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { daysAgo, ladder } from './support/ladder';
import { REPO_ROOT, startTestEngine, type TestEngine } from './support/test-engine';

type Review = {
  programId: string;
  applications: { kind: string; studentId: string; badgeId: string; applicationId: string; since: string }[];
  flaggedAwards: { kind: string; studentId: string; badgeId: string; awardId: string; since: string; cause: string }[];
};

describe("a coordinator's review list", () => {
  let engine: TestEngine;
  let coordinator: Record<string, string>;

  beforeAll(async () => {
    engine = await startTestEngine({ modules: [WorkerModule.forRoot()] });
    coordinator = await engine.as('coordinator', 'coordinator-1');
  });
  afterAll(() => engine.close());

  const review = async (): Promise<Review> =>
    (await request(engine.http).get('/programs/vilnius-tech/review').set(coordinator).expect(200)).body as Review;

  /** A new student with five organiser/leader participations in two categories, who applied for META Leadership (policy "flag"). */
  const appliedForMetaLeadership = async () => {
    const drive = ladder(engine, coordinator);
    const student = `s-${randomUUID().slice(0, 8)}`;
    const asStudent = await engine.as('student', student);
    const basketball = await drive.participate(student, 'basketball-league', daysAgo(60), { role: 'organiser' });
    await drive.participate(student, 'volleyball-tournament', daysAgo(55), { role: 'organiser' });
    await drive.participate(student, 'student-union', daysAgo(45), { role: 'organiser', hours: 10 });
    const mentoring = [
      await drive.participate(student, 'first-year-mentoring', daysAgo(40), { role: 'leader', hours: 12 }),
      await drive.participate(student, 'first-year-mentoring', daysAgo(35), { role: 'leader', hours: 12 }),
      await drive.participate(student, 'first-year-mentoring', daysAgo(30), { role: 'leader', hours: 12 }),
    ];
    const applied = await request(engine.http)
      .post(`/students/${student}/applications`)
      .set(asStudent)
      .send({ badgeId: 'meta-leadership' })
      .expect(201);
    return { drive, student, asStudent, basketball, mentoring, applied };
  };

  it('lists an application until it is decided, and an award flagged after its support was voided until it is kept', async () => {
    const { drive, student, asStudent, basketball, mentoring, applied } = await appliedForMetaLeadership();
    await drive.settle(applied.body.position);
    expect((await review()).applications).toContainEqual({
      kind: 'application',
      studentId: student,
      badgeId: 'meta-leadership',
      applicationId: applied.body.applicationId,
      since: expect.any(String),
      eligible: true,
    });
    await request(engine.http).get('/programs/vilnius-tech/review').set(asStudent).expect(403);

    const approved = await request(engine.http).post(`/applications/${applied.body.applicationId}/approve`).set(coordinator).send({}).expect(200);
    await drive.settle(approved.body.position);
    await drive.settle(Number(await engine.store.lastPosition()));
    const mine = (r: Review) => [...r.applications, ...r.flaggedAwards].filter((i) => i.studentId === student);
    expect(mine(await review())).toEqual([]);
    // Nothing flagged yet: keeping is refused, saying where flagged awards are listed.
    const early = await request(engine.http)
      .post(`/students/${student}/awards/meta-leadership/keep`)
      .set(coordinator)
      .send({ reason: 'checked' })
      .expect(409);
    expect(early.body.code).toBe('AWARD_NOT_FLAGGED');
    expect(early.body.message).toMatch(/GET \/programs\/vilnius-tech\/review/);

    // The basketball and the mentoring turn out to be someone else's: the award loses its support and, by policy, waits for review.
    // (The award rested on the basketball; once it is voided, it rests on the mentoring instead, and their voids are noticed.)
    for (const id of [basketball, ...mentoring]) {
      await request(engine.http).delete(`/participations/${id}`).set(coordinator).send({ reason: 'recorded for the wrong student' }).expect(200);
    }
    await drive.settle(Number(await engine.store.lastPosition()));
    const flagged = (await drive.progression(student)).badges.find((b) => b.badgeId === 'meta-leadership') as unknown as {
      status: string;
      awardId: string;
      flag?: { cause: string; since: string };
    };
    expect(flagged.status).toBe('flagged');
    expect(flagged.flag?.cause).toEqual(expect.any(String));
    expect((await review()).flaggedAwards).toContainEqual({
      kind: 'flagged-award',
      studentId: student,
      badgeId: 'meta-leadership',
      awardId: flagged.awardId,
      since: flagged.flag!.since,
      cause: flagged.flag!.cause,
    });

    // The coordinator checks with the organisers and keeps it; a retry answers the same and records nothing.
    await request(engine.http).post(`/students/${student}/awards/meta-leadership/keep`).set(asStudent).send({ reason: 'mine' }).expect(403);
    await request(engine.http).post(`/students/${student}/awards/meta-leadership/keep`).set(coordinator).send({}).expect(400);
    const kept = await request(engine.http)
      .post(`/students/${student}/awards/meta-leadership/keep`)
      .set(coordinator)
      .send({ reason: 'led the mentoring under another programme' })
      .expect(200);
    expect(kept.body).toMatchObject({ awardId: flagged.awardId, status: 'active', repeated: false });
    const retried = await request(engine.http)
      .post(`/students/${student}/awards/meta-leadership/keep`)
      .set(coordinator)
      .send({ reason: 'led the mentoring under another programme' })
      .expect(200);
    expect(retried.body).toEqual({ ...kept.body, repeated: true });
    await drive.settle(kept.body.position);
    expect((await drive.progression(student)).badges.find((b) => b.badgeId === 'meta-leadership')?.status).toBe('active');
    expect(mine(await review())).toEqual([]);
    const timeline = await request(engine.http).get(`/students/${student}/timeline`).set(coordinator).expect(200);
    expect(timeline.body.events.filter((e: { type: string }) => e.type === 'AwardKept')).toHaveLength(1);

    // Revoked after all: applying again is refused, saying so plainly (no "yet", no "awarded automatically").
    const revoked = await request(engine.http)
      .post(`/students/${student}/awards/meta-leadership/revoke`)
      .set(coordinator)
      .send({ reason: 'did not lead' })
      .expect(200);
    await drive.settle(revoked.body.position);
    const again = await request(engine.http)
      .post(`/students/${student}/applications`)
      .set(asStudent)
      .send({ badgeId: 'meta-leadership' })
      .expect(409);
    expect(again.body.message).toBe(
      `student ${student} is not eligible for meta-leadership: «META Leadership» was revoked by a coordinator; a new application for it is not taken`,
    );
  }, 30_000);

  it('clears the flag when the voided participation is recorded again, and flags the award again when that is voided: each time recorded', async () => {
    const { drive, student, basketball, mentoring, applied } = await appliedForMetaLeadership();
    await drive.settle(applied.body.position);
    const approved = await request(engine.http).post(`/applications/${applied.body.applicationId}/approve`).set(coordinator).send({}).expect(200);
    await drive.settle(approved.body.position);
    const status = async () => (await drive.progression(student)).badges.find((b) => b.badgeId === 'meta-leadership')?.status;
    const mine = async () => (await review()).flaggedAwards.filter((i) => i.studentId === student);
    const voidIt = async (id: string) => {
      const res = await request(engine.http).delete(`/participations/${id}`).set(coordinator).send({ reason: 'recorded by mistake' }).expect(200);
      await drive.settle(Number(await engine.store.lastPosition()));
      return res;
    };

    for (const id of [basketball, ...mentoring]) await voidIt(id);
    expect(await status()).toBe('flagged');
    expect(await mine()).toHaveLength(1);

    // One void was a mistake: that mentoring is recorded again, as it took place.
    const again = await drive.participate(student, 'first-year-mentoring', daysAgo(40), { role: 'leader', hours: 12 });
    await drive.settle(Number(await engine.store.lastPosition()));
    expect(await status()).toBe('active');
    expect(await mine()).toEqual([]);
    const kept = await request(engine.http)
      .post(`/students/${student}/awards/meta-leadership/keep`)
      .set(coordinator)
      .send({ reason: 'checked' })
      .expect(409);
    expect(kept.body).toMatchObject({
      code: 'AWARD_NOT_FLAGGED',
      message: expect.stringMatching(/its support came back on \d{4}-.*: it meets the criteria again/),
    });

    await voidIt(again);
    expect(await status()).toBe('flagged');
    expect(await mine()).toHaveLength(1);
    const timeline = await request(engine.http).get(`/students/${student}/timeline`).set(coordinator).expect(200);
    const support = (timeline.body.events as { type: string; data: { badgeId: string; cause: string } }[]).filter(
      (e) => e.type.startsWith('AwardSupport') && e.data.badgeId === 'meta-leadership',
    );
    expect(support.map((e) => e.type)).toEqual(['AwardSupportLost', 'AwardSupportRestored', 'AwardSupportLost']);
    expect(support[0]!.data.cause).toMatch(
      /^«META Leadership» \(awarded \d{4}-\d{2}-\d{2}\) no longer meets its criteria as of its award date: .* \(\d of \d by then\)/,
    );
    expect(support[1]!.data.cause).toMatch(/^«META Leadership» \(awarded \d{4}-\d{2}-\d{2}\) meets its criteria again as of its award date: /);

    // A rebuild from the log ends with the same events and the same flag.
    const before = await engine.store.lastPosition();
    await request(engine.http)
      .post('/admin/projections/rebuild')
      .set(await engine.as('admin'))
      .expect((r) => expect(r.status).toBeLessThan(300));
    await drive.settle(Number(await engine.store.lastPosition()));
    expect(await engine.store.lastPosition()).toBe(before);
    expect(await status()).toBe('flagged');
  }, 30_000);

  it('says in the rule preview which waiting applications publishing a stricter badge would leave to be refused', async () => {
    const { drive, student, applied } = await appliedForMetaLeadership();
    await drive.settle(applied.body.position);
    const rules = readFileSync(join(REPO_ROOT, 'rules', 'vilnius-tech.yaml'), 'utf8');
    const stricter = rules
      .replace(
        'participations: { at-least: 3, roles: [organiser, leader], within: { last-months: 24 } }',
        'participations: { at-least: 9, roles: [organiser, leader], within: { last-months: 24 } }',
      )
      .replace(/\nexamples:[\s\S]*$/, '\n');
    const preview = await request(engine.http)
      .post('/programs/vilnius-tech/rules/preview')
      .set(await engine.as('designer'))
      .set('content-type', 'text/yaml')
      .send(stricter)
      .expect(200);
    expect(preview.body.onPublish.applicationsRefused).toEqual([{ id: 'meta-leadership', students: expect.arrayContaining([student]) }]);
    // The same rules again leave it as it is.
    const same = await request(engine.http)
      .post('/programs/vilnius-tech/rules/preview')
      .set(await engine.as('designer'))
      .set('content-type', 'text/yaml')
      .send(rules)
      .expect(200);
    expect(same.body.onPublish.applicationsRefused).toEqual([]);
  }, 30_000);
});
