import type { Compiled, CompiledRuleSet, Context, ParticipationEntry, StudentState, Tally } from './model';
import {
  activityOf,
  badgeField,
  CELLS,
  entryOf,
  eventIdOf,
  F_AT,
  F_REVOKED,
  F_VALID_UNTIL,
  forgetSteps,
  levelAt,
  R_AR,
  R_AT,
  R_HOURS,
  ROW,
  setValidRange,
  tallyOf,
  validBefore,
  validFrom,
} from './tally';
import { windowBefore, windowFrom } from './time';

/**
 * A context at `now`. With `asOf`, only facts up to `now` count and badges
 * count as they stood then (used to re-check an award's support). `reuse`
 * borrows the compiled rule set's scratch arrays (top-level `evaluate` only).
 */
export function makeContext(c: CompiledRuleSet, state: StudentState, now: number, asOf = false, reuse = false): Context {
  const t = tallyOf(state, c);
  const nb = c.badges.length;
  const valid = reuse ? c.scratch.valid : new Uint8Array(nb);
  const reached = reuse ? c.scratch.reached : new Uint8Array(c.levels.length);
  const { d, badgeBase } = t;
  const until = badgeBase + F_VALID_UNTIL * nb;
  const asBefore = reuse && !asOf && now >= validFrom(t) && now < validBefore(t);
  if (asBefore) {
    // No expiry passed and no award or revocation folded since the last `evaluate`: the badges held are the
    // ones it recorded. Reading its bits spares reading every badge's expiry (lines of memory not yet in cache).
    for (let w = 0, i = 0; i < nb; w++) {
      const bits = d[t.lastValidBase + w]!;
      for (let b = 0; b < 31 && i < nb; b++, i++) valid[i] = (bits >> b) & 1;
    }
  } else {
    for (let i = 0; i < nb; i++) valid[i] = d[until + i]! > now && (!asOf || badgeField(t, F_AT, i) <= now) ? 1 : 0;
  }
  if (reuse && !asBefore) {
    // The memo of `evaluate` holds while the badges held stay the same (an expiry changes them with no fact folded).
    for (let w = 0, i = 0; i < nb; w++) {
      let bits = 0;
      const from = i;
      for (let b = 0; b < 31 && i < nb; b++, i++) bits |= valid[i]! << b;
      const was = d[t.lastValidBase + w]!;
      if (was === bits) continue;
      d[t.lastValidBase + w] = bits;
      for (let b = 0; from + b < i; b++) if (((was ^ bits) >> b) & 1) forgetSteps(t, c.badgeTouches, from + b);
    }
    if (!asOf) {
      // The bits hold from the latest expiry at or before `now` to the first one after it.
      let from = Number.NEGATIVE_INFINITY;
      let before = Number.POSITIVE_INFINITY;
      for (let i = 0; i < nb; i++) {
        const u = d[until + i]!;
        if (u > now) before = Math.min(before, u);
        else from = Math.max(from, u);
      }
      setValidRange(t, from, before);
    }
  }
  for (let i = 0; i < reached.length; i++) {
    const at = levelAt(t, i);
    reached[i] = at === at ? 1 : 0;
  }
  if (reuse) {
    // One evaluation at a time: the top-level context object is recycled too.
    const ctx = (c.scratch.ctx ??= { c, state, t, now, after: 0, until: 0, valid, reached, evidence: undefined });
    ctx.state = state;
    ctx.t = t;
    ctx.now = now;
    ctx.after = Number.NEGATIVE_INFINITY;
    ctx.until = Number.POSITIVE_INFINITY;
    ctx.evidence = undefined;
    if (c.scratch.evidence.size > 0) c.scratch.evidence.clear();
    return ctx;
  }
  return {
    c,
    state,
    t,
    now,
    after: Number.NEGATIVE_INFINITY,
    until: asOf ? now : Number.POSITIVE_INFINITY,
    valid,
    reached,
    evidence: undefined,
  };
}

/** When a counted badge was awarded (now, for one earned in this evaluation). */
export function awardTime(ctx: Context, i: number): number {
  return ctx.valid[i] === 2 ? ctx.now : badgeField(ctx.t, F_AT, i);
}

