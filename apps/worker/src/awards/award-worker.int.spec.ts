import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore, RecordedEvent } from '@laurel/event-store';
import { connectRedis, loadConfig, LookupIndex, openEventStore, RuleSetRegistry, SigningKeys, type LaurelConfig } from '@laurel/platform';
import { studentStream, type BadgeEarned, type CredentialIssued } from '@laurel/progression';
import type { Redis } from 'ioredis';
import { kill9 } from '../../../../test/support/spawn-engine';
import { REPO_ROOT } from '../../../../test/support/test-engine';
import { AwardQueue, type AwardJob } from './award-queue';
import { AwardSigner } from './sign-award';
import { StatusListAllocator } from './status-list-allocator';
import { StudentHistory } from './student-history';

interface Fixture {
  env: Record<string, string>;
  config: LaurelConfig;
  store: EventStore;
  redis: Redis;
  queue: AwardQueue;
  dataDir: string;
  ruleSetHash: string;
  ruleSetVersion: number;
  close(): Promise<void>;
}

/** An engine's data folder and Redis prefix of its own, with the program's rules published. */
async function fixture(): Promise<Fixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-awards-'));
  const env = {
    LAUREL_DATA_DIR: dataDir,
    LAUREL_REDIS_PREFIX: `laurel-test:${randomUUID()}`,
    LAUREL_PUBLIC_URL: 'http://laurel.test',
    LAUREL_RULES_DIR: join(REPO_ROOT, 'rules'),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  const config = loadConfig(env, REPO_ROOT);
  const store = openEventStore(config.eventStore);
  const redis = await connectRedis(config.redisUrl);
  const registry = new RuleSetRegistry(store, config);
  await registry.onModuleInit();
  const active = registry.get('vilnius-tech');
  await registry.onApplicationShutdown();
  if (!active) throw new Error('the vilnius-tech rule set did not publish');
  const queue = new AwardQueue(config);
  return {
    env,
    config,
    store,
    redis,
    queue,
    dataDir,
    ruleSetHash: active.ruleSet.sha256,
    ruleSetVersion: active.version,
    async close() {
      await queue.onApplicationShutdown();
      const keys = await redis.keys(`${config.redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Appends one BadgeEarned per award (as the rule projection would) and returns the jobs for them. */
async function earn(f: Fixture, count: number, badgeId = 'sports-participant'): Promise<AwardJob[]> {
  const jobs = Array.from({ length: count }, (_, i) => ({
    awardId: randomUUID(),
    studentId: `k-${i}-${randomUUID().slice(0, 6)}`,
    programId: 'vilnius-tech',
    badgeId,
  }));
  await Promise.all(
    jobs.map((job) => {
      const data: BadgeEarned['data'] = {
        ...job,
        earnedAt: '2026-09-17T16:00:00.000Z',
        ruleSetHash: f.ruleSetHash,
        ruleSetVersion: f.ruleSetVersion,
        basis: [],
      };
      return f.store.append(studentStream(job.studentId), [{ id: job.awardId, type: 'BadgeEarned', data }], { expectedRevision: 'no_stream' });
    }),
  );
  return jobs;
}

const issued = async (store: EventStore) =>
  (await store.readAll({ filter: { eventTypes: ['CredentialIssued'] } })) as RecordedEvent<'CredentialIssued', CredentialIssued['data']>[];

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', '-r', 'tsconfig-paths/register', join(REPO_ROOT, 'test/support/award-worker-process.ts')],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, SWC_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('award worker ready')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`award worker exited with ${code}:\n${out}`)));
  });
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Exactly one CredentialIssued per award, each with its own status list entry, and nothing else. */
async function expectOneCredentialPerAward(f: Fixture, jobs: AwardJob[]): Promise<void> {
  const credentials = await issued(f.store);
  const perAward = new Map<string, number>();
  for (const c of credentials) perAward.set(c.data.awardId, (perAward.get(c.data.awardId) ?? 0) + 1);
  expect(credentials).toHaveLength(jobs.length);
  expect(jobs.every((job) => perAward.get(job.awardId) === 1)).toBe(true);
  expect(new Set(credentials.map((c) => `${c.data.statusListId}#${c.data.statusListIndex}`)).size).toBe(jobs.length);
  const allocations = await f.store.readAll({ filter: { eventTypes: ['StatusEntryAllocated'] } });
  expect(allocations).toHaveLength(jobs.length);
}

/** An AwardSigner wired by hand on the fixture's store and Redis, outside any queue worker. */
async function standaloneSigner(f: Fixture): Promise<{ signer: AwardSigner; registry: RuleSetRegistry }> {
  const registry = new RuleSetRegistry(f.store, f.config);
  await registry.start();
  const keys = new SigningKeys(f.config);
  await keys.ready();
  const signer = new AwardSigner(
    f.store,
    f.config,
    registry,
    keys,
    new StatusListAllocator(f.store),
    new LookupIndex(f.redis, f.config),
    new StudentHistory(f.store),
  );
  return { signer, registry };
}

describe('when the award worker is killed in the middle of 1,000 awards and started again', () => {
  let f: Fixture;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(async () => {
    await Promise.all(children.map(kill9));
    await f.close();
  });

  it('ends with exactly 1,000 CredentialIssued events, one per award', async () => {
    const jobs = await earn(f, 1000);
    await f.queue.queue.addBulk(jobs.map((job) => ({ name: 'sign-award', data: job, opts: { jobId: job.awardId } })));

    const first = await startWorker(f.env);
    children.push(first);
    await until(async () => (await issued(f.store)).length >= 250, '250 credentials', 60_000);
    await kill9(first);
    const atKill = (await issued(f.store)).length;
    expect(atKill).toBeLessThan(1000);

    const second = await startWorker(f.env);
    children.push(second);
    await until(
      async () => {
        const {
          waiting = 0,
          active = 0,
          delayed = 0,
          completed = 0,
          failed = 0,
        } = await f.queue.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
        return completed + failed === 1000 && active + waiting + delayed === 0;
      },
      'every award job to finish',
      90_000,
    );
    await kill9(second);

    expect(await f.queue.queue.getFailedCount()).toBe(0);
    await expectOneCredentialPerAward(f, jobs);
    console.log(`kill-worker run: ${atKill} credentials when the worker was killed, 1000 after the restart, no duplicates`);
  }, 180_000);
});

describe('when the same award is signed more than once', () => {
  let f: Fixture;
  const signed: AwardJob[] = [];
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(async () => {
    await Promise.all(children.map(kill9));
    await f.close();
  });

  it('gives one credential when the award is enqueued twice and its job runs three times at once', async () => {
    const [job] = await earn(f, 1);
    await f.queue.enqueue(job!);
    await f.queue.enqueue(job!);
    expect(await f.queue.queue.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(1);
    await f.queue.queue.drain();

    const { signer, registry } = await standaloneSigner(f);
    // A duplicate delivered after completion, or a stalled job run again while the first run is still going.
    const outcomes = await Promise.all([signer.sign(job!), signer.sign(job!), signer.sign(job!)]);
    const again = await signer.sign(job!);
    await registry.onApplicationShutdown();
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['already-issued', 'already-issued', 'issued']);
    expect(new Set([...outcomes, again].map((o) => ('credentialId' in o ? o.credentialId : undefined))).size).toBe(1);
    expect(again.outcome).toBe('already-issued');
    signed.push(job!);
    await expectOneCredentialPerAward(f, signed);
  }, 30_000);

  it('issues nothing for an award revoked before it was signed, and gives up at once on a rule set never published', async () => {
    const [revoked, orphan] = await earn(f, 2);
    await f.store.append(studentStream(revoked!.studentId), [
      {
        id: randomUUID(),
        type: 'AwardRevoked',
        data: { ...revoked!, reason: 'recorded for the wrong student', revokedAt: new Date().toISOString(), cause: 'coordinator' },
      },
    ]);
    const [earned] = await f.store.readStream(studentStream(orphan!.studentId));
    const unknownRules = { ...orphan!, studentId: `${orphan!.studentId}-x`, awardId: randomUUID() };
    await f.store.append(studentStream(unknownRules.studentId), [
      { id: unknownRules.awardId, type: 'BadgeEarned', data: { ...(earned!.data as object), ...unknownRules, ruleSetHash: 'f'.repeat(64) } },
    ]);

    const { signer, registry } = await standaloneSigner(f);
    expect(await signer.sign(revoked!)).toEqual({ outcome: 'revoked', awardId: revoked!.awardId });
    await expect(signer.sign(unknownRules)).rejects.toMatchObject({
      name: 'UnrecoverableError',
      message: expect.stringMatching(/was never published/),
    });
    await registry.onApplicationShutdown();
    const credentials = await issued(f.store);
    expect(credentials.filter((c) => c.data.awardId === revoked!.awardId || c.data.awardId === unknownRules.awardId)).toEqual([]);
  });

  it('gives one credential per award when two worker processes run the same awards at once', async () => {
    const jobs = await earn(f, 100);
    // The same award under two job ids: both workers pick it up.
    await f.queue.queue.addBulk(
      jobs.flatMap((job) => [
        { name: 'sign-award', data: job, opts: { jobId: job.awardId } },
        { name: 'sign-award', data: job, opts: { jobId: `${job.awardId}-again` } },
      ]),
    );
    const workers = await Promise.all([startWorker(f.env), startWorker(f.env)]);
    children.push(...workers);
    await until(async () => (await f.queue.queue.getJobCounts('completed')).completed === 200, 'both copies of every job', 60_000);
    expect(await f.queue.queue.getFailedCount()).toBe(0);
    signed.push(...jobs);
    await expectOneCredentialPerAward(f, signed);
  }, 90_000);
});
