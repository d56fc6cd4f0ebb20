/**
 * Deterministic generated participation history for the rules bench and the
 * sample event file (rules/examples/events.ndjson). Students have favourite
 * categories and a leaning towards a role, so they climb the levels at
 * different speeds, like real ones.
 */
import type { Role, RuleSet } from '@laurel/rules';

export const ROLE_LIST: Role[] = ['participant', 'volunteer', 'organiser', 'leader'];

/** mulberry32: small, fast, seedable. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Events in columns (about 20 bytes each), in time order. kind 0 = participation, 1 = void of `target`. */
export type GeneratedEvents = {
  count: number;
  kind: Uint8Array;
  student: Int32Array;
  activity: Uint16Array;
  role: Uint8Array;
  hours: Float32Array;
  at: Float64Array;
  /** For voids: the index of the participation voided. */
  target: Int32Array;
  activityIds: string[];
};

export type GenerateOptions = {
  events: number;
  students: number;
  seed?: number;
  from?: string;
  to?: string;
  /** Share of events that void an earlier participation of the same student. */
  voids?: number;
};

export function generateEvents(ruleSet: RuleSet, opts: GenerateOptions): GeneratedEvents {
  const rnd = random(opts.seed ?? 42);
  const from = Date.parse(opts.from ?? '2025-09-01T08:00:00Z');
  const to = Date.parse(opts.to ?? '2027-06-30T20:00:00Z');
  const activityIds = ruleSet.activities.map((a) => a.id);
  const categories = [...new Set(ruleSet.activities.map((a) => a.category))];
  const byCategory = categories.map((c) => ruleSet.activities.flatMap((a, i) => (a.category === c ? [i] : [])));
  // Each student: two or three favourite categories and a role leaning; some are much more active.
  const favourites = Array.from({ length: opts.students }, () => {
    const n = 2 + Math.floor(rnd() * 2);
    return Array.from({ length: n }, () => Math.floor(rnd() * categories.length));
  });
  const leaning = Float64Array.from({ length: opts.students }, () => rnd());
  const weight = Float64Array.from({ length: opts.students }, () => 0.2 + rnd() ** 2 * 3);
  const cumulative = new Float64Array(opts.students);
  let total = 0;
  for (let s = 0; s < opts.students; s++) cumulative[s] = total += weight[s]!;
  const pickStudent = (): number => {
    const x = rnd() * total;
    let lo = 0;
    let hi = opts.students - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const n = opts.events;
  const out: GeneratedEvents = {
    count: n,
    kind: new Uint8Array(n),
    student: new Int32Array(n),
    activity: new Uint16Array(n),
    role: new Uint8Array(n),
    hours: new Float32Array(n),
    at: new Float64Array(n),
    target: new Int32Array(n).fill(-1),
    activityIds,
  };
  const recent: number[][] = Array.from({ length: opts.students }, () => []);
  const voidShare = opts.voids ?? 0.015;
  const span = to - from;
  for (let i = 0; i < n; i++) {
    const s = pickStudent();
    out.student[i] = s;
    out.at[i] = from + Math.floor((i / n) * span + rnd() * 60_000);
    const mine = recent[s]!;
    if (mine.length > 0 && rnd() < voidShare) {
      const k = Math.floor(rnd() * mine.length);
      out.kind[i] = 1;
      out.target[i] = mine[k]!;
      mine.splice(k, 1);
      continue;
    }
    const fav = favourites[s]!;
    const category = rnd() < 0.75 ? fav[Math.floor(rnd() * fav.length)]! : Math.floor(rnd() * categories.length);
    const pool = byCategory[category]!;
    out.activity[i] = pool[Math.floor(rnd() * pool.length)]!;
    const r = rnd();
    const lean = leaning[s]!;
    out.role[i] = r < 0.55 - lean * 0.2 ? 0 : r < 0.8 - lean * 0.1 ? 1 : r < 0.93 ? 2 : 3;
    out.hours[i] = Math.round((1 + rnd() * 5) * 2) / 2;
    mine.push(i);
    if (mine.length > 16) mine.shift();
  }
  return out;
}