type ParticipationCondition = Extract<Compiled, { kind: 'participations' }>;
type BadgeCondition = Extract<Compiled, { kind: 'badges' }>;

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Participations (or hours, `h` = 1) of activity index `a` in the roles of `roleMask`. */
function cell(t: Tally, a: number, roleMask: number, h: number): number {
  const d = t.d;
  const o = t.countBase + a * CELLS;
  if (roleMask === 15) return d[o + h]!;
  const row = o + 2 + h * 4;
  let sum = 0;
  for (let r = 0; r < 4; r++) if ((roleMask >> r) & 1) sum += d[row + r]!;
  return sum;
}

/** The measure over every participation folded in, from the counters (no dates). */
function counted(cc: ParticipationCondition, ctx: Context): number {
  const t = ctx.t;
  const size = ctx.c.ruleSet.activities.length;
  const measure = cc.measure;
  if (measure === 'participations' || measure === 'hours') {
    const h = measure === 'hours' ? 1 : 0;
    let sum = 0;
    if (cc.activities === null) sum = cell(t, size + 1, cc.roleMask, h);
    else for (let k = 0; k < cc.activities.length; k++) sum += cell(t, cc.activities[k]!, cc.roleMask, h);
    return h === 1 ? asWritten(sum) : sum;
  }
  const bits = ctx.c.bits;
  const list = cc.activities;
  const count = list === null ? size : list.length;
  let n = 0;
  let mask = 0;
  const seen = bits === null ? new Set<string>() : undefined;
  for (let k = 0; k < count; k++) {
    const a = list === null ? k : list[k]!;
    if (cell(t, a, cc.roleMask, 0) <= 0) continue;
    n += 1;
    if (seen) collect(cc, ctx, a, seen);
    else if (measure === 'categories') mask |= bits!.category[a]!;
    else if (measure === 'competencies') mask |= bits!.competencies[a]! & cc.competencyMask;
  }
  if (measure === 'activities') return n;
  return seen ? seen.size : popcount(mask);
}

/** Adds the category or competencies of activity index `a` to `seen` (catalogues too large for bit masks, and explanations). */
function collect(cc: ParticipationCondition, ctx: Context, a: number, seen: Set<string>): void {
  const activity = ctx.c.ruleSet.activities[a];
  if (activity === undefined) return;
  const measure = cc.measure;
  switch (measure) {
    case 'activities':
      seen.add(activity.id);
      return;
    case 'categories':
      seen.add(activity.category);
      return;
    case 'competencies':
      for (const x of activity.competencies) if (cc.competencies === null || cc.competencies.includes(x)) seen.add(x);
      return;
    case 'participations':
    case 'hours':
      return;
    default: {
      const never: never = measure;
      throw new Error(`unknown measure ${String(never)}`);
    }
  }
}

/** The half-open range `(rangeAfter, rangeBefore)` set by `setRange`: module state instead of a tuple, to allocate nothing per check. */
let rangeAfter = 0;
let rangeBefore = 0;

/**
 * Set when a condition's answer came to depend on the clock (a time window
 * was worked out); `evaluate` clears it before each step. A windowed step
 * that failed without it (its undated count already short of the bar) fails
 * at any clock, so it can be remembered like an unwindowed one.
 */
export const clockUse = { read: false };

function setRange(cc: ParticipationCondition | BadgeCondition, ctx: Context): void {
  rangeAfter = ctx.after;
  rangeBefore = ctx.until === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : ctx.until + 1;
  if (cc.window) {
    clockUse.read = true;
    const rs = ctx.c.ruleSet;
    const f = windowFrom(rs, cc.window, ctx.now);
    const b = windowBefore(rs, cc.window, ctx.now, f);
    // `after` is exclusive; the window's `from` inclusive.
    if (f - 1 > rangeAfter) rangeAfter = f - 1;
    if (b < rangeBefore) rangeBefore = b;
  }
}

function dated(cc: ParticipationCondition, ctx: Context): boolean {
  return cc.window !== undefined || ctx.after !== Number.NEGATIVE_INFINITY || ctx.until !== Number.POSITIVE_INFINITY;
}

