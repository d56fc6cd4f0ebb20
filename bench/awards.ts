/**
 * `npm run bench -- awards [--awards N] [--concurrency N] [--alg RS256|ES256] [--extra-workers N]`
 *
 * Signed credentials per second through the award queue (BullMQ job ->
 * read what is new in the student's stream -> status list index from a
 * reserved block -> build -> sign -> append CredentialIssued -> append the
 * award's StatusEntryAllocated and write the lookup index), for RS256 and
 * ES256, each beside raw jose signing of the same credential payload with the
 * same key in the same run: one signature at a time, and as many in flight as
 * the worker runs jobs (jose signs on libuv's thread pool, so that is the
 * machine's signing ceiling). Also the same queue with a no-op processor: the
 * most any BullMQ worker gets through here. The worker runs with the engine's
 * default options (concurrency {@link AWARD_WORKER_DEFAULTS}, 128) unless
 * `--concurrency` says otherwise. Target: the queue reaches at least 0.7 of
 * the raw rate.
 *
 * It also prints the CPU each credential cost through the queue: on the main
 * thread (BullMQ, the store, building the credential, handing the signature
 * to libuv's pool; Linux only), in the whole process (the pool's signing
 * included) and in the Redis server (BullMQ's scripts, the lookup index);
 * the CPU of one raw signature; and the main thread's and Redis's CPU per
 * no-op BullMQ job. On a shared machine the rates swing with its load; the
 * CPU per credential much less. Process plus Redis is what one credential
 * costs the machine, so the cores divided by it bound the queue's rate
 * however the work is spread over threads or processes: the last lines print
 * that bound beside the raw rate.
 *
 * `--extra-workers N` runs N more award workers beside the engine's, each in
 * a worker thread with an engine of its own on the same data folder and Redis
 * prefix (as N more `awards` processes would be): how the queue scales when
 * the award step is spread over the machine's cores.
 *
 * On a 2-core machine the worker's main thread is what saturates: BullMQ's
 * own per-job work (see the no-op line), the per-job store commit (one
 * fsync shared by the jobs in flight), and signing's dispatch to the thread
 * pool, all competing with Redis and the pool threads for the two cores.
 * A second award worker does not help there: with `--extra-workers 1` each
 * engine commits smaller groups and both contend for SQLite's write lock, so
 * ES256 cost 647 µs of process CPU per credential instead of 468 (RS256 913
 * instead of 767) and the rates did not rise (2,447 against 2,628 ES256
 * credentials/s).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker as Thread } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { CompactSign, decodeJwt } from 'jose';
import type { NewEvent } from '@laurel/event-store';
import { connectRedis, loadConfig, openEventStore, PlatformModule, RuleSetRegistry, SigningKeys } from '@laurel/platform';
import { studentStream, type BadgeEarned, type CredentialIssued, type ParticipationRecorded } from '@laurel/progression';
import { AWARD_WORKER_DEFAULTS, AWARD_WORKER_OPTIONS } from '../apps/worker/src/awards/award.processor';
import { AwardQueue, type AwardJob } from '../apps/worker/src/awards/award-queue';
import { AwardsModule } from '../apps/worker/src/awards/awards.module';
import type { AwardWorkerThreadData } from './_award-worker-thread';

const REPO_ROOT = resolve(__dirname, '..');

interface Options {
  awards: number;
  concurrency: number;
  algs: ('RS256' | 'ES256')[];
  extraWorkers: number;
}

function parseArgs(args: string[]): Options {
  // 10,000 by default: with 2,000 a run lasted about a second and measured mostly warm-up (the same BullMQ
  // no-op queue did 9,000 jobs/s over 2,000 jobs and 18,000 over 10,000).
  const options: Options = { awards: 10_000, concurrency: AWARD_WORKER_DEFAULTS.concurrency, algs: ['RS256', 'ES256'], extraWorkers: 0 };
  for (let i = 0; i < args.length; i++) {
    const [arg, value] = [args[i], args[i + 1]];
    if ((arg === '--awards' || arg === '--concurrency') && value && Number(value) > 0) {
      options[arg === '--awards' ? 'awards' : 'concurrency'] = Math.floor(Number(value));
      i++;
    } else if (arg === '--extra-workers' && value && Number.isInteger(Number(value)) && Number(value) >= 0) {
      options.extraWorkers = Number(value);
      i++;
    } else if (arg === '--alg' && (value === 'RS256' || value === 'ES256')) {
      options.algs = [value];
      i++;
    } else {
      throw new Error(`unknown option ${arg}; use --awards N, --concurrency N, --alg RS256|ES256, --extra-workers N (0 or more)`);
    }
  }
  return options;
}

interface Row {
  alg: 'RS256' | 'ES256';
  queue: number;
  /** CPU per credential through the queue (µs): the main thread (undefined off Linux), every thread of the process, the Redis server. */
  cpu: { main: number | undefined; process: number; redis: number };
  rawOne: number;
  /** The process's CPU per raw signature, one at a time (µs). */
  rawOneCpu: number;
  rawMany: number;
  bytes: number;
}

