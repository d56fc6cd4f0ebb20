/**
 * `npm run bench -- rules [--events=1000000] [--students=5000] [--runs=3] [--jre-events=20000] [--rules=rules/vilnius-tech.yaml]`
 *
 * "On one core" is meant literally: on Linux the bench first pins every
 * thread of its process (the main thread, V8's GC and compiler threads,
 * libuv's pool) to one CPU with `taskset`, so the CPU time it reports is what
 * one core spent, GC included. Unpinned, V8 runs its GC and compilers on the
 * other core beside the evaluator, and their CPU time added to the
 * evaluator's measured neither one core nor the machine. Where `taskset` is
 * missing the bench says so and reports CPU time over all threads.
 *
 * The whole run is repeated `--runs` times on fresh states and the median
 * decides the target: a 2-core machine's two CPUs share caches (and may be
 * one physical core's two threads), so one run swings by 20 % or more with
 * whatever runs on the other CPU.
 *
 * Evaluator throughput: every generated event is folded into its student's
 * state and the rule set evaluated, as the engine's rule projection does;
 * outcomes are folded back (awards, levels, eligibility) and two thirds of
 * eligible students get their application approved. Then the same rule
 * set, translated to json-rules-engine rules, is evaluated per event over
 * the first `--jre-events` events (it is far slower), next to Laurel on the
 * same events, and the awards of both are compared.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Engine, type NestedCondition, type TopLevelCondition } from 'json-rules-engine';
import {
  evaluate,
  fold,
  initialState,
  loadRuleSet,
  ROLES,
  type Badge,
  type Condition,
  type Fact,
  type Outcome,
  type ParticipationEntry,
  type RuleSet,
  type StudentState,
  type TimeWindow,
} from '@laurel/rules';
import { generateEvents, ROLE_LIST, type GeneratedEvents } from './_events';

type Options = { events: number; students: number; runs: number; jreEvents: number; rules: string };

function options(args: string[]): Options {
  const get = (name: string, fallback: string): string => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
  return {
    events: Number(get('events', '1000000')),
    students: Number(get('students', '5000')),
    runs: Math.max(1, Math.floor(Number(get('runs', '3')))),
    jreEvents: Number(get('jre-events', '20000')),
    rules: get('rules', join(__dirname, '..', 'rules', 'vilnius-tech.yaml')),
  };
}

type Stats = { earned: number; eligible: number; levels: number; supportLost: number; supportRestored: number; approvals: number; feedback: number };
const emptyStats = (): Stats => ({ earned: 0, eligible: 0, levels: 0, supportLost: 0, supportRestored: 0, approvals: 0, feedback: 0 });

/** Two students in three get their applications approved, decided by id so both engines agree. */
const approves = (studentId: string): boolean => studentId.charCodeAt(studentId.length - 1) % 3 !== 0;

/** ISO instants, made before timing starts: the engine reads them from storage as strings. */
let isoTimes: string[] = [];

function factOf(ev: GeneratedEvents, i: number): Fact {
  if (ev.kind[i] === 1) return { type: 'participation-voided', participationId: `p${ev.target[i]}` };
  return {
    type: 'participation-recorded',
    eventId: `e${i}`,
    participationId: `p${i}`,
    activityId: ev.activityIds[ev.activity[i]!]!,
    occurredAt: isoTimes[i]!,
    role: ROLE_LIST[ev.role[i]!]!,
    hours: ev.hours[i]!,
  };
}