/** Rows of the participations a condition counts at this context. */
function matching(cc: ParticipationCondition, ctx: Context): number[] {
  setRange(cc, ctx);
  const t = ctx.t;
  const d = t.d;
  const out: number[] = [];
  for (let i = 0, o = t.rowBase; i < t.n; i++, o += ROW) {
    const at = d[o + R_AT]!;
    const ar = d[o + R_AR]!;
    const a = ar % 65536;
    if (at > rangeAfter && at < rangeBefore && cc.activityMask[a] === 1 && ((cc.roleMask >> ((ar - a) / 65536)) & 1) === 1) out.push(i);
  }
  return out;
}

/** A binary min-heap on (date, row) of the rows `basisOf` picks from: scratch, reused. */
let heapRows = new Int32Array(256);
let heapAt = new Float64Array(256);

const before = (x: number, y: number): boolean => heapAt[x]! < heapAt[y]! || (heapAt[x] === heapAt[y] && heapRows[x]! < heapRows[y]!);

function siftDown(k: number, m: number): void {
  for (;;) {
    const l = 2 * k + 1;
    if (l >= m) return;
    const c = l + 1 < m && before(l + 1, l) ? l + 1 : l;
    if (!before(c, k)) return;
    const r = heapRows[k]!;
    const at = heapAt[k]!;
    heapRows[k] = heapRows[c]!;
    heapAt[k] = heapAt[c]!;
    heapRows[c] = r;
    heapAt[c] = at;
    k = c;
  }
}

/** Fills the heap with the rows a condition counts at this context; returns how many. */
function heapOfMatching(cc: ParticipationCondition, ctx: Context): number {
  setRange(cc, ctx);
  const t = ctx.t;
  const d = t.d;
  if (heapRows.length < t.n) {
    heapRows = new Int32Array(2 * t.n);
    heapAt = new Float64Array(2 * t.n);
  }
  let m = 0;
  for (let i = 0, o = t.rowBase; i < t.n; i++, o += ROW) {
    const at = d[o + R_AT]!;
    const ar = d[o + R_AR]!;
    const a = ar % 65536;
    if (at > rangeAfter && at < rangeBefore && cc.activityMask[a] === 1 && ((cc.roleMask >> ((ar - a) / 65536)) & 1) === 1) {
      heapRows[m] = i;
      heapAt[m] = at;
      m += 1;
    }
  }
  for (let k = (m >> 1) - 1; k >= 0; k--) siftDown(k, m);
  return m;
}

/** Removes the heap's first row; returns the new size. */
function popHeap(m: number): number {
  const last = m - 1;
  heapRows[0] = heapRows[last]!;
  heapAt[0] = heapAt[last]!;
  siftDown(0, last);
  return last;
}

/** The participations a condition counts at this context. */
export function matchingParticipations(cc: ParticipationCondition, ctx: Context): ParticipationEntry[] {
  return matching(cc, ctx).map((i) => entryOf(ctx.t, i));
}

/** The current value of a participation measure (count, hours or distinct things). */
export function participationValue(cc: ParticipationCondition, ctx: Context): number {
  if (!dated(cc, ctx)) return counted(cc, ctx);
  setRange(cc, ctx);
  const after = rangeAfter;
  const before = rangeBefore;
  const t = ctx.t;
  const d = t.d;
  const size = ctx.c.ruleSet.activities.length;
  const bits = ctx.c.bits;
  const measure = cc.measure;
  let count = 0;
  let hours = 0;
  let mask = 0;
  const distinct = measure === 'activities' || measure === 'categories' || measure === 'competencies';
  const seen = distinct && (bits === null || measure === 'activities') ? new Set<number | string>() : undefined;
  for (let i = 0, o = t.rowBase; i < t.n; i++, o += ROW) {
    const at = d[o + R_AT]!;
    if (at <= after || at >= before) continue;
    const ar = d[o + R_AR]!;
    const a = ar % 65536;
    if (cc.activityMask[a] !== 1 || ((cc.roleMask >> ((ar - a) / 65536)) & 1) === 0) continue;
    count += 1;
    hours += d[o + R_HOURS]!;
    if (!distinct || a >= size) continue;
    if (measure === 'activities') seen!.add(a);
    else if (seen) collect(cc, ctx, a, seen as Set<string>);
    else mask |= measure === 'categories' ? bits!.category[a]! : bits!.competencies[a]! & cc.competencyMask;
  }
  if (measure === 'hours') return asWritten(hours);
  if (measure === 'participations') return count;
  return seen ? seen.size : popcount(mask);
}