/** One engine of its own (data folder, Redis prefix), N earned badges with their participations, and the worker draining the queue. */
async function measure(alg: 'RS256' | 'ES256', options: Options): Promise<Row> {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-bench-awards-'));
  const env = {
    LAUREL_DATA_DIR: dataDir,
    LAUREL_REDIS_PREFIX: `laurel-bench:${randomUUID()}`,
    LAUREL_PUBLIC_URL: 'https://badges.vilniustech.lt',
    LAUREL_RULES_DIR: join(REPO_ROOT, 'rules'),
    LAUREL_SIGNING_ALG: alg,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  const config = loadConfig(env, REPO_ROOT);
  const redis = await connectRedis(config.redisUrl);
  const store = openEventStore(config.eventStore);
  const app = await NestFactory.createApplicationContext(
    {
      module: class AwardsBench {},
      imports: [
        PlatformModule.forRoot({ config, store, redis }),
        {
          module: class AwardsBenchOptions {},
          global: true,
          providers: [{ provide: AWARD_WORKER_OPTIONS, useValue: { concurrency: options.concurrency } }],
          exports: [AWARD_WORKER_OPTIONS],
        },
        AwardsModule,
      ],
    },
    { logger: ['error', 'warn'] },
  );
  const extraWorkers: Thread[] = [];
  try {
    const program = app.get(RuleSetRegistry).get('vilnius-tech');
    if (!program) throw new Error('the vilnius-tech rule set did not publish');

    // What the rule projection would have written: two sports participations and the badge they earned.
    const jobs: AwardJob[] = [];
    const appends: Promise<unknown>[] = [];
    for (let i = 0; i < options.awards; i++) {
      const studentId = `bench-${i}`;
      const awardId = randomUUID();
      const participations = ['basketball-league', 'volleyball-tournament'].map((activityId, n): NewEvent => ({
        id: randomUUID(),
        type: 'ParticipationRecorded',
        data: {
          participationId: randomUUID(),
          studentId,
          activityId,
          occurredAt: `2026-09-1${n}T16:00:00.000Z`,
          role: 'participant',
          hours: 2,
        } satisfies ParticipationRecorded['data'],
      }));
      const earned: BadgeEarned['data'] = {
        awardId,
        studentId,
        programId: 'vilnius-tech',
        badgeId: 'sports-participant',
        earnedAt: '2026-09-11T16:00:00.000Z',
        ruleSetHash: program.ruleSet.sha256,
        ruleSetVersion: program.version,
        basis: participations.map((p) => p.id),
      };
      appends.push(store.append(studentStream(studentId), [...participations, { id: awardId, type: 'BadgeEarned', data: earned }]));
      jobs.push({ awardId, studentId, programId: 'vilnius-tech', badgeId: 'sports-participant' });
    }
    await Promise.all(appends);

    const queue = app.get(AwardQueue).queue;
    for (let i = 0; i < options.extraWorkers; i++)
      extraWorkers.push(await startAwardWorkerThread({ env, root: REPO_ROOT, concurrency: options.concurrency }));
    const mainBefore = mainThreadCpuMs();
    const processBefore = process.cpuUsage();
    const redisBefore = await redisCpuUs(redis);
    const started = performance.now();
    await queue.addBulk(jobs.map((job) => ({ name: 'sign-award', data: job, opts: { jobId: job.awardId } })));
    for (;;) {
      const { completed = 0, failed = 0 } = await queue.getJobCounts('completed', 'failed');
      if (failed > 0) throw new Error(`${failed} award jobs failed`);
      if (completed >= jobs.length) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const queueRate = jobs.length / ((performance.now() - started) / 1000);
    const mainAfter = mainThreadCpuMs();
    const used = process.cpuUsage(processBefore);
    const cpu = {
      main: mainBefore === undefined || mainAfter === undefined ? undefined : ((mainAfter - mainBefore) * 1000) / jobs.length,
      process: (used.user + used.system) / jobs.length,
      redis: ((await redisCpuUs(redis)) - redisBefore) / jobs.length,
    };
    await Promise.all(extraWorkers.splice(0).map(closeAwardWorkerThread));

    // Raw jose on the very payload the worker signed, with its key: one at a time, then as many in flight as the worker runs.
    const [first] = (await store.readStream(studentStream(jobs[0]!.studentId))).filter((e) => e.type === 'CredentialIssued');
    const { jwt } = first!.data as CredentialIssued['data'];
    const payload = new TextEncoder().encode(JSON.stringify(decodeJwt(jwt)));
    const key = await app.get(SigningKeys).activeKey();
    const rawRate = async (inFlight: number): Promise<number> => {
      let left = jobs.length;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (left-- > 0) await new CompactSign(payload).setProtectedHeader({ alg, typ: 'JWT', kid: key.kid }).sign(key.privateKey);
        }),
      );
      return jobs.length / ((performance.now() - t0) / 1000);
    };
    const rawBefore = process.cpuUsage();
    const rawOne = await rawRate(1);
    const rawUsed = process.cpuUsage(rawBefore);
    const rawMany = await rawRate(options.concurrency);
    return { alg, queue: queueRate, cpu, rawOne, rawOneCpu: (rawUsed.user + rawUsed.system) / jobs.length, rawMany, bytes: jwt.length };
  } finally {
    await Promise.all(extraWorkers.map((t) => t.terminate()));
    await app.close();
    const cleaner = await connectRedis(config.redisUrl);
    const keys = await cleaner.keys(`${config.redisPrefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    cleaner.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * CPU time of this process's main thread so far (ms), from /proc (10 ms
 * ticks); undefined where there is no /proc. The figure that matters on a
 * loaded machine: the rates swing with what else runs, the main thread's CPU
 * per credential much less, and the main thread is what the worker runs out of.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU the Redis server has used so far (µs), all its threads: what BullMQ's scripts and the engine's writes cost it. */
async function redisCpuUs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const seconds = (field: string) => Number(new RegExp(`^${field}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6;
}

/** An award worker in a thread of its own ({@link ./_award-worker-thread}), once its BullMQ worker runs. */
function startAwardWorkerThread(data: AwardWorkerThreadData): Promise<Thread> {
  return new Promise((resolve, reject) => {
    const thread = new Thread(join(__dirname, '_award-worker-thread.ts'), { workerData: data });
    thread.once('message', () => resolve(thread));
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`an award worker thread stopped (exit code ${code}) before it was ready`)));
  });
}

