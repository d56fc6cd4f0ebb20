import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { EventStoreError, SqliteEventStore, type EventStore, type NewEvent } from '@laurel/event-store';
import { loadConfig, type LaurelConfig } from '@laurel/platform';
import { programStream, studentStream } from '@laurel/progression';
import { loadRuleSet } from '@laurel/rules';
import { AwardQueue } from '../awards/award-queue';
import { ProjectionRunner, type Projection, type RunnerState } from './projection-runner';
import { ReadModels } from './read-models';
import { RuleProjection } from './rule-projection';

const RULES_FILE = join(__dirname, '../../../../rules/vilnius-tech.yaml');
const RULES = readFileSync(RULES_FILE, 'utf8');
const ACTIVITIES = [
  'basketball-league',
  'running-club',
  'photo-club',
  'university-choir',
  'robotics-club',
  'hackathon',
  'food-bank',
  'student-union',
];
const ROLES = ['participant', 'volunteer', 'organiser', 'leader'] as const;
const DAY = 86_400_000;
/** As the engine runs it (ProjectionsService), with short pauses between attempts. */
const OPTIONS = { idleFlushMs: 2, maxDelayMs: 1000, liveMaxDelayMs: 50, maxBatch: 50_000, retryMinMs: 5, retryMaxMs: 50 };
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function ruleSetPublished(): NewEvent {
  const loaded = loadRuleSet(RULES, RULES_FILE);
  if (!loaded.ok) throw new Error('vilnius-tech.yaml does not load');
  const { programId, sha256 } = loaded.ruleSet;
  return {
    id: randomUUID(),
    type: 'RuleSetPublished',
    data: { programId, version: 1, sha256, fileName: 'vilnius-tech.yaml', content: RULES, publishedAt: new Date().toISOString() },
  };
}

/** `count` participations spread over `students` students, enough for badges and levels; the same ids for every run that is given them. */
function participations(students: number, perStudent: number, tag: string): { stream: string; event: NewEvent }[] {
  const base = Date.parse('2026-01-10T10:00:00Z');
  const rows = [];
  for (let k = 0; k < perStudent; k++) {
    for (let s = 0; s < students; s++) {
      const studentId = `${tag}-${s}`;
      const participationId = randomUUID();
      rows.push({
        stream: studentStream(studentId),
        event: {
          id: randomUUID(),
          type: 'ParticipationRecorded',
          data: {
            participationId,
            studentId,
            activityId: ACTIVITIES[(s * 7 + k * 3) % ACTIVITIES.length],
            occurredAt: new Date(base + (k * 9 + s) * DAY).toISOString(),
            role: ROLES[(s + k) % ROLES.length],
            hours: 1 + ((s + k) % 6),
          },
        },
      });
    }
  }
  return rows;
}

