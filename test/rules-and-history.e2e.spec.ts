import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { daysAgo, ladder } from './support/ladder';
import { REPO_ROOT, startTestEngine, type TestEngine } from './support/test-engine';

const RULES = readFileSync(join(REPO_ROOT, 'rules', 'vilnius-tech.yaml'), 'utf8');
/** The same program with the sports participation badge asking for three sports activities instead of two. */
/** Sports needs a third participation; the examples that relied on two go, as a designer making this change would update them. */
const STRICTER = RULES.replace('participations: { at-least: 2, category: sports }', 'participations: { at-least: 3, category: sports }').replace(
  /\nexamples:[\s\S]*$/,
  '\n',
);
/** The same rules, with sports participants also asked for `at-least: 0` art participations: always true, so the checks warn and nothing else changes. */
const WARNED = RULES.replace(
  'participations: { at-least: 2, category: sports }\n',
  'participations: { at-least: 2, category: sports }\n      all:\n        - participations: { at-least: 0, category: art }\n',
);
/** Where the checks point for `at-least: 0` in WARNED: at its value. */
const WARNED_LINE = WARNED.split('\n').findIndex((l) => l.includes('at-least: 0')) + 1;
const WARNED_COLUMN = WARNED.split('\n')[WARNED_LINE - 1]!.indexOf('at-least: 0') + 'at-least: '.length + 1;