/** Folds back what the engine records for an outcome; returns true when an approval now needs another evaluation. */
function apply(rs: RuleSet, state: StudentState, at: string, o: Outcome, stats: Stats): boolean {
  stats.feedback += 1;
  switch (o.type) {
    case 'badge-earned':
      stats.earned += 1;
      fold(rs, state, { type: 'badge-awarded', badgeId: o.badgeId, at, basis: o.basis, ...(o.expiresAt ? { expiresAt: o.expiresAt } : {}) });
      return false;
    case 'level-reached':
      stats.levels += 1;
      fold(rs, state, { type: 'level-reached', levelId: o.levelId, at });
      return false;
    case 'badge-eligible':
      stats.eligible += 1;
      fold(rs, state, { type: 'eligibility-reached', badgeId: o.badgeId, at });
      if (!approves(state.studentId)) return false;
      stats.approvals += 1;
      fold(rs, state, { type: 'application-approved', badgeId: o.badgeId });
      return true;
    case 'support-lost':
      stats.supportLost += 1;
      fold(rs, state, { type: 'award-support-lost', badgeId: o.badgeId });
      if (o.policy === 'revoke') fold(rs, state, { type: 'badge-revoked', badgeId: o.badgeId, cause: 'support-lost' });
      return o.policy === 'revoke';
    case 'support-restored':
      stats.supportRestored += 1;
      fold(rs, state, { type: 'award-support-restored', badgeId: o.badgeId, basis: o.basis });
      return false;
    default: {
      const never: never = o;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Pins every thread of this process to the machine's last CPU; threads
 * started later (libuv's pool) inherit it. Returns what the report says
 * about where the run happened.
 */
function pinToOneCore(): string {
  const cpu = availableParallelism() - 1;
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', String(cpu), String(process.pid)], { stdio: 'ignore' });
    return `pinned to CPU ${cpu} with taskset`;
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'taskset is not installed' : 'taskset failed';
    return `NOT pinned (${why}): CPU time over all threads, GC and compiler threads on other cores included`;
  }
}

type Timed = { seconds: number; cpu: number; stats: Stats; states: StudentState[] };

/** Wall-clock seconds and CPU seconds of this process (every thread; pinned, that is one core's work whatever else runs on the machine). */
function clock(): () => { seconds: number; cpu: number } {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, cpu: (used.user + used.system) / 1e6 };
  };
}

function runLaurel(rs: RuleSet, ev: GeneratedEvents, count: number, students: number): Timed {
  const states = Array.from({ length: students }, (_, s) => initialState(`s${s}`));
  const stats = emptyStats();
  const stop = clock();
  for (let i = 0; i < count; i++) {
    const state = states[ev.student[i]!]!;
    fold(rs, state, factOf(ev, i));
    const now = ev.at[i]!;
    for (let round = 0; round < 5; round++) {
      const result = evaluate(rs, state, now);
      if (result.outcomes.length === 0) break;
      const at = isoTimes[i]!;
      let again = false;
      for (const o of result.outcomes) again = apply(rs, state, at, o, stats) || again;
      if (!again) break;
    }
  }
  return { ...stop(), stats, states };
}

// ---- json-rules-engine: the same rule set, translated ---------------------------------------

const MONTH = (t: number, months: number): number => {
  const d = new Date(t);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.getTime();
};

function windowOf(rs: RuleSet, w: TimeWindow | undefined, now: number): [number, number] {
  if (w === undefined) return [-Infinity, Infinity];
  switch (w.type) {
    case 'academic-year': {
      const { month, day } = rs.academicYearStart;
      const y = new Date(now).getUTCFullYear();
      const thisYear = Date.UTC(y, month - 1, day);
      const from = w.year !== 'current' ? Date.UTC(w.year, month - 1, day) : now >= thisYear ? thisYear : Date.UTC(y - 1, month - 1, day);
      return [from, MONTH(from, 12)];
    }
    case 'last':
      return [w.unit === 'days' ? now - w.amount * 86_400_000 : MONTH(now, -w.amount), now + 1];
    case 'between':
      return [w.from ? Date.parse(w.from) : -Infinity, w.before ? Date.parse(w.before) : Infinity];
    default:
      return [-Infinity, Infinity];
  }
}

/** The student's participations as the application feeding json-rules-engine keeps them (by participation id). */
type Participations = Map<string, ParticipationEntry>;
type Measure = (state: StudentState, now: number, participations: Participations) => number;

/** A measure written directly against the state, as an application feeding json-rules-engine would. */
function measureOf(rs: RuleSet, c: Extract<Condition, { kind: 'participations' | 'badges' }>, owner?: Badge): Measure {
  if (c.kind === 'badges') {
    const f = c.filter;
    const ids = rs.badges
      .filter(
        (b) =>
          b.id !== owner?.id &&
          (!f.badges || f.badges.includes(b.id)) &&
          (!f.levels || f.levels.includes(b.level)) &&
          (!f.categories || (b.category !== undefined && f.categories.includes(b.category))) &&
          (!f.competencies || b.competencies.some((x) => f.competencies!.includes(x))),
      )
      .map((b) => [b.id, b.category] as const);
    return (state, now) => {
      const cats = new Set<string | undefined>();
      let n = 0;
      for (const [id, category] of ids) {
        const h = state.badges[id];
        if (!h || h.revoked || (h.expiresAt !== undefined && h.expiresAt <= now)) continue;
        n += 1;
        if (category !== undefined) cats.add(category);
      }
      return c.measure === 'badges' ? n : cats.size;
    };
  }
  const f = c.filter;
  const acts = new Map(
    rs.activities
      .filter(
        (a) =>
          (!f.activities || f.activities.includes(a.id)) &&
          (!f.categories || f.categories.includes(a.category)) &&
          (!f.competencies || a.competencies.some((x) => f.competencies!.includes(x))),
      )
      .map((a) => [a.id, a]),
  );
  const roles = f.roles ?? ROLES;
  return (_state, now, participations) => {
    const [from, before] = windowOf(rs, c.within, now);
    let count = 0;
    let hours = 0;
    const seen = new Set<string>();
    for (const p of participations.values()) {
      const a = acts.get(p.activityId);
      if (!a || !roles.includes(p.role) || p.at < from || p.at >= before) continue;
      count += 1;
      hours += p.hours;
      if (c.measure === 'activities') seen.add(a.id);
      else if (c.measure === 'categories') seen.add(a.category);
      else if (c.measure === 'competencies') for (const x of a.competencies) if (!f.competencies || f.competencies.includes(x)) seen.add(x);
    }
    return c.measure === 'participations' ? count : c.measure === 'hours' ? hours : seen.size;
  };
}

type Current = { state: StudentState; now: number; participations: Participations };

function toJre(rs: RuleSet, c: Condition, measures: Measure[], owner?: Badge): NestedCondition {
  switch (c.kind) {
    case 'participations':
    case 'badges':
      measures.push(measureOf(rs, c, owner));
      return { fact: 'measure', params: { index: measures.length - 1 }, operator: 'greaterThanInclusive', value: c.atLeast };
    case 'holds-badge':
      return { fact: 'held', params: { badge: c.badgeId }, operator: 'equal', value: true };
    case 'all':
      return { all: c.conditions.map((x) => toJre(rs, x, measures, owner)) };
    case 'any':
      return { any: c.conditions.map((x) => toJre(rs, x, measures, owner)) };
    case 'not':
      return { not: toJre(rs, c.condition, measures, owner) };
    default:
      throw new Error('unknown condition');
  }
}

function buildEngine(rs: RuleSet, current: Current): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false });
  const measures: Measure[] = [];
  const held = (id: string): boolean => {
    const h = current.state.badges[id];
    return h !== undefined && !h.revoked && (h.expiresAt === undefined || h.expiresAt > current.now);
  };
  const param = (params: Record<string, unknown>, key: string): string => String(params[key]);
  engine.addFact<number>('measure', (params) => measures[Number(params.index)]!(current.state, current.now, current.participations));
  engine.addFact<boolean>('held', (params) => held(param(params, 'badge')));
  engine.addFact<boolean>('level', (params) => current.state.levels[param(params, 'level')] !== undefined);
  engine.addFact<boolean>('eligible', (params) => current.state.eligible[param(params, 'badge')] !== undefined);
  engine.addFact<boolean>('approved', (params) => current.state.applications[param(params, 'badge')]?.status === 'approved');
  rs.levels.forEach((level, i) => {
    const previous = rs.levels[i - 1];
    const all: NestedCondition[] = [{ fact: 'level', params: { level: level.id }, operator: 'equal', value: false }];
    if (previous) all.push({ fact: 'level', params: { level: previous.id }, operator: 'equal', value: true });
    all.push(toJre(rs, level.reachedWhen, measures));
    engine.addRule({ name: `level:${level.id}`, conditions: { all }, event: { type: 'level-reached', params: { id: level.id } } });
  });
  for (const badge of rs.badges) {
    const gate: NestedCondition[] = [
      { fact: 'level', params: { level: badge.level }, operator: 'equal', value: true },
      { fact: 'held', params: { badge: badge.id }, operator: 'equal', value: false },
    ];
    const criteria = toJre(rs, badge.criteria, measures, badge);
    if (badge.award === 'automatic') {
      engine.addRule({ name: badge.id, conditions: { all: [...gate, criteria] }, event: { type: 'badge-earned', params: { id: badge.id } } });
    } else {
      const approved = { fact: 'approved', params: { badge: badge.id }, operator: 'equal', value: true };
      const eligible = { fact: 'eligible', params: { badge: badge.id }, operator: 'equal', value: true };
      const conditions: TopLevelCondition = { all: [...gate, approved, { any: [criteria, eligible] }] };
      engine.addRule({ name: `${badge.id}:award`, conditions, event: { type: 'badge-earned', params: { id: badge.id } } });
      const notEligible = { fact: 'eligible', params: { badge: badge.id }, operator: 'equal', value: false };
      engine.addRule({
        name: `${badge.id}:eligible`,
        conditions: { all: [...gate, notEligible, criteria] },
        event: { type: 'badge-eligible', params: { id: badge.id } },
      });
    }
  }
  return engine;
}

