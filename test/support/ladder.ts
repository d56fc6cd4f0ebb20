import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ProjectionsService } from '../../apps/worker/src/projections/projections.service';
import type { TestEngine } from './test-engine';

/** An ISO date `days` before now: time-windowed criteria ("last 12 months") are measured from the evaluation clock. */
export const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString();

/** Small helpers that drive the engine over HTTP the way a coordinator's tool or a student's page would. */
export function ladder(engine: TestEngine, coordinator: Record<string, string>) {
  const projections = engine.app.get(ProjectionsService);
  const settle = (position: number) => projections.waitFor(position);
  return {
    async participate(studentId: string, activityId: string, occurredAt: string, extra: { role?: string; hours?: number } = {}) {
      const participationId = randomUUID();
      const res = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send({ participationId, studentId, activityId, occurredAt, ...extra })
        .expect(201);
      await settle(res.body.position as number);
      return participationId;
    },
    async progression(studentId: string, as: Record<string, string> = coordinator, query = '') {
      const res = await request(engine.http).get(`/students/${studentId}/progression${query}`).set(as).expect(200);
      return res.body as {
        at: string;
        level: { levelId: string } | null;
        levels: { levelId: string }[];
        badges: {
          badgeId: string;
          status: string;
          awardId: string;
          basis: { participationIds: string[]; awardIds: string[]; applicationIds: string[] };
        }[];
        eligible: { badgeId: string }[];
        applications: { applicationId: string; badgeId: string; status: string }[];
        next: { level?: { levelId: string; missing: { text: string }[] } };
      };
    },
    settle,
  };
}
