import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ProjectionsService } from '../../../worker/src/projections/projections.service';
import { WorkerModule } from '../../../worker/src/worker.module';
import { startTestEngine, type TestEngine } from '../../../../test/support/test-engine';

/** The value of one sample line (`name{labels} value`) of a Prometheus text exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let engine: TestEngine;
  let coordinator: Record<string, string>;
  beforeAll(async () => {
    engine = await startTestEngine({ modules: [WorkerModule.forRoot()] });
    coordinator = await engine.as('coordinator');
  }, 60_000);
  afterAll(() => engine.close());

  it('answers without a token in the Prometheus text format, with the process, HTTP, store, projection and queue series', async () => {
    const studentId = `s-${randomUUID().slice(0, 8)}`;
    const before = await request(engine.http).get('/metrics').expect(200);
    expect(before.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const created = (text: string) =>
      sample(text, 'laurel_http_request_duration_seconds_count{method="POST",route="/participations",status_code="201"}') ?? 0;
    const writes = (text: string) => sample(text, 'laurel_event_store_events_written_total') ?? 0;

    for (const activityId of ['basketball-league', 'volleyball-tournament']) {
      const res = await request(engine.http)
        .post('/participations')
        .set(coordinator)
        .send({ participationId: randomUUID(), studentId, activityId, occurredAt: '2026-10-14T16:00:00Z', role: 'participant' })
        .expect(201);
      await engine.app.get(ProjectionsService).waitFor(res.body.position as number);
    }
    await request(engine.http).get('/no-such-route').expect(404);
    await request(engine.http).get(`/students/${studentId}/timeline`).set(coordinator).expect(200);

    const after = (await request(engine.http).get('/metrics').expect(200)).text;
    expect(created(after) - created(before.text)).toBe(2);
    expect(sample(after, 'laurel_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}')).toBeGreaterThanOrEqual(1);
    // Routes are templates: no student id ever becomes a label.
    expect(
      sample(after, 'laurel_http_request_duration_seconds_count{method="GET",route="/students/:id/timeline",status_code="200"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(after).not.toContain(studentId);
    // Two participations, plus what the projection derived from them (the badge earned, its credential, ...).
    expect(writes(after) - writes(before.text)).toBeGreaterThanOrEqual(2);

    const head = sample(after, 'laurel_event_store_head_position')!;
    const checkpoint = sample(after, 'laurel_projection_checkpoint_position')!;
    expect(head).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'laurel_projection_lag_events')).toBe(head - checkpoint);
    for (const state of ['waiting', 'active', 'delayed', 'completed', 'failed']) {
      expect(sample(after, `laurel_award_jobs{state="${state}"}`)).toEqual(expect.any(Number));
    }
    expect(sample(after, 'laurel_process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sample(after, 'laurel_nodejs_eventloop_lag_p99_seconds')).toEqual(expect.any(Number));
  });
});
