import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Redis } from 'ioredis';
import { EVENT_STORE, SqliteEventStore, type EventStore } from '@laurel/event-store';
import { LAUREL_CONFIG, REDIS, type LaurelConfig } from '@laurel/platform';
import { AwardQueue } from '../../../worker/src/awards/award-queue';
import { checkpointKeyOf } from '../../../worker/src/projections/projection-runner';
import { RULE_PROJECTION_NAME } from '../../../worker/src/projections/rule-projection';

const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

/**
 * Prometheus metrics of this process (`GET /metrics`): the Node.js process
 * (CPU, memory, event loop delay, GC), HTTP requests by route template and
 * status, the embedded store's group commits, and, read from the shared log
 * and Redis at each scrape, the rule projection's checkpoint and lag and the
 * award queue's job counts (the same for every process, whichever runs the
 * workers). Labels never carry ids: routes are templates (`/students/:id/progression`).
 *
 * A registry of its own per application, so several engines in one process
 * (the tests) do not collide in prom-client's global one.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Histogram<'method' | 'route' | 'status_code'>;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(REDIS) redis: Redis, @Inject(LAUREL_CONFIG) config: LaurelConfig, awards: AwardQueue) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'laurel_' });
    this.requests = new Histogram({
      name: 'laurel_http_request_duration_seconds',
      help: 'HTTP requests answered, by method, route template and status code, and how long they took',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });

    const checkpointKey = checkpointKeyOf(config.redisPrefix, RULE_PROJECTION_NAME);
    // One read of the log head and the checkpoint per scrape, shared by the three gauges below.
    let positions: Promise<{ head: bigint; checkpoint: bigint | undefined }> | undefined;
    const read = () =>
      (positions ??= Promise.all([store.lastPosition(), redis.get(checkpointKey)])
        .then(([head, saved]) => ({ head, checkpoint: saved === null ? undefined : BigInt(saved) }))
        .finally(() => setImmediate(() => (positions = undefined))));
    new Gauge({
      name: 'laurel_event_store_head_position',
      help: 'Position of the last event in the log (-1: empty)',
      registers,
      async collect() {
        this.set(Number((await read()).head));
      },
    });
    new Gauge({
      name: 'laurel_projection_checkpoint_position',
      help: 'Position of the last event the rule projection has applied to the read models (-1: none yet, or rebuilding from scratch)',
      registers,
      async collect() {
        this.set(Number((await read()).checkpoint ?? -1n));
      },
    });
    new Gauge({
      name: 'laurel_projection_lag_events',
      help: 'Events in the log the rule projection has not applied to the read models yet',
      registers,
      async collect() {
        const { head, checkpoint } = await read();
        this.set(Number(head - (checkpoint ?? -1n)));
      },
    });
    new Gauge({
      name: 'laurel_award_jobs',
      help: 'Award signing jobs in the queue, by state (failed: given up on, see GET /awards/failed)',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await awards.queue.getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });

    if (store instanceof SqliteEventStore) {
      const counter = (name: string, help: string, pick: (s: SqliteEventStore['stats']) => number) =>
        new Counter({
          name,
          help,
          registers,
          collect() {
            this.reset();
            this.inc(pick(store.stats));
          },
        });
      counter('laurel_event_store_transactions_total', 'Write transactions this process committed to the embedded store', (s) => s.transactions);
      counter('laurel_event_store_appends_total', 'append() calls this process committed (refused and idempotent ones included)', (s) => s.appends);
      counter('laurel_event_store_events_written_total', 'Events this process wrote to the embedded store', (s) => s.events);
      counter('laurel_event_store_wal_syncs_total', 'WAL fsyncs this process waited for before acknowledging appends', (s) => s.syncs);
    }
  }

  /** Records one answered request; `route` is the matched route template, or undefined when none matched. */
  observe(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    this.requests.observe({ method, route: route ?? 'unmatched', status_code: String(statusCode) }, seconds);
  }
}
