import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { RecordedEvent } from '@laurel/event-store';
import { RuleSetRegistry } from '@laurel/platform';
import { foldStudent, primaryFacts } from '@laurel/progression';
import { loadRuleSet, ruleSetDiffer } from '@laurel/rules';
import { REPO_ROOT, startTestEngine, type TestEngine } from '../../../../test/support/test-engine';
import { LOG_PAGE } from './student-streams';

const RULES = readFileSync(join(REPO_ROOT, 'rules', 'vilnius-tech.yaml'), 'utf8');
const ACTIVITIES = ['basketball-league', 'running-club', 'photo-club', 'theatre-studio', 'robotics-club', 'hackathon', 'food-bank', 'esn-buddy'];
const STUDENTS = 1200;
const ROUNDS = 8;

describe('when a designer previews a draft over students whose events are spread over several pages of the log', () => {
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine();
    // One participation per student per round, round after round: a student's events lie up to STUDENTS events
    // apart in the log, which holds more than a page (LOG_PAGE), so many students' events are on two pages.
    const base = Date.now() - 200 * 86_400_000;
    for (let k = 0; k < ROUNDS; k++) {
      const appends: Promise<unknown>[] = [];
      for (let s = 0; s < STUDENTS; s++) {
        // Students take part in fewer rounds the higher their number, so the draft changes some of them only.
        if (k > 1 + (s % 7)) continue;
        const participationId = randomUUID();
        const data = {
          participationId,
          studentId: `i-${s}`,
          activityId: ACTIVITIES[(s * 3 + k) % ACTIVITIES.length],
          occurredAt: new Date(base + k * 86_400_000).toISOString(),
          role: 'participant',
        };
        appends.push(
          engine.store.append(`student-i-${s}`, [{ id: participationId, type: 'ParticipationRecorded', data, metadata: { actor: 'test' } }]),
        );
      }
      await Promise.all(appends);
    }
  }, 60_000);
  afterAll(() => engine.close());

  it('answers as a replay of one read of the whole log, now and ?at=', async () => {
    const log = await engine.store.readAll({ filter: { streamPrefixes: ['student-'] } });
    expect(log.length).toBeGreaterThan(LOG_PAGE);
    const designer = await engine.as('designer');
    const draft = RULES.replace('participations: { at-least: 2, category: sports }', 'participations: { at-least: 3, category: sports }');
    const at = new Date();
    const [now, then] = await Promise.all(
      ['', `?at=${at.toISOString()}`].map((query) =>
        request(engine.http).post(`/programs/vilnius-tech/rules/preview${query}`).set(designer).set('content-type', 'text/yaml').send(draft),
      ),
    );
    expect([now?.status, then?.status]).toEqual([200, 200]);

    // What the engine's first preview did: the log read once, grouped by student, each student replayed.
    const byStudent = new Map<string, RecordedEvent[]>();
    for (const e of log) byStudent.set(e.stream.slice('student-'.length), [...(byStudent.get(e.stream.slice('student-'.length)) ?? []), e]);
    const active = engine.app.get(RuleSetRegistry).activeAt('vilnius-tech', at);
    const loaded = loadRuleSet(draft, 'vilnius-tech.yaml');
    if (!active || !loaded.ok) throw new Error('vilnius-tech is not published, or the draft does not load');
    const differ = ruleSetDiffer(active.ruleSet, loaded.ruleSet, at);
    for (const [studentId, stream] of byStudent)
      differ.add({ studentId, facts: primaryFacts(stream, 'vilnius-tech'), current: foldStudent(studentId, active.ruleSet, stream) });
    const expected = JSON.parse(JSON.stringify(differ.result())) as Record<string, unknown>;

    expect(then?.body).toMatchObject(expected);
    expect(now?.body).toMatchObject({ ...expected, at: now?.body.at });
    expect(expected).toMatchObject({ students: STUDENTS, facts: log.length });
    expect((expected.changed as unknown[]).length).toBeGreaterThan(0);
    expect((expected.changed as unknown[]).length).toBeLessThan(STUDENTS);
  }, 60_000);
});