async function runJre(rs: RuleSet, ev: GeneratedEvents, count: number, students: number): Promise<Timed> {
  const states = Array.from({ length: students }, (_, s) => initialState(`s${s}`));
  const lists = Array.from({ length: students }, (): Participations => new Map());
  const stats = emptyStats();
  const current: Current = { state: states[0]!, now: 0, participations: lists[0]! };
  const engine = buildEngine(rs, current);
  const stop = clock();
  for (let i = 0; i < count; i++) {
    const state = states[ev.student[i]!]!;
    const list = lists[ev.student[i]!]!;
    const fact = factOf(ev, i);
    fold(rs, state, fact);
    if (fact.type === 'participation-voided') list.delete(fact.participationId);
    else if (fact.type === 'participation-recorded' && !list.has(fact.participationId)) {
      const { participationId, eventId, activityId, role } = fact;
      list.set(participationId, { participationId, eventId, activityId, role, at: Date.parse(fact.occurredAt), hours: fact.hours ?? 0 });
    }
    current.state = state;
    current.participations = list;
    current.now = ev.at[i]!;
    const at = new Date(current.now).toISOString();
    // No dependency order in json-rules-engine: run until nothing changes (the fixpoint).
    for (let round = 0; round < 8; round++) {
      const { events } = await engine.run({});
      if (events.length === 0) break;
      let changed = false;
      for (const e of events) {
        const id = String((e.params as { id: string }).id);
        if (e.type === 'level-reached' && state.levels[id] === undefined) {
          changed = apply(rs, state, at, { type: 'level-reached', levelId: id } as Outcome, stats) || true;
        } else if (
          e.type === 'badge-earned' &&
          (!state.badges[id] || state.badges[id].revoked || (state.badges[id].expiresAt ?? Infinity) <= current.now)
        ) {
          const expires = rs.badges.find((b) => b.id === id)?.validity;
          const o = { type: 'badge-earned', badgeId: id, basis: [] } as unknown as Outcome;
          if (expires?.type === 'period') (o as { expiresAt?: string }).expiresAt = new Date(expiresAt(current.now, expires)).toISOString();
          apply(rs, state, at, o, stats);
          changed = true;
        } else if (e.type === 'badge-eligible' && state.eligible[id] === undefined) {
          apply(rs, state, at, { type: 'badge-eligible', badgeId: id } as Outcome, stats);
          changed = true;
        }
      }
      if (!changed) break;
    }
  }
  return { ...stop(), stats, states };
}

