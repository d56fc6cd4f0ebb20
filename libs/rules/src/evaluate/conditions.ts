import type { Role } from '../language/types';
import type { Compiled, CompiledRuleSet } from './compile';
import type { ActivityTally, ParticipationEntry, StudentState } from './state';
import { windowRange } from './time';

/**
 * What a condition is evaluated against: the state, the clock, and which
 * badges count as held (including those earned earlier in the same
 * evaluation).
 */
export type Context = {
  c: CompiledRuleSet;
  state: StudentState;
  now: number;
  /** Only facts strictly after this instant count (renewing an expired badge needs new evidence). */
  after: number;
  /** Only facts at or before this instant count (re-checking an award as of the day it was made). */
  until: number;
  /** Per badge index: 1 when held and valid. */
  valid: Uint8Array;
  /** Per badge index: award time. */
  awardAt: Float64Array;
  /** Per badge index: award event id, or the basis of a badge earned in this evaluation. */
  evidence: Array<string[] | undefined>;
};

/**
 * A context at `now`. With `asOf`, only facts up to `now` count and badges
 * count as they stood then (used to re-check an award's support).
 */
export function makeContext(c: CompiledRuleSet, state: StudentState, now: number, asOf = false, reuse = false): Context {
  const n = c.badges.length;
  const valid = reuse ? c.scratch.valid.fill(0) : new Uint8Array(n);
  const awardAt = reuse ? c.scratch.awardAt : new Float64Array(n);
  const evidence = reuse ? c.scratch.evidence.fill(undefined) : new Array<string[] | undefined>(n);
  for (let i = 0; i < n; i++) {
    const held = state.badges[c.badges[i]!.badge.id];
    if (held === undefined || held.revoked !== undefined) continue;
    if (held.expiresAt !== undefined && held.expiresAt <= now) continue;
    if (asOf && held.at > now) continue;
    valid[i] = 1;
    awardAt[i] = held.at;
    evidence[i] = [held.eventId];
  }
  return {
    c,
    state,
    now,
    after: Number.NEGATIVE_INFINITY,
    until: asOf ? now : Number.POSITIVE_INFINITY,
    valid,
    awardAt,
    evidence,
  };
}

type ParticipationCondition = Extract<Compiled, { kind: 'participations' }>;
type BadgeCondition = Extract<Compiled, { kind: 'badges' }>;

function tallyOf(t: ActivityTally | undefined, roles: Role[] | null, hours: boolean): number {
  if (t === undefined) return 0;
  if (roles === null) return hours ? t.hours : t.count;
  let sum = 0;
  for (const r of roles) {
    const x = t.byRole[r];
    if (x) sum += hours ? x.hours : x.count;
  }
  return sum;
}

/** The measure over every participation folded in, from the counters (no dates). */
function counted(cc: ParticipationCondition, ctx: Context): number {
  const { state } = ctx;
  const hours = cc.measure === 'hours';
  if (cc.measure === 'participations' || hours) {
    if (cc.activities === null) return tallyOf(state.totals, cc.roles, hours);
    let sum = 0;
    for (const id of cc.activities) sum += tallyOf(state.activities[id], cc.roles, hours);
    return sum;
  }
  const bits = ctx.c.bits;
  if (bits !== null) {
    // Distinct counts as bit masks: no allocation on the hot path.
    let n = 0;
    let mask = 0;
    const visit = (id: string): void => {
      if (tallyOf(state.activities[id], cc.roles, false) <= 0) return;
      const b = bits.get(id);
      if (b === undefined) return;
      n += 1;
      mask |= cc.measure === 'categories' ? b.category : b.competencies & cc.competencyMask;
    };
    if (cc.activities === null) for (const id in state.activities) visit(id);
    else for (const id of cc.activities) visit(id);
    return cc.measure === 'activities' ? n : popcount(mask);
  }
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (tallyOf(state.activities[id], cc.roles, false) <= 0) return;
    collect(cc, ctx, id, seen);
  };
  if (cc.activities === null) for (const id in state.activities) visit(id);
  else for (const id of cc.activities) visit(id);
  return seen.size;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function collect(cc: ParticipationCondition, ctx: Context, activityId: string, seen: Set<string>): void {
  const measure = cc.measure;
  switch (measure) {
    case 'activities':
      seen.add(activityId);
      return;
    case 'categories': {
      const a = ctx.c.activities.get(activityId);
      if (a) seen.add(a.category);
      return;
    }
    case 'competencies': {
      const a = ctx.c.activities.get(activityId);
      if (a) for (const x of a.competencies) if (cc.competencies === null || cc.competencies.includes(x)) seen.add(x);
      return;
    }
    case 'participations':
    case 'hours':
      return;
    default: {
      const never: never = measure;
      throw new Error(`unknown measure ${String(never)}`);
    }
  }
}

