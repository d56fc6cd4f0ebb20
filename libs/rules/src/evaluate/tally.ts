import type { Role } from '../language/types';
import { roleIndex } from './compile';
import type { CompiledRuleSet, ParticipationEntry, StudentState, Tally } from './model';

/** Columns of `Tally.rows`: activity index, role index, epoch ms, hours, hash of the participation id. */
export const ROW = 5;

/** Badge fields. NaN in F_AT: never awarded; F_EXPIRES +Infinity: no expiry. */
export const F_AT = 0;
export const F_EXPIRES = 1;
/** 0 held, 1 revoked by a coordinator, 2 revoked for lost support. */
export const F_REVOKED = 2;
/** Bit 1: support lost; bit 2: loss reported. */
export const F_FLAGS = 3;
/** NaN: no eligibility recorded. */
export const F_ELIGIBLE = 4;
/** 0 none, 1 submitted, 2 approved, 3 rejected. */
export const F_APPLICATION = 5;
/** Held and not revoked: its expiry; otherwise -Infinity. Derived from the three above. */
export const F_VALID_UNTIL = 6;
const BADGE_FIELDS = 7;

export const badgeField = (t: Tally, f: number, i: number): number => t.data[t.badgeBase + f * t.nb + i]!;

export function setBadgeField(t: Tally, f: number, i: number, value: number): void {
  t.data[t.badgeBase + f * t.nb + i] = value;
  if (f <= F_REVOKED) {
    const at = badgeField(t, F_AT, i);
    t.data[t.badgeBase + F_VALID_UNTIL * t.nb + i] =
      at === at && badgeField(t, F_REVOKED, i) === 0 ? badgeField(t, F_EXPIRES, i) : Number.NEGATIVE_INFINITY;
  }
}

export const levelAt = (t: Tally, i: number): number => t.data[t.levelBase + i]!;
export const setLevelAt = (t: Tally, i: number, at: number): void => void (t.data[t.levelBase + i] = at);

const TALLY = Symbol('laurel.rules.tally');
type WithTally = StudentState & { [TALLY]?: Tally };

/** The tally if it is in step with the state (before a fold adds its fact). */
export function currentTally(state: StudentState, c: CompiledRuleSet, facts = state.facts): Tally | undefined {
  const t = (state as WithTally)[TALLY];
  return t !== undefined && t.c === c && t.facts === facts ? t : undefined;
}

export function dropTally(state: StudentState): void {
  if ((state as WithTally)[TALLY] !== undefined) (state as WithTally)[TALLY] = undefined;
}

/** The tally for this rule set, rebuilt from the state when needed (O(history)). */
export function tallyOf(state: StudentState, c: CompiledRuleSet): Tally {
  const t = currentTally(state, c);
  if (t) return t;
  const fresh = buildTally(state, c);
  Object.defineProperty(state, TALLY, { value: fresh, enumerable: false, writable: true, configurable: true });
  return fresh;
}

function buildTally(state: StudentState, c: CompiledRuleSet): Tally {
  const stride = c.ruleSet.activities.length + 2;
  const nb = c.badges.length;
  const nl = c.levels.length;
  const capacity = Math.max(16, state.participations.length * 2);
  const slots = new Int32Array(2 * slotCapacity(state.participations.length));
  const badgeBase = stride * 10;
  const levelBase = badgeBase + nb * BADGE_FIELDS;
  const data = new Float64Array(levelBase + nl);
  data.fill(Number.NaN, badgeBase + F_AT * nb, badgeBase + (F_AT + 1) * nb);
  data.fill(Number.POSITIVE_INFINITY, badgeBase + F_EXPIRES * nb, badgeBase + (F_EXPIRES + 1) * nb);
  data.fill(Number.NaN, badgeBase + F_ELIGIBLE * nb, badgeBase + (F_ELIGIBLE + 1) * nb);
  data.fill(Number.NEGATIVE_INFINITY, badgeBase + F_VALID_UNTIL * nb, badgeBase + (F_VALID_UNTIL + 1) * nb);
  data.fill(Number.NaN, levelBase);
  const t: Tally = { c, facts: state.facts, n: 0, rows: new Float64Array(capacity * ROW), slots, data, stride, nb, badgeBase, levelBase };
  for (const p of state.participations) addParticipation(t, hashId(p.participationId), p.activityId, p.role, p.at, p.hours);
  for (const [id, h] of Object.entries(state.badges)) {
    const i = c.badgeIndex.get(id);
    if (i === undefined) continue;
    setBadgeField(t, F_AT, i, h.at);
    setBadgeField(t, F_EXPIRES, i, h.expiresAt ?? Number.POSITIVE_INFINITY);
    setBadgeField(t, F_REVOKED, i, h.revoked === 'coordinator' ? 1 : h.revoked === 'support-lost' ? 2 : 0);
    setBadgeField(t, F_FLAGS, i, (h.supportLost ? 1 : 0) | (h.lossReported ? 2 : 0));
  }
  for (const [id, at] of Object.entries(state.levels)) {
    const i = c.levelIndex.get(id);
    if (i !== undefined) setLevelAt(t, i, at);
  }
  for (const [id, at] of Object.entries(state.eligible)) {
    const i = c.badgeIndex.get(id);
    if (i !== undefined) setBadgeField(t, F_ELIGIBLE, i, at);
  }
  for (const [id, a] of Object.entries(state.applications)) {
    const i = c.badgeIndex.get(id);
    if (i !== undefined) setBadgeField(t, F_APPLICATION, i, applicationCode(a.status));
  }
  return t;
}

