/**
 * `npm run bench -- pipeline [--duration 30] [--connections 64] [--events 1000000] [--topologies 1,2,3]`
 * (`--topologies 4` adds the API process alone, with no projection or award worker: a diagnostic of the API's own ceiling)
 *
 * 1. HTTP `POST /participations` with 64 concurrent connections for 30 s
 *    (`--duration 0` skips this and the lag phase)
 *    against the real engine on the embedded store, in three topologies: one
 *    command (`npm start`: the API and the worker process it starts); the API
 *    and a worker started apart; the API, a projection-only worker and an
 *    award-only worker -> requests/s, p50/p99 latency.
 * 2. Projection lag at 1,000 events/s, once the load's awards are signed:
 *    from the moment an append is acknowledged to the moment the read models
 *    include it (the projection checkpoint passes it) -> p50/p99.
 * 3. Rebuild (`--events 0` skips it): 1,000,000 participation events written straight to a store
 *    file, processed once by the engine (award worker off) -> events/s; the
 *    awards it made signed by an engine with the award worker on (as in
 *    production, long before a rebuild); then the read models rebuilt from
 *    scratch (no checkpoint, award worker off) -> events/s.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type NewEvent } from '@laurel/event-store';
import { loadOrCreateLocalAuthKey, mintLocalToken } from '@laurel/platform';
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { ENGINE_NODE_FLAGS, kill9, spawnEngine, type SpawnedEngine } from '../test/support/spawn-engine';
import { REPO_ROOT } from '../test/support/test-engine';

const ACTIVITIES = [
  'basketball-league',
  'running-club',
  'photo-club',
  'university-choir',
  'robotics-club',
  'hackathon',
  'food-bank',
  'student-union',
  'esn-buddy',
  'startup-weekend',
];
const ROLES = ['participant', 'participant', 'volunteer', 'organiser', 'leader'] as const;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
}

/** CPU seconds (user + system, every thread) process `pid` has used so far; NaN where /proc is missing. */
function cpuOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** The processes an engine process started (the all-in-one engine's worker process); none where /proc is missing. */
function childrenOf(pid: number | undefined): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds a child process has used so far, and the processes it started (the all-in-one's worker) apart. */
function cpuSeconds(child: ChildProcess): { own: number; started: number } {
  return { own: cpuOf(child.pid), started: childrenOf(child.pid).reduce((sum, pid) => sum + cpuOf(pid), 0) };
}

/** Each engine process's CPU per unit of work between two readings, as one line. */
function cpuPer(
  processes: ChildProcess[],
  before: { own: number; started: number }[],
  after: { own: number; started: number }[],
  units: number,
): string {
  const us = (seconds: number) => `${((seconds * 1e6) / units).toFixed(0)} µs`;
  return processes
    .map((_, i) => {
      const [b, a] = [before[i], after[i]];
      if (!a || !b) return '';
      const name = i === 0 ? 'API process' : `worker ${i}`;
      const started = a.started - b.started;
      return `${name} ${us(a.own - b.own)}${started > 0 ? `, the worker process it started ${us(started)}` : ''}`;
    })
    .join(', ');
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export interface Env {
  dir: string;
  env: Record<string, string>;
  token: (role: 'coordinator' | 'admin' | 'designer') => Promise<string>;
}

/** A data dir (a fresh one unless `dir` is given) with its own auth key and Redis prefix, and tokens the engine started on it accepts. */
export async function environment(dir = mkdtempSync(join(tmpdir(), 'laurel-bench-'))): Promise<Env> {
  const key = await loadOrCreateLocalAuthKey(join(dir, 'keys', 'auth-local.jwk.json'));
  return {
    dir,
    env: { LAUREL_DATA_DIR: dir, LAUREL_REDIS_PREFIX: `laurel-bench:${randomUUID()}`, LAUREL_RATE_LIMIT_PER_MINUTE: '0' },
    token: (role) =>
      mintLocalToken(
        key,
        { issuer: 'laurel-local', audience: 'laurel', rolesClaim: 'roles' },
        { sub: `${role}-bench`, roles: [role], ttlSeconds: 7200 },
      ),
  };
}

const body = (studentId: string) =>
  JSON.stringify({
    participationId: randomUUID(),
    studentId,
    activityId: ACTIVITIES[Math.floor(Math.random() * ACTIVITIES.length)],
    occurredAt: new Date(Date.now() - Math.floor(Math.random() * 300) * 86_400_000).toISOString(),
    role: ROLES[Math.floor(Math.random() * ROLES.length)],
    hours: 1 + Math.floor(Math.random() * 4),
  });

/** Reads the projection checkpoint from Redis and the log head from the store file: works for every topology. */
class Probe {
  private readonly redis: Redis;
  private readonly store: SqliteEventStore;
  constructor(private readonly env: Env) {
    this.redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    this.store = SqliteEventStore.open(join(env.dir, 'events.sqlite'));
  }
  async status(): Promise<{ checkpoint: bigint; head: bigint }> {
    const [saved, head] = await Promise.all([
      this.redis.get(`${this.env.env.LAUREL_REDIS_PREFIX}:projection:rules:checkpoint`),
      this.store.lastPosition(),
    ]);
    return { checkpoint: saved === null ? -1n : BigInt(saved), head };
  }
  /** Also removes the engine's Redis keys: a full run leaves hundreds of thousands (read models, award jobs). */
  async close(keepKeys = false): Promise<void> {
    if (!keepKeys) {
      const keys = this.redis.scanStream({ match: `${this.env.env.LAUREL_REDIS_PREFIX}:*`, count: 1000 });
      for await (const batch of keys as AsyncIterable<string[]>) if (batch.length > 0) await this.redis.unlink(...batch);
    }
    this.redis.disconnect();
    await this.store.close();
  }
}

async function caughtUp(probe: Probe, timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const s = await probe.status();
    if (s.checkpoint >= s.head) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`projection still behind after ${timeoutMs} ms (${s.checkpoint} of ${s.head})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the award queue holds no job waiting, running or retrying: the load phase's awards are signed. */
async function awardsDrained(env: Env, timeoutMs: number): Promise<number> {
  const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const queue = new Queue('awards', { connection, prefix: env.env.LAUREL_REDIS_PREFIX });
  const started = performance.now();
  try {
    for (;;) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return performance.now() - started;
      if (performance.now() - started > timeoutMs) throw new Error(`award queue not drained after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

async function httpLoad(engine: SpawnedEngine, token: string, connections: number, duration: number) {
  const students = Array.from({ length: 5000 }, (_, i) => `b-${i}`);
  const result = await autocannon({
    url: engine.url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/participations',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        setupRequest: (req) => ({ ...req, body: body(students[Math.floor(Math.random() * students.length)] ?? 'b-0') }),
      },
    ],
  });
  return result;
}

async function lag(engine: SpawnedEngine, probe: Probe, token: string, rate: number, seconds: number) {
  // Appends acknowledged and not yet seen in the read models; the poller only walks these.
  let waiting: { position: bigint; at: number }[] = [];
  const lags: number[] = [];
  let sent = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const { checkpoint } = await probe.status();
      const now = performance.now();
      const still: typeof waiting = [];
      for (const a of waiting) {
        if (a.position <= checkpoint) lags.push(now - a.at);
        else still.push(a);
      }
      waiting = still;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  // node:http with keep-alive rather than fetch: the load generator shares the machine's two cores with the engine.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(`${engine.url}/participations`);
  const post = (payload: string) =>
    new Promise<{ position: number }>((resolve, reject) => {
      const req = http.request(target, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(payload) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          res.statusCode === 201 ? resolve(JSON.parse(text) as { position: number }) : reject(new Error(`HTTP ${res.statusCode}: ${text}`)),
        );
      });
      req.on('error', reject);
      req.end(payload);
    });
  const perTick = rate / 100;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  for (let tick = 0; tick < seconds * 100; tick++) {
    const due = start + tick * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (let k = 0; k < perTick; k++) {
      // Stay an open-loop load of `rate`/s while the engine keeps up; never more than 256 requests in flight.
      if (inflight.length - sent >= 256) break;
      inflight.push(
        post(body(`lag-${Math.floor(Math.random() * 2000)}`)).then((b) => {
          sent += 1;
          waiting.push({ position: BigInt(b.position), at: performance.now() });
        }),
      );
    }
  }
  await Promise.all(inflight);
  await caughtUp(probe, 120_000);
  await new Promise((r) => setTimeout(r, 50));
  polling = false;
  await poller;
  agent.destroy();
  lags.sort((a, b) => a - b);
  return {
    sent,
    measured: lags.length,
    p50: pct(lags, 50),
    p99: pct(lags, 99),
    max: lags.at(-1) ?? NaN,
    seconds: (performance.now() - start) / 1000,
  };
}