/** Closes the thread's engine (its BullMQ worker waits for its running jobs), then lets the thread end. */
function closeAwardWorkerThread(thread: Thread): Promise<void> {
  return new Promise((resolve, reject) => {
    thread.once('message', () => resolve());
    thread.once('error', reject);
    thread.postMessage('close');
  });
}

/** Jobs per second through the same kind of queue with a processor that does nothing: BullMQ's own ceiling on this machine. */
async function noopCeiling(options: Options): Promise<{ rate: number; mainCpu: number | undefined; redisCpu: number }> {
  const prefix = `laurel-bench:${randomUUID()}`;
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const producer = new Redis(url, { maxRetriesPerRequest: null });
  const consumer = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue('awards', { connection: producer, prefix });
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((resolve) => (finished = resolve));
  const worker = new Worker('awards', () => Promise.resolve(), { connection: consumer, prefix, concurrency: options.concurrency, autorun: false });
  worker.on('completed', () => {
    if (++done === options.awards) finished();
  });
  const mainBefore = mainThreadCpuMs();
  const redisBefore = await redisCpuUs(producer);
  await queue.addBulk(
    Array.from({ length: options.awards }, () => ({ name: 'noop', data: { awardId: randomUUID() }, opts: { jobId: randomUUID() } })),
  );
  const t0 = performance.now();
  void worker.run();
  await all;
  const rate = options.awards / ((performance.now() - t0) / 1000);
  const mainAfter = mainThreadCpuMs();
  // Adding the jobs included, as in the award runs (the rate above leaves it out).
  const mainCpu = mainBefore === undefined || mainAfter === undefined ? undefined : ((mainAfter - mainBefore) * 1000) / options.awards;
  const redisCpu = ((await redisCpuUs(producer)) - redisBefore) / options.awards;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  producer.disconnect();
  consumer.disconnect();
  return { rate, mainCpu, redisCpu };
}

