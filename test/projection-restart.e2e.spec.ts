import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { SqliteEventStore } from '@laurel/event-store';
import { loadOrCreateLocalAuthKey, mintLocalToken } from '@laurel/platform';
import { kill9, spawnEngine, type SpawnedEngine } from './support/spawn-engine';

const STUDENTS = 500;
const PER_STUDENT = 20;
const ACTIVITIES = ['basketball-league', 'running-club', 'photo-club', 'university-choir', 'robotics-club', 'hackathon', 'food-bank', 'student-union'];
const ROLES = ['participant', 'volunteer', 'organiser', 'leader'];
const DAY = 86_400_000;

/** 10,000 participations, the same for both runs: ids, students, activities and dates are fixed up front. */
function workload() {
  const base = Date.now();
  const rows = [];
  for (let i = 0; i < STUDENTS * PER_STUDENT; i++) {
    const s = i % STUDENTS;
    const k = Math.floor(i / STUDENTS);
    rows.push({
      participationId: randomUUID(),
      studentId: `r-${s}`,
      activityId: ACTIVITIES[(s * 7 + k * 3) % ACTIVITIES.length],
      occurredAt: new Date(base - (200 - k * 5) * DAY).toISOString(),
      role: ROLES[(s + k) % ROLES.length],
      hours: 1 + ((s + k) % 6),
    });
  }
  return rows;
}

interface Run {
  dir: string;
  prefix: string;
  env: Record<string, string>;
  headers: Record<string, string>;
  admin: Record<string, string>;
}

async function prepare(): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'laurel-restart-'));
  const prefix = `laurel-test:${randomUUID()}`;
  const key = await loadOrCreateLocalAuthKey(join(dir, 'keys', 'auth-local.jwk.json'));
  const auth = { issuer: 'laurel-local', audience: 'laurel', rolesClaim: 'roles' };
  const bearer = async (role: 'coordinator' | 'admin') => `Bearer ${await mintLocalToken(key, auth, { sub: `${role}-1`, roles: [role] })}`;
  return {
    dir,
    prefix,
    env: { LAUREL_DATA_DIR: dir, LAUREL_REDIS_PREFIX: prefix, LAUREL_LOG_LEVEL: 'warn' },
    headers: { 'content-type': 'application/json', authorization: await bearer('coordinator') },
    admin: { authorization: await bearer('admin') },
  };
}

async function send(engine: SpawnedEngine, run: Run, rows: unknown[]): Promise<void> {
  const res = await fetch(`${engine.url}/participations/batch`, { method: 'POST', headers: run.headers, body: JSON.stringify({ participations: rows }) });
  const body = (await res.json()) as { summary: { rejected: number } };
  expect(res.status).toBe(200);
  expect(body.summary.rejected).toBe(0);
}