/** Writes `total` participation events for `students` students (`h-0` ...) straight to the store file, a student's stream in one append. */
export async function writeHistory(file: string, total: number, students: number): Promise<void> {
  const store = SqliteEventStore.open(file);
  const perStudent = Math.ceil(total / students);
  const base = Date.now() - 400 * 86_400_000;
  const pending: Promise<unknown>[] = [];
  for (let s = 0; s < students; s++) {
    const events: NewEvent[] = [];
    for (let k = 0; k < perStudent && s * perStudent + k < total; k++) {
      const participationId = randomUUID();
      events.push({
        id: randomUUID(),
        type: 'ParticipationRecorded',
        data: {
          participationId,
          studentId: `h-${s}`,
          activityId: ACTIVITIES[(s + k) % ACTIVITIES.length],
          occurredAt: new Date(base + k * 86_400_000).toISOString(),
          role: ROLES[(s * 3 + k) % ROLES.length],
          hours: 1 + ((s + k) % 4),
        },
        metadata: { actor: 'bench' },
      });
    }
    pending.push(store.append(`student-h-${s}`, events, { expectedRevision: 'no_stream' }));
    if (pending.length >= 64) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await store.close();
}

/** Starts an engine with no checkpoint in Redis and measures how fast its projection processes the whole log. */
async function timedBuild(phase: string, env: Record<string, string>, history: Env, line: (s: string) => void, keepKeys = false): Promise<void> {
  const spawned = performance.now();
  const engine = await spawnEngine(env);
  const probe = new Probe({ ...history, env });
  try {
    const { head } = await probe.status();
    // The rate is taken between the first checkpoint seen and the end, so process start-up (loading
    // and compiling the TypeScript sources, about 2 s here) is not counted as rebuild time.
    let first: { at: number; checkpoint: bigint } | undefined;
    for (;;) {
      const s = await probe.status();
      if (s.checkpoint >= 0n) first ??= { at: performance.now(), checkpoint: s.checkpoint };
      if (s.checkpoint >= head) break;
      if (performance.now() - spawned > 1_800_000) throw new Error(`${phase} still behind after 30 minutes`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const end = performance.now();
    const rate = first && end > first.at ? (Number(head - first.checkpoint) / (end - first.at)) * 1000 : NaN;
    line(
      `   ${phase}: ${head.toLocaleString('en')} log events, ${rate.toFixed(0)} events/s (${(head - (first?.checkpoint ?? 0n)).toLocaleString('en')} events after the first checkpoint in ${((end - (first?.at ?? end)) / 1000).toFixed(1)} s; ${((end - spawned) / 1000).toFixed(1)} s from the process start)`,
    );
  } finally {
    await kill9(engine.child);
    await probe.close(keepKeys);
  }
}

export async function run(args: string[]): Promise<void> {
  const duration = option(args, 'duration', 30);
  const connections = option(args, 'connections', 64);
  const total = option(args, 'events', 1_000_000);
  const line = (s: string) => process.stdout.write(`${s}\n`);

  line(`pipeline benchmark: embedded SQLite (synchronous=FULL), engine in child processes, Node ${process.version}, ${cpus().length} cores`);
  // Each topology: the API's environment and one environment per worker process (apps/worker/src/main.ts).
  const topologies: { name: string; api: Record<string, string>; workers: Record<string, string>[] }[] = [
    // The API starts the worker as a process of its own (ADR 0010).
    { name: 'all-in-one (npm start)', api: {}, workers: [] },
    { name: 'API process + worker process', api: { LAUREL_ROLE: 'api' }, workers: [{}] },
    {
      name: 'API process + projection process + award process',
      api: { LAUREL_ROLE: 'api' },
      workers: [{ LAUREL_AWARD_WORKER: 'off' }, { LAUREL_PROJECTION: 'off' }],
    },
    // Not a deployment: the API's own ceiling, with nothing else on the cores (only with --topologies 4).
    { name: 'API process alone, no projection or award worker (diagnostic)', api: { LAUREL_ROLE: 'api' }, workers: [] },
  ];
  const chosen = new Set((args[args.indexOf('--topologies') + 1] ?? '').split(',').filter(Boolean).map(Number));
  const run = args.includes('--topologies') ? topologies.filter((_, i) => chosen.has(i + 1)) : topologies.slice(0, 3);
  for (const topology of duration > 0 ? run : []) {
    const live = await environment();
    let engine: SpawnedEngine | undefined;
    const workers: ChildProcess[] = [];
    const probe = new Probe(live);
    try {
      engine = await spawnEngine({ ...live.env, LAUREL_LOG_LEVEL: 'warn', ...topology.api });
      for (const env of topology.workers) {
        workers.push(
          spawn(
            process.execPath,
            [...ENGINE_NODE_FLAGS, '-r', '@swc-node/register', '-r', 'tsconfig-paths/register', join(REPO_ROOT, 'apps/worker/src/main.ts')],
            {
              cwd: REPO_ROOT,
              env: { ...process.env, ...live.env, LAUREL_LOG_LEVEL: 'warn', SWC_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), ...env },
              stdio: 'ignore',
            },
          ),
        );
      }
      if (workers.length > 0) await caughtUp(probe, 60_000).catch(() => undefined);
      const token = await live.token('coordinator');
      line(`\n[${topology.name}]`);
      line(`1) POST /participations, ${connections} connections, ${duration} s`);
      const processes = [engine.child, ...workers];
      const cpuBefore = processes.map(cpuSeconds);
      const load = await httpLoad(engine, token, connections, duration);
      const cpuAfter = processes.map(cpuSeconds);
      line(
        `   ${load.requests.average.toFixed(0)} requests/s (total ${load.requests.total}), latency p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, non-2xx ${load.non2xx}, errors ${load.errors}`,
      );
      // Where the two cores went: each engine process's CPU per request answered during the load.
      line(`   CPU per request: ${cpuPer(processes, cpuBefore, cpuAfter, load.requests.total)}`);
      line(`   target: >= 2,000 requests/s with p99 <= 50 ms`);
      // Nothing projects in the diagnostic topology: no lag to measure.
      if (topology.api.LAUREL_ROLE === 'api' && topology.workers.length === 0) continue;
      const drain = await caughtUp(probe, 300_000);
      const signed = await awardsDrained(live, 300_000);
      line(
        `   projection caught up ${(drain / 1000).toFixed(1)} s after the load ended, the awards it made were signed ${(signed / 1000).toFixed(1)} s later`,
      );
      line(`2) projection lag at 1,000 events/s for 10 s (append acknowledged -> read model updated)`);
      const lagCpuBefore = processes.map(cpuSeconds);
      const l = await lag(engine, probe, token, 1000, 10);
      const lagCpuAfter = processes.map(cpuSeconds);
      line(
        `   ${l.sent} appends in ${l.seconds.toFixed(1)} s; lag p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms`,
      );
      // At a fixed rate the batches each process sees do not depend on how fast the machine is, unlike under the load above.
      line(`   CPU per append: ${cpuPer(processes, lagCpuBefore, lagCpuAfter, l.sent)}`);
      line(`   target: p99 <= 250 ms`);
    } catch (err) {
      line(`engine output:\n${engine?.output().slice(-3000) ?? ''}`);
      throw err;
    } finally {
      if (engine) await kill9(engine.child);
      for (const worker of workers) await kill9(worker);
      await probe.close();
      rmSync(live.dir, { recursive: true, force: true });
    }
  }

  if (total <= 0) return;
  line(`\n3) ${total.toLocaleString('en')} events for 5,000 students: first build, the awards signed, then a rebuild from scratch`);
  const history = await environment();
  try {
    // Start once on the empty store so the rule file is published before the history.
    await kill9((await spawnEngine({ ...history.env, LAUREL_LOG_LEVEL: 'warn' })).child);
    const t0 = performance.now();
    await writeHistory(join(history.dir, 'events.sqlite'), total, 5000);
    line(`   wrote the history in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const built = { ...history.env, LAUREL_LOG_LEVEL: 'warn', LAUREL_REDIS_PREFIX: `laurel-bench:${randomUUID()}`, LAUREL_AWARD_WORKER: 'off' };
    await timedBuild('first build', built, history, line, true);
    // Sign what the first build awarded, as a running engine would have long before anyone rebuilds: the rebuild
    // then finds every award's credential in the log and queues nothing.
    const signer = await spawnEngine({ ...built, LAUREL_AWARD_WORKER: 'on' });
    const probe = new Probe({ ...history, env: built });
    try {
      const signing = await awardsDrained({ ...history, env: built }, 1_800_000);
      await caughtUp(probe, 60_000);
      const { head } = await probe.status();
      line(`   awards signed in ${(signing / 1000).toFixed(1)} s by one engine process; the log now holds ${head.toLocaleString('en')} events`);
    } finally {
      await kill9(signer.child);
      await probe.close();
    }
    await timedBuild('rebuild', { ...built, LAUREL_REDIS_PREFIX: `laurel-bench:${randomUUID()}` }, history, line);
    line(`   target: rebuild >= 50,000 events/s`);
  } finally {
    rmSync(history.dir, { recursive: true, force: true });
  }
}
