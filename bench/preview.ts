/**
 * `npm run bench -- preview [--events 1000000] [--students 5000] [--dir <data dir>]`
 *
 * `POST /programs/vilnius-tech/rules/preview` of rules/vilnius-tech.yaml with
 * one threshold raised, over a history of `--events` participation events
 * written straight to the embedded store (pipeline's writeHistory), against
 * the API process alone (`LAUREL_ROLE=api`: no worker to share the cores
 * with) -> the preview's time, the API process's peak RSS (VmHWM) before and
 * after it, and the slowest `GET /health` sent every 100 ms while it ran.
 * Then the same with `?at=` (the time the request is sent). `--dir` keeps the history in that
 * directory and reuses it when it is there, so two builds can be compared on
 * the same file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeRedisKeys } from '../test/support/redis-keys';
import { kill9, spawnEngine, type SpawnedEngine } from '../test/support/spawn-engine';
import { REPO_ROOT } from '../test/support/test-engine';
import { environment, writeHistory } from './pipeline';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** A line of /proc/<pid>/status in MiB (VmHWM: the peak resident set so far; VmRSS: now). */
function statusMiB(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

async function timedPreview(engine: SpawnedEngine, token: string, draft: string, query: string) {
  const pid = engine.child.pid;
  const before = { hwm: statusMiB(pid, 'VmHWM'), rss: statusMiB(pid, 'VmRSS') };
  let slowestHealth = 0;
  let healthChecks = 0;
  let running = true;
  const poller = (async () => {
    while (running) {
      const t = performance.now();
      await fetch(`${engine.url}/health`).then((r) => r.arrayBuffer());
      slowestHealth = Math.max(slowestHealth, performance.now() - t);
      healthChecks += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const started = performance.now();
  const res = await fetch(`${engine.url}/programs/vilnius-tech/rules/preview${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/yaml' },
    body: draft,
  });
  const text = await res.text();
  const ms = performance.now() - started;
  running = false;
  await poller;
  if (res.status !== 200) throw new Error(`preview answered ${res.status}: ${text.slice(0, 500)}`);
  const body = JSON.parse(text) as { at: string; students: number; facts: number; changed: unknown[] };
  // The answer less its `at` (now, unless asked for): two builds that replay alike print the same digest.
  const digest = createHash('sha256')
    .update(JSON.stringify({ ...body, at: undefined }))
    .digest('hex')
    .slice(0, 16);
  return { ms, before, hwm: statusMiB(pid, 'VmHWM'), body, digest, slowestHealth, healthChecks };
}

export async function run(args: string[]): Promise<void> {
  const total = Number(option(args, 'events') ?? 1_000_000);
  const students = Number(option(args, 'students') ?? 5000);
  const kept = option(args, 'dir');
  const line = (s: string) => process.stdout.write(`${s}\n`);
  const history = await environment(kept);
  const env = { ...history.env, LAUREL_ROLE: 'api', LAUREL_LOG_LEVEL: 'warn' };
  const file = join(history.dir, 'events.sqlite');
  line(`preview benchmark: the API process alone (LAUREL_ROLE=api) on the embedded store, Node ${process.version}`);
  try {
    if (existsSync(file)) line(`   the history in ${file} (kept from an earlier run)`);
    else {
      // Start once on the empty store so the rule file is published before the history.
      await kill9((await spawnEngine(env)).child);
      const t0 = performance.now();
      await writeHistory(file, total, students);
      line(
        `   wrote ${total.toLocaleString('en')} events for ${students.toLocaleString('en')} students in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
    // writeHistory gives each student the same 40 sports participations of 200: the draft takes «sports-participant»
    // from every one of them, so the answer names them all and its digest covers every student's replay.
    const draft = readFileSync(join(REPO_ROOT, 'rules', 'vilnius-tech.yaml'), 'utf8').replace(
      'participations: { at-least: 2, category: sports }',
      'participations: { at-least: 41, category: sports }',
    );
    const token = await history.token('designer');
    for (const at of [undefined, 'now']) {
      // A process of its own for each: VmHWM only grows.
      const engine = await spawnEngine(env);
      try {
        // Once the history is written (its events are recorded as it is), so both previews replay all of it.
        const query = at ? `?at=${new Date().toISOString()}` : '';
        const p = await timedPreview(engine, token, draft, query);
        line(`\nPOST /programs/vilnius-tech/rules/preview${query}`);
        line(
          `   ${p.body.students.toLocaleString('en')} students, ${p.body.facts.toLocaleString('en')} facts, ${p.body.changed.length} changed (answer sha256 ${p.digest}), in ${(p.ms / 1000).toFixed(2)} s`,
        );
        line(
          `   API process: RSS ${p.before.rss.toFixed(0)} MiB before (peak ${p.before.hwm.toFixed(0)} MiB), peak ${p.hwm.toFixed(0)} MiB with the preview`,
        );
        line(`   slowest of ${p.healthChecks} GET /health sent meanwhile: ${p.slowestHealth.toFixed(0)} ms`);
      } finally {
        await kill9(engine.child);
      }
    }
  } finally {
    await removeRedisKeys(history.env.LAUREL_REDIS_PREFIX ?? '');
    if (!kept) rmSync(history.dir, { recursive: true, force: true });
  }
}