/** Waits until the projection's checkpoint has been at the log's head twice in a row. */
async function caughtUp(engine: SpawnedEngine, run: Run): Promise<void> {
  let streak = 0;
  for (let i = 0; i < 600 && streak < 2; i++) {
    const res = await fetch(`${engine.url}/admin/projections`, { headers: run.admin });
    const status = (await res.json()) as { lag: string | null };
    streak = status.lag === '0' ? streak + 1 : 0;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(streak).toBe(2);
}

/** The read models and the awards of a run, without timestamps (each run records at its own wall-clock time). */
async function snapshot(run: Run) {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const docs = await redis.hgetall(`${run.prefix}:rm:progression:vilnius-tech`);
  const students = await redis.smembers(`${run.prefix}:rm:students`);
  const keys = await redis.keys(`${run.prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  const strip = (doc: string) => {
    const d = JSON.parse(doc) as Record<string, unknown>;
    const text = JSON.stringify({ ...d, position: undefined }, (k, v: unknown) =>
      ['earnedAt', 'reachedAt', 'since', 'expiresAt', 'credentialId', 'decidedAt'].includes(k) ? undefined : v,
    );
    return JSON.parse(text) as unknown;
  };
  const store = SqliteEventStore.open(join(run.dir, 'events.sqlite'));
  const earned = await store.readAll({ filter: { eventTypes: ['BadgeEarned'] } });
  await store.close();
  const perPair = new Map<string, number>();
  for (const e of earned) {
    const { studentId, badgeId } = e.data as { studentId: string; badgeId: string };
    perPair.set(`${studentId}/${badgeId}`, (perPair.get(`${studentId}/${badgeId}`) ?? 0) + 1);
  }
  return { docs: Object.fromEntries(Object.entries(docs).map(([k, v]) => [k, strip(v)])), students: students.sort(), perPair };
}

describe('when the engine is stopped mid-way through 10,000 participations and started again', () => {
  const rows = workload();
  const batches = Array.from({ length: rows.length / 1000 }, (_, i) => rows.slice(i * 1000, (i + 1) * 1000));
  const runs: Run[] = [];
  afterAll(() => runs.forEach((r) => rmSync(r.dir, { recursive: true, force: true })));

  it('ends with the same read models and exactly one BadgeEarned per (student, badge) as a run without the stop', async () => {
    // With a SIGKILL after half the batches.
    const stopped = await prepare();
    runs.push(stopped);
    let engine = await spawnEngine(stopped.env);
    try {
      for (const batch of batches.slice(0, 5)) await send(engine, stopped, batch);
    } finally {
      await kill9(engine.child);
    }
    engine = await spawnEngine(stopped.env);
    try {
      for (const batch of batches.slice(4)) await send(engine, stopped, batch);
      await caughtUp(engine, stopped);
    } finally {
      await kill9(engine.child);
    }

    // Without a stop.
    const straight = await prepare();
    runs.push(straight);
    engine = await spawnEngine(straight.env);
    try {
      for (const batch of batches) await send(engine, straight, batch);
      await caughtUp(engine, straight);
    } finally {
      await kill9(engine.child);
    }

    const a = await snapshot(stopped);
    const b = await snapshot(straight);
    expect(a.students).toHaveLength(STUDENTS);
    expect(a.students).toEqual(b.students);
    expect(Object.keys(a.docs)).toHaveLength(STUDENTS);
    expect(a.docs).toEqual(b.docs);
    expect(a.perPair.size).toBeGreaterThan(STUDENTS);
    expect([...a.perPair.values()].every((n) => n === 1)).toBe(true);
    expect([...a.perPair.keys()].sort()).toEqual([...b.perPair.keys()].sort());
  }, 240_000);
});

describe('when the read models are rebuilt after the awards are signed', () => {
  let run: Run | undefined;
  afterAll(() => run && rmSync(run.dir, { recursive: true, force: true }));

  it('appends nothing, issues no second credential, and rebuilds the same read models', async () => {
    run = await prepare();
    const rows = workload().slice(0, 2000);
    const engine = await spawnEngine(run.env);
    const store = SqliteEventStore.open(join(run.dir, 'events.sqlite'));
    const count = async (type: string) => (await store.readAll({ filter: { eventTypes: [type] } })).length;
    try {
      await send(engine, run, rows.slice(0, 1000));
      await send(engine, run, rows.slice(1000));
      await caughtUp(engine, run);
      // Every award signed: as many credentials as awards (the worker runs in the same process).
      for (let i = 0; i < 600 && (await count('CredentialIssued')) < (await count('BadgeEarned')); i++) await new Promise((r) => setTimeout(r, 100));
      const earned = await count('BadgeEarned');
      expect(earned).toBeGreaterThan(0);
      expect(await count('CredentialIssued')).toBe(earned);
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      const before = await redis.hgetall(`${run.prefix}:rm:progression:vilnius-tech`);
      redis.disconnect();
      const head = await store.lastPosition();

      const res = await fetch(`${engine.url}/admin/projections/rebuild`, { method: 'POST', headers: run.admin });
      expect(res.status).toBe(202);
      await caughtUp(engine, run);
      await new Promise((r) => setTimeout(r, 500));

      expect(await store.lastPosition()).toBe(head);
      expect(await count('CredentialIssued')).toBe(earned);
      const again = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      const after = await again.hgetall(`${run.prefix}:rm:progression:vilnius-tech`);
      again.disconnect();
      // The same documents, to the credential ids and dates (all from the log).
      expect(Object.keys(after)).toHaveLength(Object.keys(before).length);
      expect(after).toEqual(before);
      await snapshot(run);
    } finally {
      await kill9(engine.child);
      await store.close();
    }
  }, 120_000);
});