/** The current value of a badge measure. */
export function badgeValue(cc: BadgeCondition, ctx: Context): number {
  let after = Number.NEGATIVE_INFINITY;
  let before = Number.POSITIVE_INFINITY;
  if (cc.window || ctx.after !== Number.NEGATIVE_INFINITY) {
    setRange(cc, ctx);
    after = rangeAfter;
    before = rangeBefore;
  }
  let count = 0;
  const cats = cc.measure === 'categories' ? new Set<string>() : undefined;
  for (const i of cc.badges) {
    if (ctx.valid[i] === 0) continue;
    const at = awardTime(ctx, i);
    if (at <= after || at >= before) continue;
    count += 1;
    if (cats) {
      const category = ctx.c.badges[i]!.badge.category;
      if (category !== undefined) cats.add(category);
    }
  }
  return cats ? cats.size : count;
}

/**
 * A sum or difference of hours as they were written: hours are recorded with
 * up to 2 decimals, and float sums of them are off in the last bits
 * (0.7 + 0.1 = 0.7999999999999999, short of an `hours: { at-least: 0.8 }`).
 *
 * @example
 * asWritten(2 - (0.7 + 0.55)); // 0.75
 */
export const asWritten = (n: number): number => Math.round(n * 100) / 100;

/** Whether a condition holds; the hot path of `evaluate`. */
export function holds(cc: Compiled, ctx: Context): boolean {
  switch (cc.kind) {
    case 'participations':
      // The undated count bounds any dated one from above: skip the scan when it already falls short.
      if (dated(cc, ctx) && counted(cc, ctx) < cc.atLeast) return false;
      return participationValue(cc, ctx) >= cc.atLeast;
    case 'badges':
      return badgeValue(cc, ctx) >= cc.atLeast;
    case 'holds-badge':
      return ctx.valid[cc.badge] !== 0 && awardTime(ctx, cc.badge) > ctx.after;
    case 'all':
      for (const x of cc.fast) if (!holds(x, ctx)) return false;
      return true;
    case 'any':
      for (const x of cc.fast) if (holds(x, ctx)) return true;
      return false;
    case 'not':
      return !holds(cc.child, ctx);
    default: {
      const never: never = cc;
      throw new Error(`unknown condition ${JSON.stringify(never)}`);
    }
  }
}

/** The award event id of a held badge, or the basis of one earned in this evaluation. */
function evidenceOf(ctx: Context, i: number): string[] {
  const fresh = ctx.evidence?.get(i);
  if (fresh) return fresh;
  const held = ctx.state.badges[ctx.c.badges[i]!.badge.id];
  return held ? [held.eventId] : [];
}

/**
 * Event ids of a smallest-in-order set of facts that satisfies a holding
 * condition: the earliest participations that reach the bar, the awards of
 * the badges counted, the first alternative of an `any:` that holds.
 */
