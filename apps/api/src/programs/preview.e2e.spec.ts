import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { REPO_ROOT, startTestEngine, type TestEngine } from '../../../../test/support/test-engine';

const RULES = readFileSync(join(REPO_ROOT, 'rules', 'vilnius-tech.yaml'), 'utf8');
const ACTIVITIES = ['basketball-league', 'running-club', 'photo-club', 'theatre-studio', 'robotics-club', 'hackathon', 'food-bank', 'esn-buddy'];

describe('when a designer previews a draft over a long history', () => {
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine();
    // 3,000 students with 10 participations each, written straight to the log (no projection runs here).
    const base = Date.now() - 200 * 86_400_000;
    const appends: Promise<unknown>[] = [];
    for (let s = 0; s < 3000; s++) {
      const events = Array.from({ length: 10 }, (_, k) => {
        const participationId = randomUUID();
        return {
          id: participationId,
          type: 'ParticipationRecorded',
          data: {
            participationId,
            studentId: `p-${s}`,
            activityId: ACTIVITIES[(s + k) % ACTIVITIES.length],
            occurredAt: new Date(base + k * 86_400_000).toISOString(),
            role: 'participant',
          },
          metadata: { actor: 'test' },
        };
      });
      appends.push(engine.store.append(`student-p-${s}`, events, { expectedRevision: 'no_stream' }));
    }
    await Promise.all(appends);
  }, 60_000);
  afterAll(() => engine.close());

  it('keeps answering other requests while it replays', async () => {
    const designer = await engine.as('designer');
    const draft = RULES.replace('participations: { at-least: 2, category: sports }', 'participations: { at-least: 3, category: sports }');
    const order: string[] = [];
    const preview = request(engine.http)
      .post('/programs/vilnius-tech/rules/preview')
      .set(designer)
      .set('content-type', 'text/yaml')
      .send(draft)
      .then((res) => {
        order.push('preview');
        return res;
      });
    // Sent once the preview is under way: it must not wait for the whole replay.
    await new Promise((r) => setTimeout(r, 50));
    const health = request(engine.http)
      .get('/health')
      .then((res) => {
        order.push('health');
        return res;
      });
    const [p, h] = await Promise.all([preview, health]);
    expect([p.status, h.status]).toEqual([200, 200]);
    expect(p.body.students).toBe(3000);
    expect(p.body.facts).toBe(30_000);
    expect(p.body.badges.find((b: { id: string }) => b.id === 'sports-participant')?.lost.length).toBeGreaterThan(0);
    expect(order).toEqual(['health', 'preview']);
  }, 60_000);
});