describe('rules, history and corrections', () => {
  let engine: TestEngine;
  let coordinator: Record<string, string>;
  let designer: Record<string, string>;
  let drive: ReturnType<typeof ladder>;

  beforeAll(async () => {
    engine = await startTestEngine({ modules: [WorkerModule.forRoot()] });
    coordinator = await engine.as('coordinator');
    designer = await engine.as('designer');
    drive = ladder(engine, coordinator);
  });
  afterAll(() => engine.close());

  describe('when an activity is not in the published rules', () => {
    it('answers 422 with the near matches and records nothing', async () => {
      const before = await engine.store.lastPosition();
      const res = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send({ participationId: randomUUID(), studentId: 's-x', activityId: 'robotics-clb', occurredAt: daysAgo(1) })
        .expect(422);
      expect(res.body).toMatchObject({ code: 'UNKNOWN_ACTIVITY', nearMatches: ['robotics-club'] });
      expect(res.body.message).toMatch(/did you mean "robotics-club"/);
      // An id shortened to the word a coordinator remembers.
      const short = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send({ participationId: randomUUID(), studentId: 's-x', activityId: 'basketball', occurredAt: daysAgo(1) })
        .expect(422);
      expect(short.body.message).toBe('activity "basketball" is not in any published rule set; did you mean "basketball-league"?');
      expect(await engine.store.lastPosition()).toBe(before);
    });
  });

  describe('when a badge id is mistyped', () => {
    it('answers 422 with the near matches, for a revocation and an application, and records nothing', async () => {
      const before = await engine.store.lastPosition();
      const revoke = await request(engine.http)
        .post('/students/s-x/awards/makr/revoke')
        .set(coordinator)
        .send({ reason: 'recorded by mistake' })
        .expect(422);
      expect(revoke.body).toMatchObject({ code: 'UNKNOWN_BADGE', nearMatches: ['maker'] });
      expect(revoke.body.message).toBe('badge "makr" is not in any published rule set; did you mean "maker"?');
      const apply = await request(engine.http).post('/students/s-x/applications').set(coordinator).send({ badgeId: 'meta-leadrship' }).expect(422);
      expect(apply.body).toMatchObject({ code: 'UNKNOWN_BADGE', nearMatches: ['meta-leadership'] });
      const far = await request(engine.http).post('/students/s-x/awards/chess-champion/keep').set(coordinator).send({ reason: 'x' }).expect(422);
      expect(far.body.message).toContain('no known badge id is close to it; GET /programs/vilnius-tech/rules lists the known ones');
      expect(await engine.store.lastPosition()).toBe(before);
    });
  });

  describe('when a program id is mistyped', () => {
    it('answers 404 with the near matches, wherever a program is named', async () => {
      for (const path of ['/programs/vilnius-tec/stats', '/programs/vilnius-tec/review', '/programs/vilnius-tec/rules']) {
        const res = await request(engine.http).get(path).set(coordinator).expect(404);
        expect(res.body).toMatchObject({
          code: 'UNKNOWN_PROGRAM',
          message: 'program vilnius-tec has no published rule set; did you mean "vilnius-tech"?',
          nearMatches: ['vilnius-tech'],
        });
      }
      const student = `s-${randomUUID().slice(0, 8)}`;
      await drive.participate(student, 'robotics-club', daysAgo(3));
      const progression = await request(engine.http).get(`/students/${student}/progression?programId=vilnius-tec`).set(coordinator).expect(404);
      expect(progression.body.message).toBe('program vilnius-tec has no published rule set; did you mean "vilnius-tech"?');
      const far = await request(engine.http).get('/programs/chess-club/stats').set(coordinator).expect(404);
      expect(far.body.message).toBe('program chess-club has no published rule set; the programs published are "vilnius-tech"');
    });
  });

  describe('when asking for a past date (asOf)', () => {
    it("answers with the student's standing then, from the log", async () => {
      const student = `s-${randomUUID().slice(0, 8)}`;
      await drive.participate(student, 'basketball-league', daysAgo(20));
      const between = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 20));
      await drive.participate(student, 'running-club', daysAgo(10));

      const now = await drive.progression(student);
      expect(now.badges.map((b) => b.badgeId)).toEqual(['sports-participant']);
      const then = await drive.progression(student, coordinator, `?asOf=${encodeURIComponent(between)}`);
      expect(then).toMatchObject({ source: 'log', at: between, level: { levelId: 'participation' }, badges: [] });
      expect(then.next.level?.levelId).toBe('activity');

      const early = await request(engine.http).get(`/students/${student}/progression?asOf=2001-01-01`).set(coordinator).expect(404);
      expect(early.body.message).toMatch(/had no published rule set yet on 2001-01-01T23:59:59.999Z: its first one was published on \d{4}-/);
      // A date alone is that whole day: today's includes what was recorded a moment ago.
      const asked = new Date();
      const today = await drive.progression(student, coordinator, `?asOf=${asked.toISOString().slice(0, 10)}`);
      expect(today.level?.levelId).toBe((await drive.progression(student)).level?.levelId);
      // ... up to now: tonight, badges may have expired that have not.
      expect(Date.parse(today.at)).toBeGreaterThanOrEqual(asked.getTime());
      expect(Date.parse(today.at)).toBeLessThanOrEqual(Date.now());
      const bad = await request(engine.http).get(`/students/${student}/progression?asOf=last-tuesday`).set(coordinator).expect(400);
      expect(bad.body.message).toMatch(/asOf must be an ISO-8601 date/);
    });

    it('refuses an instant in the future, naming the server time, rather than answering as if it had come', async () => {
      const student = `s-${randomUUID().slice(0, 8)}`;
      await drive.participate(student, 'basketball-league', daysAgo(20));
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      for (const asOf of [new Date(Date.now() + 60_000).toISOString(), tomorrow]) {
        const res = await request(engine.http).get(`/students/${student}/progression?asOf=${asOf}`).set(coordinator).expect(400);
        expect(res.body.message).toMatch(
          new RegExp(`^asOf ${asOf} is in the future \\(the server's time is \\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\): .*leave asOf out for now$`),
        );
      }
      const preview = await request(engine.http)
        .post(`/programs/vilnius-tech/rules/preview?at=${tomorrow}`)
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(STRICTER)
        .expect(400);
      expect(preview.body.message).toMatch(new RegExp(`^at ${tomorrow} is in the future \\(the server's time is `));
    });

    it('reads an offset typed with a bare + (a space once the URL is decoded), and refuses a time of day without a zone', async () => {
      const student = `s-${randomUUID().slice(0, 8)}`;
      await drive.participate(student, 'basketball-league', daysAgo(20));
      // A whole second (the form typed) after the participation was recorded, and not in the future.
      await new Promise((r) => setTimeout(r, 1005 - (Date.now() % 1000)));
      const utc = new Date(Math.floor(Date.now() / 1000) * 1000);
      const local = `${new Date(utc.getTime() + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`;
      const typed = await drive.progression(student, coordinator, `?asOf=${local}`);
      expect(typed.at).toBe(utc.toISOString().replace(/\.\d{3}Z$/, '.000Z'));
      expect(typed.level?.levelId).toBe('participation');
      const noZone = await request(engine.http).get(`/students/${student}/progression?asOf=2026-06-30T12:00:00`).set(coordinator).expect(400);
      expect(noZone.body.message).toBe(
        'asOf 2026-06-30T12:00:00 has no time zone: write 2026-06-30T12:00:00Z for UTC, or add the offset, e.g. 2026-06-30T12:00:00+02:00',
      );
    });
  });

  describe('when a batch is recorded and sent again', () => {
    it('records each valid row once, rejects bad rows with reasons, and creates nothing on the re-send', async () => {
      const student = `s-${randomUUID().slice(0, 8)}`;
      const rows = [
        { participationId: randomUUID(), studentId: student, activityId: 'photo-club', occurredAt: daysAgo(5) },
        { participationId: randomUUID(), studentId: student, activityId: 'theatre-studio', occurredAt: daysAgo(4), role: 'leader' },
        { participationId: 'nope', studentId: student, activityId: 'photo-club', occurredAt: daysAgo(3) },
        { participationId: randomUUID(), studentId: student, activityId: 'fotoclub', occurredAt: daysAgo(3) },
      ];
      // A dry run says what would happen and stores nothing.
      const before = await engine.store.lastPosition();
      const dry = await request(engine.http).post('/participations/batch').set(coordinator).send({ participations: rows, dryRun: true }).expect(200);
      expect(dry.body).toMatchObject({ dryRun: true, summary: { created: 2, unchanged: 0, rejected: 2 } });
      expect(dry.body.results[0]).toEqual({ row: 0, participationId: rows[0]!.participationId, status: 'created' });
      expect(await engine.store.lastPosition()).toBe(before);
      await request(engine.http).get(`/students/${student}/timeline`).set(coordinator).expect(404);

      const first = await request(engine.http).post('/participations/batch').set(coordinator).send({ participations: rows }).expect(200);
      expect(first.body.dryRun).toBeUndefined();
      expect(first.body.results[0]).toMatchObject({ status: 'created', streamRevision: 0, position: expect.any(Number) });
      expect(first.body.summary).toEqual({ created: 2, unchanged: 0, rejected: 2 });
      expect(first.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'rejected', 'rejected']);
      expect(first.body.results[2].message).toMatch(/participationId must be a UUID/);
      expect(first.body.results[3].code).toBe('UNKNOWN_ACTIVITY');

      const again = await request(engine.http).post('/participations/batch').set(coordinator).send({ participations: rows }).expect(200);
      expect(again.body.summary).toEqual({ created: 0, unchanged: 2, rejected: 2 });
      const timeline = await request(engine.http).get(`/students/${student}/timeline`).set(coordinator).expect(200);
      expect(timeline.body.events.filter((e: { type: string }) => e.type === 'ParticipationRecorded')).toHaveLength(2);

      const tooMany = await request(engine.http)
        .post('/participations/batch')
        .set(coordinator)
        .send({ participations: Array.from({ length: 1001 }, () => rows[0]) })
        .expect(400);
      expect(tooMany.body.message).toMatch(/at most 1000 rows/);
    });
  });

  describe('when a designer reads the OpenAPI document', () => {
    it('finds that the preview takes the draft rule file as its body, as publishing does', async () => {
      const spec = (await request(engine.http).get('/docs/openapi.json').expect(200)).body as {
        paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
      };
      for (const path of ['/programs/{id}/rules', '/programs/{id}/rules/preview']) {
        expect([path, Object.keys(spec.paths[path]?.post?.requestBody?.content ?? {})]).toEqual([path, ['text/yaml', 'application/json']]);
      }
    });

    it('finds the review list described, with why an application would be refused', async () => {
      type Schema = { $ref?: string; properties?: Record<string, { description?: string; items?: { $ref?: string } }>; required?: string[] };
      const spec = (await request(engine.http).get('/docs/openapi.json').expect(200)).body as {
        paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
        components: { schemas: Record<string, Schema> };
      };
      const named = (ref: string | undefined): Schema => spec.components.schemas[(ref ?? '').replace('#/components/schemas/', '')] ?? {};
      const answer = named(spec.paths['/programs/{id}/review']?.get?.responses['200']?.content?.['application/json']?.schema.$ref);
      const application = named(answer.properties?.applications?.items?.$ref);
      expect(Object.keys(application.properties ?? {})).toEqual(['kind', 'studentId', 'badgeId', 'applicationId', 'since', 'eligible', 'reason']);
      expect(application.required).not.toContain('reason');
      expect(Object.keys(named(answer.properties?.flaggedAwards?.items?.$ref).properties ?? {})).toEqual([
        'kind',
        'studentId',
        'badgeId',
        'awardId',
        'since',
        'cause',
      ]);
    });

    it("finds the answers' `warnings` and the 422's `errors` described as one rule issue, with file, line and column", async () => {
      type Schema = { $ref?: string; type?: string; items?: Schema; properties?: Record<string, Schema>; required?: string[]; enum?: string[] };
      const spec = (await request(engine.http).get('/docs/openapi.json').expect(200)).body as {
        paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
        components: { schemas: Record<string, Schema> };
      };
      const schemaOf = (path: string, status: string): Schema => {
        const ref = spec.paths[path]?.post?.responses[status]?.content?.['application/json']?.schema.$ref ?? `(no schema for ${status} of ${path})`;
        return spec.components.schemas[ref.replace('#/components/schemas/', '')] ?? {};
      };
      const issue = '#/components/schemas/RuleIssueDto';
      for (const [path, status, field] of [
        ['/programs/{id}/rules', '201', 'warnings'],
        ['/programs/{id}/rules', '200', 'warnings'],
        ['/programs/{id}/rules', '422', 'errors'],
        ['/programs/{id}/rules/preview', '200', 'warnings'],
        ['/programs/{id}/rules/preview', '422', 'errors'],
      ] as const) {
        expect([path, status, schemaOf(path, status).properties?.[field]]).toEqual([
          path,
          status,
          expect.objectContaining({ type: 'array', items: { $ref: issue } }),
        ]);
      }
      expect(schemaOf('/programs/{id}/rules', '201').required).toContain('warnings');
      const ruleIssue = spec.components.schemas.RuleIssueDto;
      expect(ruleIssue?.required).toEqual(['file', 'line', 'column', 'code', 'message', 'severity']);
      expect(ruleIssue?.properties?.code?.enum).toContain('always-true-condition');
    });
  });

  describe('when a designer previews and publishes a stricter rule file', () => {
    it('previews who would lose the badge, publishes version 2, and keeps the award (policy keep) while recording the lost support', async () => {
      const student = `s-${randomUUID().slice(0, 8)}`;
      await drive.participate(student, 'basketball-league', daysAgo(9));
      await drive.participate(student, 'running-club', daysAgo(8));

      const preview = await request(engine.http)
        .post('/programs/vilnius-tech/rules/preview')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(STRICTER)
        .expect(200);
      const mine = preview.body.changed.find((c: { studentId: string }) => c.studentId === student);
      expect(mine).toMatchObject({ lostBadges: ['sports-participant'] });
      expect(preview.body.badges).toContainEqual(expect.objectContaining({ id: 'sports-participant', lost: expect.arrayContaining([student]) }));
      // Publishing it would keep the award (policy keep), recording that it lost its support, as happens below.
      expect(preview.body.onPublish.kept).toContainEqual({ id: 'sports-participant', students: expect.arrayContaining([student]) });
      expect(preview.body.onPublish.revoked).toEqual([]);

      // As of a moment before these participations were recorded, the same draft takes nothing from this student.
      const before = new Date(Date.now() - 60_000).toISOString();
      const earlier = await request(engine.http)
        .post(`/programs/vilnius-tech/rules/preview?at=${before}`)
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(STRICTER)
        .expect(200);
      expect(earlier.body.at).toBe(before);
      expect(earlier.body.changed.map((c: { studentId: string }) => c.studentId)).not.toContain(student);
      const bad = await request(engine.http)
        .post('/programs/vilnius-tech/rules/preview?at=last-week')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(STRICTER)
        .expect(400);
      expect(JSON.stringify(bad.body)).toMatch(/at must be an ISO-8601 date/);

      await request(engine.http).post('/programs/vilnius-tech/rules').set(coordinator).set('content-type', 'text/yaml').send(STRICTER).expect(403);
      const beforePublishing = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      const published = await request(engine.http)
        .post('/programs/vilnius-tech/rules')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(STRICTER)
        .expect(201);
      expect(published.body).toMatchObject({ published: true, programId: 'vilnius-tech', version: 2 });
      const same = await request(engine.http)
        .post('/programs/vilnius-tech/rules')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(STRICTER)
        .expect(200);
      expect(same.body).toMatchObject({ published: false, version: 2 });
      expect(same.body.reason).toMatch(
        /^version 2 of vilnius-tech, active since .+, has this content already \(sha256 [0-9a-f]{12}\.\.\.\); nothing was published/,
      );
      const active = await request(engine.http).get('/programs/vilnius-tech/rules').set(coordinator).expect(200);
      expect(active.body).toMatchObject({ programId: 'vilnius-tech', version: 2, sha256: published.body.sha256 });
      const yaml = await request(engine.http).get('/programs/vilnius-tech/rules').set(coordinator).set('accept', 'text/yaml').expect(200);
      expect(yaml.headers['content-type']).toBe('text/yaml; charset=utf-8');
      expect(yaml.text).toBe(active.body.content);
      // q=0 refuses YAML: the JSON, not the file.
      const json = await request(engine.http)
        .get('/programs/vilnius-tech/rules')
        .set(coordinator)
        .set('accept', 'text/yaml;q=0, application/json')
        .expect(200);
      expect(json.body).toMatchObject({ version: 2 });
      const refused = await request(engine.http).get('/programs/vilnius-tech/rules').set(coordinator).set('accept', 'text/html').expect(406);
      expect(refused.body.message).toBe(
        'a rule set is served as application/json, text/yaml, application/yaml or application/x-yaml; Accept: text/html takes none of them: ask for one of them, or send no Accept header',
      );

      await drive.settle(Number(await engine.store.lastPosition()));
      const timeline = await request(engine.http).get(`/students/${student}/timeline`).set(coordinator).expect(200);
      expect(timeline.body.events).toContainEqual(
        expect.objectContaining({ type: 'AwardSupportLost', data: expect.objectContaining({ badgeId: 'sports-participant', policy: 'keep' }) }),
      );
      const p = await drive.progression(student);
      expect(p.badges.find((b) => b.badgeId === 'sports-participant')?.status).toBe('active');

      // As of a moment before version 2 was published, the draft is compared with the rules in force then, not version 2.
      const then = await request(engine.http)
        .post(`/programs/vilnius-tech/rules/preview?at=${beforePublishing}`)
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(STRICTER)
        .expect(200);
      expect(then.body.before.sha256).not.toBe(published.body.sha256);
      expect(then.body.changed.find((c: { studentId: string }) => c.studentId === student)).toMatchObject({ lostBadges: ['sports-participant'] });

      // The student holds the award (kept under version 2): previewing the original rules again awards them nothing.
      const back = await request(engine.http)
        .post('/programs/vilnius-tech/rules/preview')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(RULES)
        .expect(200);
      const awarded = (back.body.onPublish.awarded as { id: string; students: string[] }[]).filter((a) => a.students.includes(student));
      expect(awarded).toEqual([]);

      // Put the original rules back for the other tests: the award rests on them again, and that is recorded.
      expect(back.body.onPublish.restored).toContainEqual({ id: 'sports-participant', students: expect.arrayContaining([student]) });
      await request(engine.http)
        .post('/programs/vilnius-tech/rules')
        .set(designer)
        .send({ content: RULES, fileName: 'vilnius-tech.yaml' })
        .expect(201);
      await drive.settle(Number(await engine.store.lastPosition()));
      const restored = await request(engine.http).get(`/students/${student}/timeline`).set(coordinator).expect(200);
      expect(restored.body.events.map((e: { type: string; data: { badgeId?: string } }) => `${e.type}:${e.data.badgeId}`)).toEqual(
        expect.arrayContaining(['AwardSupportLost:sports-participant', 'AwardSupportRestored:sports-participant']),
      );
    });

    it('refuses a broken rule file with 422 naming line and column, and publishes nothing', async () => {
      const broken = RULES.replace(
        'category: science\n    competencies: [problem-solving, teamwork]',
        'category: sciense\n    competencies: [problem-solving, teamwork]',
      );
      const before = await engine.store.lastPosition();
      const res = await request(engine.http)
        .post('/programs/vilnius-tech/rules')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(broken)
        .expect(422);
      expect(res.body.errors[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number), message: expect.stringMatching(/sciense/) });
      expect(res.body.errors[0].message).toMatch(/science/);
      expect(await engine.store.lastPosition()).toBe(before);
    });
  });

  describe('when a designer previews a program never published', () => {
    it('compares the draft with nothing over the real history: what its first publication would award', async () => {
      const student = `s-${randomUUID().slice(0, 8)}`;
      await drive.participate(student, 'basketball-league', daysAgo(9));
      await drive.participate(student, 'running-club', daysAgo(8));
      const pilot = RULES.replace(/^program:\n {2}id: vilnius-tech$/m, 'program:\n  id: pilot-program');
      const res = await request(engine.http)
        .post('/programs/pilot-program/rules/preview')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(pilot)
        .expect(200);
      expect(res.body.before).toBeNull();
      expect(res.body.after).toMatchObject({ programId: 'pilot-program' });
      expect(res.body.changed.find((c: { studentId: string }) => c.studentId === student)).toEqual({
        studentId: student,
        gainedBadges: ['sports-participant'],
        lostBadges: [],
        gainedLevels: ['participation'],
        lostLevels: [],
      });
      expect(res.body.onPublish.awarded).toContainEqual({ id: 'sports-participant', students: expect.arrayContaining([student]) });
      expect(res.body.onPublish.levelsReached).toContainEqual({ id: 'participation', students: expect.arrayContaining([student]) });
      expect(res.body.onPublish.kept).toEqual([]);
      // Nothing was published by previewing.
      await request(engine.http).get('/programs/pilot-program/rules').set(designer).expect(404);
      // The student's real award is signed in the background (its credential, then its status entry): let that
      // finish, so the next test's log stays still.
      for (let i = 0, last = -1n, still = 0; i < 100 && still < 6; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const head = await engine.store.lastPosition();
        still = head === last ? still + 1 : 0;
        last = head;
      }
    });
  });

  describe('when a rule file contradicts its own examples', () => {
    it('refuses it with 422 naming the example and its line, and publishes nothing', async () => {
      const stricter = RULES.replace('participations: { at-least: 2, category: sports }', 'participations: { at-least: 3, category: sports }');
      const before = await engine.store.lastPosition();
      const res = await request(engine.http)
        .post('/programs/vilnius-tech/rules')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(stricter)
        .expect(422);
      const line = RULES.split('\n').findIndex((l) => l.includes('name: Two sports activities earn the sports participation badge')) + 5;
      expect(res.body.message).toMatch(/^the rule file fails 4 of its \d+ examples \(6 failures between them\); nothing was published$/);
      expect(res.body.errors[0]).toMatchObject({
        line,
        message: expect.stringMatching(
          /^Example "Two sports activities earn the sports participation badge": expected badges \[sports-participant\] but the student has \[\]/,
        ),
      });
      expect(await engine.store.lastPosition()).toBe(before);
      // The preview says so before the designer tries to publish.
      const preview = await request(engine.http)
        .post('/programs/vilnius-tech/rules/preview')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(stricter)
        .expect(200);
      expect(preview.body.examples.failed.map((f: { line: number }) => f.line)).toContain(line);
      const clean = await request(engine.http)
        .post('/programs/vilnius-tech/rules/preview')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(RULES)
        .expect(200);
      expect(clean.body.examples).toEqual({ run: expect.any(Number), failed: [] });
      expect(clean.body.examples.run).toBeGreaterThan(0);
    });
  });

  describe('when a coordinator revokes an award', () => {
    it('marks it revoked in the progression and refuses a second revocation', async () => {
      const student = `s-${randomUUID().slice(0, 8)}`;
      await drive.participate(student, 'photo-club', daysAgo(9));
      await drive.participate(student, 'university-choir', daysAgo(8));
      const revoked = await request(engine.http)
        .post(`/students/${student}/awards/art-participant/revoke`)
        .set(coordinator)
        .send({ reason: 'attendance sheet was forged' })
        .expect(200);
      await drive.settle(revoked.body.position);
      const p = await drive.progression(student);
      expect(p.badges.find((b) => b.badgeId === 'art-participant')?.status).toBe('revoked');
      await request(engine.http).post(`/students/${student}/awards/art-participant/revoke`).set(coordinator).send({ reason: 'again' }).expect(409);
      await request(engine.http).post(`/students/${student}/awards/art-participant/revoke`).set(coordinator).send({}).expect(400);
    });
  });

  describe('when reading program statistics', () => {
    it('counts students per level and badge holders from the read models', async () => {
      await drive.settle(Number(await engine.store.lastPosition()));
      const res = await request(engine.http).get('/programs/vilnius-tech/stats').set(coordinator).expect(200);
      expect(res.body.students).toBeGreaterThanOrEqual(3);
      expect(res.body.levels.find((l: { levelId: string }) => l.levelId === 'participation').students).toBeGreaterThanOrEqual(1);
      expect(res.body.badges.find((b: { badgeId: string }) => b.badgeId === 'sports-participant').holders).toBeGreaterThanOrEqual(2);
    });
  });

  describe('when a designer publishes and previews a rule file the checks warn about', () => {
    const warning = {
      file: 'vilnius-tech.yaml',
      line: WARNED_LINE,
      column: WARNED_COLUMN,
      code: 'always-true-condition',
      message: '`at-least: 0` always holds, so this condition changes nothing; use at least 1 or remove it.',
      severity: 'warning',
    };

    it('previews it with the warning, and clean rules with `warnings: []`', async () => {
      const warned = await request(engine.http)
        .post('/programs/vilnius-tech/rules/preview')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(WARNED)
        .expect(200);
      expect(warned.body.warnings).toEqual([warning]);
      expect(warned.body.examples.failed).toEqual([]);
      const clean = await request(engine.http)
        .post('/programs/vilnius-tech/rules/preview')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(RULES)
        .expect(200);
      expect(clean.body.warnings).toEqual([]);
    });

    it('publishes it and lists the warning with its line and column, also when the content is active already; clean rules answer `warnings: []`', async () => {
      const published = await request(engine.http)
        .post('/programs/vilnius-tech/rules')
        .set(designer)
        .send({ content: WARNED, fileName: 'vilnius-tech.yaml' })
        .expect(201);
      expect(published.body).toMatchObject({ published: true, programId: 'vilnius-tech', warnings: [warning] });
      const active = await request(engine.http).get('/programs/vilnius-tech/rules').set(designer).expect(200);
      expect(active.body).toMatchObject({ version: published.body.version, sha256: published.body.sha256 });

      const again = await request(engine.http)
        .post('/programs/vilnius-tech/rules')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(WARNED)
        .expect(200);
      expect(again.body).toMatchObject({
        published: false,
        version: published.body.version,
        reason: expect.stringMatching(/has this content already/),
      });
      expect(again.body.warnings).toEqual([warning]);

      // The original rules back for the tests after this one.
      const clean = await request(engine.http)
        .post('/programs/vilnius-tech/rules')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(RULES)
        .expect(201);
      expect(clean.body).toMatchObject({ published: true, version: published.body.version + 1, warnings: [] });
      const cleanAgain = await request(engine.http)
        .post('/programs/vilnius-tech/rules')
        .set(designer)
        .set('content-type', 'text/yaml')
        .send(RULES)
        .expect(200);
      expect(cleanAgain.body).toMatchObject({ published: false, warnings: [] });
    });
  });
});