export function basisOf(cc: Compiled, ctx: Context, out: Set<string> = new Set()): Set<string> {
  switch (cc.kind) {
    case 'participations': {
      const t = ctx.t;
      const size = ctx.c.ruleSet.activities.length;
      // Earliest first (rows of the same date in row order), taken from a heap: only as many as reach the bar.
      let m = heapOfMatching(cc, ctx);
      let value = 0;
      const seen = new Set<string>();
      while (m > 0 && value < cc.atLeast) {
        const i = heapRows[0]!;
        m = popHeap(m);
        if (cc.measure === 'participations') value += 1;
        else if (cc.measure === 'hours') {
          const hours = t.d[t.rowBase + i * ROW + R_HOURS]!;
          if (hours <= 0) continue;
          value = asWritten(value + hours);
        } else {
          const before = seen.size;
          const a = activityOf(t, i);
          if (a < size) collect(cc, ctx, a, seen);
          if (seen.size === before) continue;
          value = seen.size;
        }
        out.add(eventIdOf(t, i));
      }
      return out;
    }
    case 'badges': {
      setRange(cc, ctx);
      const after = rangeAfter;
      const before = rangeBefore;
      const counted = cc.badges
        .filter((i) => ctx.valid[i] !== 0 && awardTime(ctx, i) > after && awardTime(ctx, i) < before)
        .sort((a, b) => awardTime(ctx, a) - awardTime(ctx, b));
      const cats = new Set<string>();
      let n = 0;
      for (const i of counted) {
        if (n >= cc.atLeast) break;
        if (cc.measure === 'categories') {
          const category = ctx.c.badges[i]!.badge.category;
          if (category === undefined || cats.has(category)) continue;
          cats.add(category);
        }
        n += 1;
        for (const id of evidenceOf(ctx, i)) out.add(id);
      }
      return out;
    }
    case 'holds-badge':
      for (const id of evidenceOf(ctx, cc.badge)) out.add(id);
      return out;
    case 'all':
      for (const x of cc.children) basisOf(x, ctx, out);
      return out;
    case 'any': {
      const first = cc.children.find((x) => holds(x, ctx));
      return first ? basisOf(first, ctx, out) : out;
    }
    case 'not':
      return out;
    default: {
      const never: never = cc;
      throw new Error(`unknown condition ${JSON.stringify(never)}`);
    }
  }
}

/** Whether a held badge's criteria still hold as of its award date, with the facts known now. */
export function supportedAsOf(c: CompiledRuleSet, state: StudentState, badgeId: string): boolean {
  const held = state.badges[badgeId];
  const i = c.badgeIndex.get(badgeId);
  if (held === undefined || i === undefined) return true;
  return holds(c.badges[i]!.criteria, makeContext(c, state, held.at, true));
}

export type { Context } from './model';

/**
 * Whether an application badge's eligibility still stands: its criteria hold
 * at `now`, or held when the eligibility was recorded, with the facts known
 * now (a time window that has since moved on does not take it away; a voided
 * participation the eligibility rested on does). For an expired award, only
 * facts dated after it count, as its renewal does (`renewalAfter`). From the
 * badge's `valid-until` date on, none stands: it is no longer awarded.
 */
export function eligibilityStands(c: CompiledRuleSet, state: StudentState, badgeId: string, now: number): boolean {
  const i = c.badgeIndex.get(badgeId);
  if (i === undefined) return false;
  if (c.badges[i]!.until <= now) return false;
  const criteria = c.badges[i]!.criteria;
  // An expired award is renewed only with facts dated after it, so only those make an eligibility to renew it.
  const holdsAt = (ctx: Context) => countingAfter(ctx, renewalAfter(ctx, i), () => holds(criteria, ctx));
  if (holdsAt(makeContext(c, state, now))) return true;
  const since = state.eligible[badgeId];
  return since !== undefined && holdsAt(makeContext(c, state, since, true));
}

/**
 * The date after which facts count towards badge `i`: its award's, once
 * that award has expired (not revoked), since `evaluate` renews it only
 * with facts dated after it (`runStep`); otherwise -Infinity, all facts.
 */
export function renewalAfter(ctx: Context, i: number): number {
  if (ctx.valid[i] !== 0) return Number.NEGATIVE_INFINITY;
  const at = badgeField(ctx.t, F_AT, i);
  return at === at && badgeField(ctx.t, F_REVOKED, i) === 0 ? at : Number.NEGATIVE_INFINITY;
}

/** `f` with only facts dated after `after` counting (see `Context.after`), the context's own restored after. */
export function countingAfter<T>(ctx: Context, after: number, f: () => T): T {
  const saved = ctx.after;
  ctx.after = after;
  try {
    return f();
  } finally {
    ctx.after = saved;
  }
}