export async function run(args: string[]): Promise<void> {
  const options = parseArgs(args);
  Logger.overrideLogger(['error', 'warn']);
  const extra = options.extraWorkers > 0 ? ` + ${options.extraWorkers} more award worker(s) in threads` : '';
  console.log(
    `awards benchmark: ${options.awards} awards per algorithm, worker concurrency ${options.concurrency}${extra}, embedded store (synchronous=FULL) + local Redis\n`,
  );
  const rows: Row[] = [];
  for (const alg of options.algs) rows.push(await measure(alg, options));
  const ceiling = await noopCeiling(options);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const ratio = (n: number) => n.toFixed(2).padStart(5);
  console.log('                    through the queue   raw jose, 1 at a time   raw jose, ' + `${options.concurrency} in flight`);
  console.log('alg    JWT bytes    credentials/s       signatures/s  ratio     signatures/s  ratio');
  console.log('-----  ---------    -----------------   ------------  -----     ------------  -----');
  for (const r of rows) {
    console.log(
      `${r.alg.padEnd(5)}  ${String(r.bytes).padStart(9)}    ${fmt(r.queue).padStart(17)}   ${fmt(r.rawOne).padStart(12)}  ${ratio(r.queue / r.rawOne)}     ${fmt(r.rawMany).padStart(12)}  ${ratio(r.queue / r.rawMany)}`,
    );
  }
  console.log('\nCPU per credential through the queue (main thread: BullMQ, store, building, handing signatures to');
  console.log("libuv's pool; process: every thread, the pool's signing included; Redis: the server, BullMQ's scripts");
  console.log('and the lookup index), and per raw signature one at a time (process):');
  for (const r of rows) {
    console.log(
      `${r.alg.padEnd(5)}  main thread ${r.cpu.main === undefined ? 'n/a' : `${Math.round(r.cpu.main)} µs`}, process ${Math.round(r.cpu.process)} µs, Redis ${Math.round(r.cpu.redis)} µs; raw signature ${Math.round(r.rawOneCpu)} µs`,
    );
  }
  console.log(
    `\nBullMQ alone (no-op jobs, same concurrency): ${fmt(ceiling.rate)} jobs/s; main thread ${ceiling.mainCpu === undefined ? 'n/a' : `${Math.round(ceiling.mainCpu)} µs`}, Redis ${Math.round(ceiling.redisCpu)} µs per job, adding it included`,
  );
  // However the award step is spread over threads or processes, the machine cannot do more than its cores' worth of
  // (process + Redis) CPU per credential; spreading it has only added CPU per credential here (see --extra-workers above).
  const cores = availableParallelism();
  console.log(`\nmost the queue could do on this machine's ${cores} cores at that CPU per credential (process + Redis, nothing else running):`);
  for (const r of rows) {
    const bound = (cores * 1e6) / (r.cpu.process + r.cpu.redis);
    console.log(
      `${r.alg.padEnd(5)}  ${fmt(bound)} credentials/s = ${ratio(bound / r.rawOne).trim()} x raw one at a time; 0.7 needs <= ${Math.round((cores * 1e6) / (0.7 * r.rawOne))} µs per credential`,
    );
  }
  const verdict = (pick: (r: Row) => number) => (rows.every((r) => r.queue / pick(r) >= 0.7) ? 'met' : 'NOT met');
  console.log(
    `target (queue >= 0.7 x raw jose): vs one at a time ${verdict((r) => r.rawOne)}; vs ${options.concurrency} in flight ${verdict((r) => r.rawMany)}`,
  );
}