export const applicationCode = (status: 'submitted' | 'approved' | 'rejected'): number =>
  status === 'submitted' ? 1 : status === 'approved' ? 2 : 3;

function count(t: Tally, a: number, r: number, hours: number, sign: 1 | -1): void {
  const { data, stride } = t;
  const total = stride - 1;
  data[a]! += sign;
  data[total]! += sign;
  data[stride + a]! += sign * hours;
  data[stride + total]! += sign * hours;
  const row = 2 * stride + a * 8;
  data[row + r]! += sign;
  data[row + 4 + r]! += sign * hours;
  const totalRow = 2 * stride + total * 8;
  data[totalRow + r]! += sign;
  data[totalRow + 4 + r]! += sign * hours;
}

/** 32-bit FNV-1a of a participation id: its key in the tally's id table. */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Slots for `rows` participations at a load factor of at most one half (a power of two). */
function slotCapacity(rows: number): number {
  let n = 32;
  while (n < 2 * rows) n *= 2;
  return n;
}

function place(slots: Int32Array, hash: number, row: number): void {
  const mask = (slots.length >> 1) - 1;
  let k = hash & mask;
  while (slots[2 * k + 1] !== 0) k = (k + 1) & mask;
  slots[2 * k] = hash;
  slots[2 * k + 1] = row + 1;
}

/** Refills the id table from the hashes in `rows` (after a removal moved a row, or to grow it). */
function reindex(t: Tally, capacity: number): void {
  const slots = capacity * 2 === t.slots.length ? t.slots.fill(0) : new Int32Array(capacity * 2);
  for (let i = 0; i < t.n; i++) place(slots, t.rows[i * ROW + 4]!, i);
  t.slots = slots;
}

/**
 * The row of participation `id`, or -1. `entries` is the state's
 * `participations` (aligned with the rows): the id string is compared only
 * when the hash matches.
 */
export function rowOf(t: Tally, entries: readonly ParticipationEntry[], id: string, hash = hashId(id)): number {
  const slots = t.slots;
  const mask = (slots.length >> 1) - 1;
  for (let k = hash & mask; ; k = (k + 1) & mask) {
    const row = slots[2 * k + 1]! - 1;
    if (row < 0) return -1;
    if (slots[2 * k] === hash && entries[row]?.participationId === id) return row;
  }
}

/** Adds a participation (its id's `hashId`) as the last row. */
export function addParticipation(t: Tally, hash: number, activityId: string, role: Role, at: number, hours: number): void {
  if ((t.n + 1) * ROW > t.rows.length) {
    const rows = new Float64Array(t.rows.length * 2);
    rows.set(t.rows);
    t.rows = rows;
  }
  const a = t.c.activityIndex.get(activityId) ?? t.stride - 2;
  const r = roleIndex(role);
  const i = t.n++;
  const o = i * ROW;
  t.rows[o] = a;
  t.rows[o + 1] = r;
  t.rows[o + 2] = at;
  t.rows[o + 3] = hours;
  t.rows[o + 4] = hash;
  if (2 * t.n > t.slots.length >> 1) reindex(t, slotCapacity(t.n));
  else place(t.slots, hash, i);
  count(t, a, r, hours, 1);
}

/** Removes the participation at row `i` the way `fold` does: the last one moves into its place. O(rows): the id table is refilled. */
export function removeParticipation(t: Tally, i: number): void {
  const o = i * ROW;
  count(t, t.rows[o]!, t.rows[o + 1]!, t.rows[o + 3]!, -1);
  const last = --t.n;
  if (i !== last) t.rows.copyWithin(o, last * ROW, last * ROW + ROW);
  reindex(t, t.slots.length >> 1);
}