async function appendAll(store: EventStore, rows: { stream: string; event: NewEvent }[]): Promise<void> {
  for (const { stream, event } of rows) await store.append(stream, [event]);
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * A document without what a restart from a checkpoint may change (ADR 0003:
 * "the same events and read models ... up to timestamps"): its `position` is
 * its student's last event in the global log, which depends on how flushes
 * batched the appends; and a student first met after a restart has the
 * awards decided before the checkpoint, whose events lie beyond it, decided
 * again at the clock of the event it resumes at (same ids, same stored
 * events; only the document's times differ).
 */
function withoutTimes(hash: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(hash).map(([field, value]): [string, unknown] => {
      if (!value.startsWith('{') && !value.startsWith('[')) return [field, value];
      const { position: _position, ...rest } = JSON.parse(value, (_key, v: unknown) =>
        typeof v === 'string' && ISO.test(v) ? '<time>' : v,
      ) as Record<string, unknown>;
      return [field, rest];
    }),
  );
}

/** Everything a run leaves behind: the events in the log, the read models and index under its prefix, the award jobs. */
async function snapshot(store: EventStore, redis: Redis, prefix: string) {
  // Per stream: how flushes batch the appends decides their interleaving in the global log, not what each stream holds.
  const events = (await store.readAll())
    .map((e) => ({ stream: e.stream, revision: e.revision, id: e.id, type: e.type, data: e.data }))
    .sort((a, b) => a.stream.localeCompare(b.stream) || Number(a.revision - b.revision));
  const models: Record<string, unknown> = {};
  for (const key of (await redis.keys(`${prefix}:*`)).sort()) {
    const name = key.slice(prefix.length);
    if (name.startsWith(':rm:') || name.startsWith(':index:')) {
      const type = await redis.type(key);
      models[name] = type === 'hash' ? withoutTimes(await redis.hgetall(key)) : (await redis.smembers(key)).sort();
    }
  }
  const jobs = (await redis.keys(`${prefix}:awards:*`))
    .map((k) => k.slice(`${prefix}:awards:`.length))
    .filter((id) => /^[0-9a-f-]{36}$/.test(id))
    .sort();
  return { events, models, jobs };
}

/** One engine's worth of projection parts on `store`, under its own Redis prefix. */
function parts(store: EventStore) {
  const prefix = `laurel-test:${randomUUID()}`;
  const config: LaurelConfig = loadConfig({ ...process.env, LAUREL_REDIS_PREFIX: prefix, REDIS_URL });
  const redis = new Redis(REDIS_URL);
  const modelsRedis = new Redis(REDIS_URL);
  const readModels = new ReadModels(modelsRedis, config);
  const awards = new AwardQueue(config);
  const projection = new RuleProjection(store, readModels, awards);
  const runner = new ProjectionRunner(store, redis, prefix, projection, OPTIONS);
  return {
    prefix,
    redis,
    modelsRedis,
    awards,
    projection,
    runner,
    async close() {
      await runner.stop();
      await awards.onApplicationShutdown();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      modelsRedis.disconnect();
    },
  };
}

/** Until the runner follows the log again and has flushed up to its head (derived events included). */
async function caughtUp(runner: ProjectionRunner, store: EventStore, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let steady = 0;
  while (Date.now() < deadline) {
    const head = await store.lastPosition();
    steady = runner.state.status === 'running' && runner.checkpoint === head ? steady + 1 : 0;
    if (steady >= 3) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not caught up: ${JSON.stringify(runner.state, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
}

type Cause = 'the append of derived events' | 'the award jobs' | 'the read models (MULTI)' | 'the checkpoint';

/** Makes the next `times` attempts at `cause` fail as the real dependency would, and counts them. */
function breakOnce(run: ReturnType<typeof parts>, store: SqliteEventStore, cause: Cause, times: number) {
  const failures = { left: times };
  const fail = (what: string) => {
    failures.left--;
    return new EventStoreError('EVENT_STORE_UNAVAILABLE', `injected failure of ${what}`);
  };
  switch (cause) {
    case 'the append of derived events': {
      const append = store.append.bind(store);
      jest
        .spyOn(store, 'append')
        .mockImplementation((stream, events, options) =>
          failures.left > 0 && events.some((e) => e.type !== 'ParticipationRecorded') ? Promise.reject(fail(cause)) : append(stream, events, options),
        );
      break;
    }
    case 'the award jobs': {
      const enqueue = run.awards.enqueueMany.bind(run.awards);
      jest.spyOn(run.awards, 'enqueueMany').mockImplementation((jobs) => (failures.left > 0 ? Promise.reject(fail(cause)) : enqueue(jobs)));
      break;
    }
    case 'the read models (MULTI)': {
      const multi = run.modelsRedis.multi.bind(run.modelsRedis);
      jest.spyOn(run.modelsRedis, 'multi').mockImplementation(() => {
        const m = multi();
        if (failures.left > 0) {
          const error = fail(cause);
          m.exec = () => Promise.reject(error);
        }
        return m;
      });
      break;
    }
    case 'the checkpoint': {
      const set = run.redis.set.bind(run.redis);
      jest
        .spyOn(run.redis, 'set')
        .mockImplementation(((key: string, value: string, ...rest: ['XX']) =>
          failures.left > 0 && key === run.runner.checkpointKey ? Promise.reject(fail(cause)) : set(key, value, ...rest)) as Redis['set']);
      break;
    }
  }
  return failures;
}

describe('projection runner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'laurel-runner-'));
  const source = join(dir, 'source.db');
  let baseline: Awaited<ReturnType<typeof snapshot>>;
  let copies = 0;

  /** A store holding exactly the source log (same ids, same recorded times), for one run. */
  const copyOfSource = () => {
    const file = join(dir, `run-${copies++}.db`);
    copyFileSync(source, file);
    if (existsSync(`${source}-wal`)) copyFileSync(`${source}-wal`, `${file}-wal`);
    return SqliteEventStore.open(file, { synchronous: 'NORMAL' });
  };

  beforeAll(async () => {
    const store = SqliteEventStore.open(source, { synchronous: 'NORMAL' });
    await store.append(programStream('vilnius-tech'), [ruleSetPublished()]);
    await appendAll(store, participations(30, 14, 'r'));
    await store.close();

    const clean = copyOfSource();
    const run = parts(clean);
    try {
      await run.runner.start();
      await caughtUp(run.runner, clean);
      await run.runner.stop();
      baseline = await snapshot(clean, run.redis, run.prefix);
    } finally {
      await run.close();
      await clean.close();
    }
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => jest.restoreAllMocks());

  it('has something to lose: the baseline run derived badges, levels and award jobs', () => {
    const types = new Set(baseline.events.map((e) => e.type));
    expect(types).toEqual(new Set(['RuleSetPublished', 'ParticipationRecorded', 'BadgeEarned', 'LevelReached']));
    expect(baseline.jobs.length).toBe(baseline.events.filter((e) => e.type === 'BadgeEarned').length);
    expect(Object.keys(baseline.models)).toEqual(expect.arrayContaining([':rm:students', ':rm:progression:vilnius-tech', ':index:participations']));
  });

  describe.each<Cause>(['the append of derived events', 'the award jobs', 'the read models (MULTI)', 'the checkpoint'])(
    'when %s fails three times, then works',
    (cause) => {
      it('ends with the same events, read models and award jobs as a run without failures, and says so on its state meanwhile', async () => {
        const store = copyOfSource();
        const run = parts(store);
        const failures = breakOnce(run, store, cause, 3);
        const seen: RunnerState['status'][] = [];
        const watch = setInterval(() => seen.push(run.runner.state.status), 1);
        try {
          await run.runner.start();
          await caughtUp(run.runner, store);
          expect(failures.left).toBe(0);
          expect(seen).toContain('failing');
          expect(run.runner.state.failure).toBeUndefined();
          await run.runner.stop();
          expect(await snapshot(store, run.redis, run.prefix)).toEqual(baseline);
        } finally {
          clearInterval(watch);
          await run.close();
          await store.close();
        }
      }, 60_000);
    },
  );

  describe('when Redis loses everything while the projection follows the log', () => {
    it('notices at its next flush and rebuilds the read models, as a run from scratch of the same log would', async () => {
      const store = copyOfSource();
      const run = parts(store);
      try {
        await run.runner.start();
        await caughtUp(run.runner, store);
        // A Redis restarted without persistence: the checkpoint, read models and indexes are gone.
        const keys = await run.redis.keys(`${run.prefix}:*`);
        await run.redis.del(...keys.filter((k) => !k.startsWith(`${run.prefix}:awards:`)));
        const live = participations(2, 1, 'after-loss');
        await appendAll(store, live);
        await caughtUp(run.runner, store);
        await run.runner.stop();
        const after = await snapshot(store, run.redis, run.prefix);
        expect(after.models[':rm:students']).toEqual(expect.arrayContaining([...(baseline.models[':rm:students'] as string[]), 'after-loss-0', 'after-loss-1']));
        expect(after.models[':rm:progression:vilnius-tech']).toMatchObject(baseline.models[':rm:progression:vilnius-tech'] as object);
      } finally {
        await run.close();
        await store.close();
      }
    }, 60_000);
  });

  describe('when a flush fails while the projection follows live appends', () => {
    it('writes everything once the dependency is back, as a rebuild from scratch of the same log does', async () => {
      const store = copyOfSource();
      const run = parts(store);
      const rebuild = parts(store);
      try {
        await run.runner.start();
        await caughtUp(run.runner, store);
        // Live: one participation at a time, each flushed by the idle timer; the first three of those flushes fail.
        const failures = breakOnce(run, store, 'the read models (MULTI)', 3);
        const live = participations(6, 4, 'live');
        await appendAll(store, live.slice(0, 6));
        for (const row of live.slice(6)) {
          await appendAll(store, [row]);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await caughtUp(run.runner, store);
        expect(failures.left).toBe(0);
        await run.runner.stop();
        const afterFailures = await snapshot(store, run.redis, run.prefix);
        expect(afterFailures.events.filter((e) => e.stream.startsWith('student-live-') && e.type === 'BadgeEarned').length).toBeGreaterThan(0);

        // The same log, projected from scratch with nothing failing, under another prefix: nothing left to append, the same read models and jobs.
        const head = await store.lastPosition();
        await rebuild.runner.start();
        await caughtUp(rebuild.runner, store);
        await rebuild.runner.stop();
        expect(await store.lastPosition()).toBe(head);
        const fromScratch = await snapshot(store, rebuild.redis, rebuild.prefix);
        expect(afterFailures.models).toEqual(fromScratch.models);
        expect(afterFailures.jobs).toEqual(fromScratch.jobs);
      } finally {
        await run.close();
        await rebuild.close();
        await store.close();
      }
    }, 60_000);
  });

  describe('when stopped before its next flush', () => {
    it('flushes what it applied on the way out: checkpoint at the last event applied, the same events and read models', async () => {
      const store = copyOfSource();
      const run = parts(store);
      let applied: bigint | undefined;
      const inner = run.projection;
      const counting: Projection = {
        name: inner.name,
        filter: inner.filter,
        reset: () => inner.reset(),
        resume: (checkpoint) => inner.resume(checkpoint),
        apply: (event) => {
          applied = event.position;
          return inner.apply(event);
        },
        flush: () => inner.flush(),
      };
      // Nothing flushes on its own for a minute: only stop() can write anything.
      const runner = new ProjectionRunner(store, run.redis, run.prefix, counting, {
        idleFlushMs: 60_000,
        liveMaxDelayMs: 60_000,
        maxDelayMs: 60_000,
      });
      const sourceHead = await store.lastPosition();
      try {
        await runner.start();
        while (applied !== sourceHead) await new Promise((resolve) => setTimeout(resolve, 10));
        expect(await run.redis.get(runner.checkpointKey)).toBeNull();
        await runner.stop();
        expect(await run.redis.get(runner.checkpointKey)).toBe(String(sourceHead));
        const { events, models } = await snapshot(store, run.redis, run.prefix);
        expect({ events, models }).toEqual({ events: baseline.events, models: baseline.models });
      } finally {
        await run.close();
        await store.close();
      }
    }, 60_000);
  });

  describe('when applying an event keeps failing', () => {
    it('reports failing with the cause and retries with growing pauses until stopped, without moving the checkpoint', async () => {
      const store = copyOfSource();
      const redis = new Redis(REDIS_URL);
      const prefix = `laurel-test:${randomUUID()}`;
      let attempts = 0;
      const projection: Projection = {
        name: 'poisoned',
        filter: {},
        reset: () => Promise.resolve(),
        apply: (event) => {
          if (event.type === 'ParticipationRecorded') {
            attempts++;
            throw new Error(`cannot fold ${event.id}`);
          }
        },
        flush: () => Promise.resolve(),
      };
      const runner = new ProjectionRunner(store, redis, prefix, projection, { ...OPTIONS, retryMinMs: 20, retryMaxMs: 80 });
      try {
        await runner.start();
        await new Promise((resolve) => setTimeout(resolve, 400));
        const state = runner.state;
        expect(state.status).toBe('failing');
        expect(state.failure?.error).toMatch(/cannot fold/);
        // 20 + 40 + 80 + 80 ms of pauses fit in 400 ms: a handful of attempts, not a hot loop.
        expect(state.failure?.attempts).toBeGreaterThanOrEqual(3);
        expect(state.failure?.attempts).toBeLessThanOrEqual(8);
        expect(attempts).toBe(state.failure?.attempts);
        expect(await redis.get(runner.checkpointKey)).toBeNull();
        await runner.stop();
        expect(runner.state.status).toBe('stopped');
      } finally {
        await runner.stop();
        await redis.del(runner.checkpointKey);
        redis.disconnect();
        await store.close();
      }
    });
  });
});