/** The participations a condition looks at, with the dates that apply at this context. */
export function matchingParticipations(cc: ParticipationCondition, ctx: Context): ParticipationEntry[] {
  const [from, before] = range(cc, ctx);
  return ctx.state.participations.filter((p) => inRange(cc, p, from, before));
}

function range(cc: ParticipationCondition | BadgeCondition, ctx: Context): [number, number] {
  let from = ctx.after;
  let before = ctx.until === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : ctx.until + 1;
  if (cc.window) {
    const [f, b] = windowRange(ctx.c.ruleSet, cc.window, ctx.now);
    // `after` is exclusive; the window's `from` inclusive.
    if (f - 1 > from) from = f - 1;
    if (b < before) before = b;
  }
  return [from, before];
}

function inRange(cc: ParticipationCondition, p: ParticipationEntry, after: number, before: number): boolean {
  return (
    p.at > after &&
    p.at < before &&
    (cc.activitySet === null || cc.activitySet.has(p.activityId)) &&
    (cc.roles === null || cc.roles.includes(p.role))
  );
}

function dated(cc: ParticipationCondition, ctx: Context): boolean {
  return cc.window !== undefined || ctx.after !== Number.NEGATIVE_INFINITY || ctx.until !== Number.POSITIVE_INFINITY;
}

/** The current value of a participation measure (count, hours or distinct things). */
export function participationValue(cc: ParticipationCondition, ctx: Context): number {
  if (!dated(cc, ctx)) return counted(cc, ctx);
  const [after, before] = range(cc, ctx);
  const ps = ctx.state.participations;
  let count = 0;
  let hours = 0;
  const seen = cc.measure === 'participations' || cc.measure === 'hours' ? undefined : new Set<string>();
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    if (!inRange(cc, p, after, before)) continue;
    count += 1;
    hours += p.hours;
    if (seen) collect(cc, ctx, p.activityId, seen);
  }
  return seen ? seen.size : cc.measure === 'hours' ? hours : count;
}

/** The current value of a badge measure. */
export function badgeValue(cc: BadgeCondition, ctx: Context): number {
  const [after, before] = cc.window || ctx.after !== Number.NEGATIVE_INFINITY ? range(cc, ctx) : [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  let count = 0;
  const cats = cc.measure === 'categories' ? new Set<string>() : undefined;
  for (const i of cc.badges) {
    if (ctx.valid[i] !== 1) continue;
    const at = ctx.awardAt[i]!;
    if (at <= after || at >= before) continue;
    count += 1;
    if (cats) {
      const category = ctx.c.badges[i]!.badge.category;
      if (category !== undefined) cats.add(category);
    }
  }
  return cats ? cats.size : count;
}

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
      return ctx.valid[cc.badge] === 1 && ctx.awardAt[cc.badge]! > ctx.after;
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

/**
 * Event ids of a smallest-in-order set of facts that satisfies a holding
 * condition: the earliest participations that reach the bar, the awards of
 * the badges counted, the first alternative of an `any:` that holds.
 */
export function basisOf(cc: Compiled, ctx: Context, out: Set<string> = new Set()): Set<string> {
  switch (cc.kind) {
    case 'participations': {
      const ps = matchingParticipations(cc, ctx).sort((a, b) => a.at - b.at);
      let value = 0;
      const seen = new Set<string>();
      for (const p of ps) {
        if (value >= cc.atLeast) break;
        if (cc.measure === 'participations') value += 1;
        else if (cc.measure === 'hours') {
          if (p.hours <= 0) continue;
          value += p.hours;
        } else {
          const before = seen.size;
          collect(cc, ctx, p.activityId, seen);
          if (seen.size === before) continue;
          value = seen.size;
        }
        out.add(p.eventId);
      }
      return out;
    }
    case 'badges': {
      const [after, before] = range(cc, ctx);
      const counted = cc.badges
        .filter((i) => ctx.valid[i] === 1 && ctx.awardAt[i]! > after && ctx.awardAt[i]! < before)
        .sort((a, b) => ctx.awardAt[a]! - ctx.awardAt[b]!);
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
        for (const id of ctx.evidence[i] ?? []) out.add(id);
      }
      return out;
    }
    case 'holds-badge':
      for (const id of ctx.evidence[cc.badge] ?? []) out.add(id);
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