function expiresAt(t: number, v: { amount: number; unit: 'days' | 'months' | 'years' }): number {
  if (v.unit === 'days') return t + v.amount * 86_400_000;
  return MONTH(t, v.unit === 'years' ? v.amount * 12 : v.amount);
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function held(states: StudentState[]): string[] {
  return states.map((s) =>
    Object.entries(s.badges)
      .filter(([, b]) => !b.revoked)
      .map(([id]) => id)
      .sort()
      .join(','),
  );
}

export async function run(args: string[]): Promise<void> {
  const opts = options(args);
  const source = readFileSync(opts.rules, 'utf8');
  const loaded = loadRuleSet(source, opts.rules);
  if (!loaded.ok) throw new Error(`cannot load ${opts.rules}: ${loaded.errors.map((e) => e.message).join('; ')}`);
  const rs = loaded.ruleSet;
  const ev = generateEvents(rs, { events: opts.events, students: opts.students });
  isoTimes = Array.from(ev.at, (t) => new Date(t).toISOString());
  const voids = ev.kind.reduce((n, k) => n + k, 0);
  const where = pinToOneCore();
  console.log(`rules bench: ${rs.fileName} (${rs.activities.length} activities, ${rs.badges.length} badges, ${rs.levels.length} levels)`);
  console.log(`${fmt(opts.events)} generated events (${fmt(voids)} voids) for ${fmt(opts.students)} students, 2025-09 to 2027-06`);
  console.log(`one core: this process ${where}; machine load ${loadavg()[0]!.toFixed(1)}\n`);

  // Warm the JIT on a small separate run so both engines are measured hot.
  runLaurel(rs, ev, Math.min(20_000, opts.events), opts.students);
  // Each run's states are dropped as soon as it ends, so no run carries an earlier run's heap.
  const runs = Array.from({ length: opts.runs }, () => {
    const { seconds, cpu, stats } = runLaurel(rs, ev, opts.events, opts.students);
    return { seconds, cpu, stats };
  });
  const rates = runs.map((r) => opts.events / r.cpu);
  const sorted = [...rates].sort((a, b) => a - b);
  const rate = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const laurel = runs[rates.indexOf(rate)]!;
  const s = laurel.stats;
  if (runs.some((r) => JSON.stringify(r.stats) !== JSON.stringify(s))) throw new Error('runs of the same events disagree on their outcomes');
  console.log(
    `Laurel fold + evaluate:   ${fmt(rate).padStart(10)} events/s on one core   (median of ${opts.runs}; ${fmt(opts.events)} events in ${laurel.cpu.toFixed(2)} s of CPU, ${laurel.seconds.toFixed(2)} s wall; ${(1e6 / rate).toFixed(2)} µs/event)`,
  );
  if (opts.runs > 1) console.log(`  each run:               ${rates.map((r) => fmt(r)).join(', ')} events/s`);
  // Pinned, CPU time is the one core's work for this process; wall time also counts the moments other processes had that core.
  console.log(`  wall clock:             ${fmt(opts.events / laurel.seconds).padStart(10)} events/s`);
  console.log(
    `  outcomes: ${fmt(s.earned)} badges earned, ${fmt(s.levels)} levels reached, ${fmt(s.eligible)} eligibilities (${fmt(s.approvals)} approved), ${fmt(s.supportLost)} awards lost support, ${fmt(s.supportRestored)} had it back`,
  );
  console.log(`  target >= 200,000 events/s on one core: ${rate >= 200_000 ? 'met' : 'NOT met'}\n`);
  if (opts.jreEvents <= 0) return;

  const n = Math.min(opts.jreEvents, opts.events);
  const jreWarm = await runJre(rs, ev, Math.min(2_000, n), opts.students);
  void jreWarm;
  const jre = await runJre(rs, ev, n, opts.students);
  const same = runLaurel(rs, ev, n, opts.students);
  const jreRate = n / jre.cpu;
  const sameRate = n / same.cpu;
  const a = held(same.states);
  const b = held(jre.states);
  const agree = a.filter((x, i) => x === b[i]).length;
  console.log(
    `Same rule set in json-rules-engine ${'(' + (rs.badges.length + rs.levels.length) + ' conditions translated, run to a fixpoint per event)'}, first ${fmt(n)} events:`,
  );
  console.log(`  json-rules-engine:      ${fmt(jreRate).padStart(10)} events/s   (${jre.seconds.toFixed(2)} s)`);
  console.log(
    `  Laurel, same events:    ${fmt(sameRate).padStart(10)} events/s   (${same.seconds.toFixed(2)} s)  -> ${(sameRate / jreRate).toFixed(0)}x faster`,
  );
  console.log(
    `  same badges held for ${fmt(agree)} of ${fmt(opts.students)} students (${fmt(same.stats.earned)} vs ${fmt(jre.stats.earned)} awards)`,
  );
}
