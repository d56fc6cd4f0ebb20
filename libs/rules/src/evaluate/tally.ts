import { ROLES, type Role } from '../language/types';
import { roleIndex } from './compile';
import type { CompiledRuleSet, ParticipationEntry, StudentState, Tally } from './model';

/** Doubles per participation row in `Tally.d`. */
export const ROW = 5;
/** Row columns: epoch ms, hours, activity index + 65536 × role index, id hash, offset of the ids in `Tally.chars`. */
export const R_AT = 0;
export const R_HOURS = 1;
export const R_AR = 2;
const R_HASH = 3;
const R_CHARS = 4;

/** Counter cells per activity index: participations and hours over all roles, then participations per role, then hours per role. */
export const CELLS = 10;

/** Held and not revoked: its expiry; otherwise -Infinity. Derived from F_AT, F_EXPIRES and F_REVOKED. First: `evaluate` reads it for every badge. */
export const F_VALID_UNTIL = 0;
/** Badge fields. NaN in F_AT: never awarded; F_EXPIRES +Infinity: no expiry. */
export const F_AT = 1;
export const F_EXPIRES = 2;
/** 0 held, 1 revoked by a coordinator, 2 revoked for lost support. */
export const F_REVOKED = 3;
/** Bit 1: support lost; bit 2: loss reported. */
export const F_FLAGS = 4;
/** NaN: no eligibility recorded. */
export const F_ELIGIBLE = 5;
/** 0 none, 1 submitted, 2 approved, 3 rejected. */
export const F_APPLICATION = 6;
const BADGE_FIELDS = 7;

export const badgeField = (t: Tally, f: number, i: number): number => t.d[t.badgeBase + f * t.nb + i]!;

export function setBadgeField(t: Tally, f: number, i: number, value: number): void {
  const d = t.d;
  d[t.badgeBase + f * t.nb + i] = value;
  if (f === F_AT || f === F_EXPIRES || f === F_REVOKED) {
    const at = badgeField(t, F_AT, i);
    d[t.badgeBase + F_VALID_UNTIL * t.nb + i] =
      at === at && badgeField(t, F_REVOKED, i) === 0 ? badgeField(t, F_EXPIRES, i) : Number.NEGATIVE_INFINITY;
    forgetValidRange(t);
  }
  forgetSteps(t, t.c.badgeTouches, i);
}

/**
 * The clocks `[from, before)` over which the bits at `lastValidBase` still
 * say which badges are held (see `makeContext`): between two expiries, and
 * until an award, expiry or revocation is folded in. Empty when forgotten.
 */
export const validFrom = (t: Tally): number => t.d[t.validRange]!;
export const validBefore = (t: Tally): number => t.d[t.validRange + 1]!;
export function setValidRange(t: Tally, from: number, before: number): void {
  t.d[t.validRange] = from;
  t.d[t.validRange + 1] = before;
}
const forgetValidRange = (t: Tally): void => setValidRange(t, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);

export const levelAt = (t: Tally, i: number): number => t.d[t.levelBase + i]!;
export function setLevelAt(t: Tally, i: number, at: number): void {
  t.d[t.levelBase + i] = at;
  forgetSteps(t, t.c.levelTouches, i);
}

/**
 * The evaluation memo, two bit sets over the steps of `c.order` (bit s of
 * word s / 31): at [0, W), steps that reported nothing at the last
 * `evaluate` and nothing they read has changed since (see
 * `CompiledRuleSet.touches`); at [W, 2W), those of them that are settled:
 * a level reached, a badge held, revoked by a coordinator or whose level is
 * not reached. A settled step's answer does not depend on participations
 * (only other facts, or an expiry, unsettle it), so recording or voiding
 * one leaves it alone.
 */
export const isClean = (t: Tally, s: number): boolean => ((t.d[(s / 31) | 0]! >> (s % 31)) & 1) === 1;
export function setClean(t: Tally, s: number, settled: boolean): void {
  const k = (s / 31) | 0;
  t.d[k] = t.d[k]! | (1 << (s % 31));
  if (settled) t.d[t.c.stepWords + k] = t.d[t.c.stepWords + k]! | (1 << (s % 31));
}
/** Forgets the steps in entry `i` of a bit-set table (`badgeTouches`, `levelTouches`), settled or not. */
export function forgetSteps(t: Tally, table: Int32Array, i: number): void {
  const w = t.c.stepWords;
  const d = t.d;
  for (let k = 0; k < w; k++) {
    const keep = ~table[i * w + k]!;
    d[k] = d[k]! & keep;
    d[w + k] = d[w + k]! & keep;
  }
}
/** A participation of activity index `a` came or went: forget the steps that count it, unless settled. */
function forgetActivity(t: Tally, a: number): void {
  const w = t.c.stepWords;
  const touches = t.c.touches;
  const d = t.d;
  for (let k = 0; k < w; k++) d[k] = d[k]! & (~touches[a * w + k]! | d[w + k]!);
}

/**
 * Frees a buffer a tally has outgrown now rather than at the next full GC.
 * V8 counts typed arrays' memory as external and starts a full collection
 * whenever 64 MB more of it has been allocated since the last one; a tally's
 * old buffer, once its object is in the old generation, is only given back
 * by such a collection, so growing tallies alone set one off every few
 * hundred thousand events. Transferring the buffer detaches it: V8 takes
 * its bytes off the count at once, and the young clone that receives them
 * goes at the next scavenge.
 */
function release(a: Float64Array): void {
  // Tallies allocate their own buffers, never shared ones.
  const buffer = a.buffer as ArrayBuffer;
  structuredClone(buffer, { transfer: [buffer] });
}

const TALLY = Symbol('laurel.rules.tally');
type WithTally = StudentState & { [TALLY]?: Tally };

function participationsOf(this: StudentState): ParticipationEntry[] {
  const t = (this as WithTally)[TALLY];
  return t === undefined ? [] : entries(t);
}
const ACCESSOR: PropertyDescriptor = { get: participationsOf, enumerable: true, configurable: true };
const SLOT: PropertyDescriptor = { value: undefined, writable: true, enumerable: false, configurable: true };

/**
 * An empty object already in V8's dictionary mode. Badge and level ids are
 * added in each student's own order, so as ordinary objects every student's
 * would walk its own chain of hidden classes and each new id would cost a
 * runtime call (about 3 µs; 70,000 awards in the rules bench). Keys, order,
 * JSON and prototype are those of `{}`.
 */
function dictionary<T>(): Record<string, T> {
  const o: Record<string, T | undefined> = { a: undefined, b: undefined };
  delete o.a;
  delete o.b;
  return o as Record<string, T>;
}

/**
 * A student's state as `initialState` makes it: the JSON fields in their
 * usual order, `participations` an accessor over the tally's rows (an
 * enumerable own property, so JSON, spread and `structuredClone` still see
 * the list), and the tally in a non-enumerable slot of the object itself.
 */
class State {
  declare studentId: string;
  declare facts: number;
  declare badges: StudentState['badges'];
  declare eligible: StudentState['eligible'];
  declare applications: StudentState['applications'];
  declare levels: StudentState['levels'];
  constructor(studentId: string) {
    this.studentId = studentId;
    this.facts = 0;
    Object.defineProperty(this, 'participations', ACCESSOR);
    this.badges = dictionary();
    this.eligible = dictionary();
    this.applications = dictionary();
    this.levels = dictionary();
    Object.defineProperty(this, TALLY, SLOT);
  }
}

/** A new, empty state. */
export const newState = (studentId: string): StudentState => new State(studentId) as unknown as StudentState;

/** The tally if it is in step with the state (before a fold adds its fact). */
export function currentTally(state: StudentState, c: CompiledRuleSet, facts = state.facts): Tally | undefined {
  const t = (state as WithTally)[TALLY];
  return t !== undefined && t.c === c && t.owner === state && t.facts === facts ? t : undefined;
}

/** The tally for this rule set, rebuilt from the state when needed (O(history)). */
export function tallyOf(state: StudentState, c: CompiledRuleSet): Tally {
  const t = (state as WithTally)[TALLY];
  if (t !== undefined && t.c === c && t.owner === state && t.facts === state.facts) return t;
  return rebuild(state, c);
}

function rebuild(state: StudentState, c: CompiledRuleSet): Tally {
  // Read before the new tally replaces the old one: the accessor reads the old one's rows.
  const list = state.participations;
  const fresh = buildTally(state, c, list);
  const own = Object.getOwnPropertyDescriptor(state, 'participations');
  if (own === undefined || own.get !== participationsOf) Object.defineProperty(state, 'participations', ACCESSOR);
  if (!Object.prototype.hasOwnProperty.call(state, TALLY)) Object.defineProperty(state, TALLY, SLOT);
  (state as WithTally)[TALLY] = fresh;
  return fresh;
}

function buildTally(state: StudentState, c: CompiledRuleSet, list: readonly ParticipationEntry[]): Tally {
  const stride = c.ruleSet.activities.length + 2;
  const nb = c.badges.length;
  const nl = c.levels.length;
  // What every `evaluate` reads first, together: the memo, the badges held at the last one, levels, badges' validity.
  const lastValidBase = 2 * c.stepWords;
  const validRange = lastValidBase + Math.ceil(nb / 31);
  const levelBase = validRange + 2;
  const badgeBase = levelBase + nl;
  const countBase = badgeBase + nb * BADGE_FIELDS;
  // Rows start on a 64-byte boundary of the buffer.
  const rowBase = (countBase + stride * CELLS + 7) & ~7;
  // Room for 64 rows from the start: most students get there, and each growth costs a new buffer (~20 µs).
  const cap = Math.max(64, list.length + (list.length >> 1));
  const { d, chars } = allocate(rowBase, cap, Math.max(cap * 20, list.length * 24));
  d.fill(Number.NaN, badgeBase + F_AT * nb, badgeBase + (F_AT + 1) * nb);
  d.fill(Number.POSITIVE_INFINITY, badgeBase + F_EXPIRES * nb, badgeBase + (F_EXPIRES + 1) * nb);
  d.fill(Number.NaN, badgeBase + F_ELIGIBLE * nb, badgeBase + (F_ELIGIBLE + 1) * nb);
  d.fill(Number.NEGATIVE_INFINITY, badgeBase + F_VALID_UNTIL * nb, badgeBase + (F_VALID_UNTIL + 1) * nb);
  d.fill(Number.NaN, levelBase, levelBase + nl);
  d[validRange] = Number.POSITIVE_INFINITY;
  d[validRange + 1] = Number.NEGATIVE_INFINITY;
  const t: Tally = {
    c,
    owner: state,
    facts: state.facts,
    n: 0,
    cap,
    d,
    stride,
    nb,
    lastValidBase,
    validRange,
    levelBase,
    badgeBase,
    countBase,
    rowBase,
    slotBase: rowBase + cap * ROW,
    slotMask: slotCapacity(cap) - 1,
    chars,
    used: 0,
    dead: 0,
  };
  for (const p of list) addParticipation(t, hashId(p.participationId), p.participationId, p.eventId, p.activityId, p.role, p.at, p.hours);
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
  const d = t.d;
  const o = t.countBase + a * CELLS;
  d[o]! += sign;
  d[o + 1]! += sign * hours;
  d[o + 2 + r]! += sign;
  d[o + 6 + r]! += sign * hours;
  const total = t.countBase + (t.stride - 1) * CELLS;
  d[total]! += sign;
  d[total + 1]! += sign * hours;
  d[total + 2 + r]! += sign;
  d[total + 6 + r]! += sign * hours;
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

/**
 * An id table slot: the id's hash (as unsigned) plus (row + 1) * 2^32, an
 * integer below 2^53 while rows stay under MAX_ROWS; 0 is an empty slot.
 */
const SLOT_ROW = 4_294_967_296;
const MAX_ROWS = 2 ** 21 - 1;

function place(t: Tally, hash: number, row: number): void {
  const d = t.d;
  const base = t.slotBase;
  const mask = t.slotMask;
  let k = hash & mask;
  while (d[base + k] !== 0) k = (k + 1) & mask;
  d[base + k] = (hash >>> 0) + (row + 1) * SLOT_ROW;
}

/** Refills the id table from the hashes in the rows (after a removal moved a row, or into a new buffer). */
function reindex(t: Tally): void {
  t.d.fill(0, t.slotBase, t.slotBase + t.slotMask + 1);
  for (let i = 0, o = t.rowBase; i < t.n; i++, o += ROW) place(t, t.d[o + R_HASH]!, i);
}

/**
 * One buffer per tally, two views on it: the doubles (`rowBase` of them,
 * then `cap` rows, then the id table, sized for `cap` rows at a load factor
 * of one half so it never grows on its own) and the ids' code units. One
 * allocation, and one buffer to give back, each time the tally grows; and
 * looking an id up reads no other object than `d`.
 */
function allocate(rowBase: number, cap: number, charCap: number): { d: Float64Array; chars: Uint16Array } {
  if (cap > MAX_ROWS) throw new RangeError(`a student's tally holds at most ${MAX_ROWS} participations`);
  const doubles = rowBase + cap * ROW + slotCapacity(cap);
  const buffer = new ArrayBuffer(doubles * 8 + charCap * 2);
  return { d: new Float64Array(buffer, 0, doubles), chars: new Uint16Array(buffer, doubles * 8, charCap) };
}

/**
 * Moves the tally into a new buffer with room for `cap` rows and `need`
 * more cells of ids: rows copied, ids packed (voided rows' ids dropped),
 * the id table refilled. Room for ids grows with the rows, at the ids'
 * average length so far, so long ids do not make the buffer grow twice.
 */
function grow(t: Tally, cap: number, need: number): void {
  const live = t.used - t.dead;
  // Voided rows' ids are packed away only once they are half the cells; until then all the ids are copied
  // in one go (a per-row copy, with each row's offset rewritten, cost more than the growth's allocation).
  const pack = 2 * t.dead > t.used;
  const kept = pack ? live : t.used;
  const perRow = t.n > 0 ? Math.ceil(live / t.n) : 0;
  let charCap = t.chars.length;
  if (kept + need > charCap) charCap = 2 * (kept + need);
  if (cap > t.cap) charCap = Math.max(charCap, kept - live + perRow * cap + need);
  const old = t.d;
  const oldChars = t.chars;
  const { d, chars } = allocate(t.rowBase, cap, charCap);
  d.set(old.subarray(0, t.rowBase + t.n * ROW));
  let used = t.used;
  if (pack) {
    used = 0;
    for (let i = 0, o = t.rowBase; i < t.n; i++, o += ROW) {
      const from = d[o + R_CHARS]!;
      const cells = rowCells(t, i);
      // A loop, not `set(subarray(...))`: a view object per row would be garbage for the scavenger.
      for (let k = 0; k < cells; k++) chars[used + k] = oldChars[from + k]!;
      d[o + R_CHARS] = used;
      used += cells;
    }
  } else {
    chars.set(oldChars.subarray(0, used));
  }
  t.d = d;
  t.slotBase = t.rowBase + cap * ROW;
  t.slotMask = slotCapacity(cap) - 1;
  t.chars = chars;
  t.cap = cap;
  t.used = used;
  if (pack) t.dead = 0;
  reindex(t);
  release(old);
}

// ---- ids, kept as UTF-16 code units in `chars` (no string per participation for the GC to keep) ----

/** Per row at its offset: participation id, event id, and (for an activity not in the catalogue) the activity id, each as length (2 cells) then code units. */
const idCells = (s: string): number => 2 + s.length;

function putId(chars: Uint16Array, at: number, s: string): number {
  chars[at] = s.length & 0xffff;
  chars[at + 1] = s.length >>> 16;
  for (let i = 0; i < s.length; i++) chars[at + 2 + i] = s.charCodeAt(i);
  return at + 2 + s.length;
}

const idLength = (chars: Uint16Array, at: number): number => chars[at]! + chars[at + 1]! * 65536;

const codes: number[] = [];

function readId(chars: Uint16Array, at: number): string {
  const n = idLength(chars, at);
  let out = '';
  for (let from = at + 2, end = at + 2 + n; from < end; from += 4096) {
    const k = Math.min(end - from, 4096);
    codes.length = k;
    for (let i = 0; i < k; i++) codes[i] = chars[from + i]!;
    out += String.fromCharCode.apply(null, codes);
  }
  return out;
}

function sameId(chars: Uint16Array, at: number, s: string): boolean {
  if (idLength(chars, at) !== s.length) return false;
  for (let i = 0; i < s.length; i++) if (chars[at + 2 + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Cells the ids of row `i` take in `chars`. */
function rowCells(t: Tally, i: number): number {
  const chars = t.chars;
  const from = t.d[t.rowBase + i * ROW + R_CHARS]!;
  let at = from + 2 + idLength(chars, from);
  at += 2 + idLength(chars, at);
  if (activityOf(t, i) === t.stride - 2) at += 2 + idLength(chars, at);
  return at - from;
}

/**
 * The row of participation `id`, or -1. The id itself is compared only
 * when the hash matches.
 */
export function rowOf(t: Tally, id: string, hash = hashId(id)): number {
  const d = t.d;
  const base = t.slotBase;
  const mask = t.slotMask;
  const unsigned = hash >>> 0;
  for (let k = hash & mask; ; k = (k + 1) & mask) {
    const key = d[base + k]!;
    if (key === 0) return -1;
    const row = Math.floor(key / SLOT_ROW) - 1;
    if (key - (row + 1) * SLOT_ROW === unsigned && sameId(t.chars, d[t.rowBase + row * ROW + R_CHARS]!, id)) return row;
  }
}

/** Where `touchRowLines` leaves what it read, so the compiler keeps the reads. */
let _touched = 0;

/**
 * Reads, together, the cache lines that recording a participation of
 * `activityId` (id hash `hash`) will write: its id table slot, its
 * activity's counters, the next row and the next ids. A student's data is
 * rarely still in cache when their next event comes; loads issued close
 * together are waited on together, where `rowOf` and `addParticipation`
 * would otherwise wait for each in turn.
 */
export function touchRowLines(t: Tally, hash: number, activityId: string): void {
  const d = t.d;
  const a = t.c.activityIndex.get(activityId) ?? t.stride - 2;
  const row = t.n < t.cap ? t.rowBase + t.n * ROW : t.rowBase;
  _touched = d[t.slotBase + (hash & t.slotMask)]! + d[t.countBase + a * CELLS]! + d[row]! + t.chars[t.used < t.chars.length ? t.used : 0]!;
}

/** Adds a participation (its id's `hashId`) as the last row. */
export function addParticipation(
  t: Tally,
  hash: number,
  participationId: string,
  eventId: string,
  activityId: string,
  role: Role,
  at: number,
  hours: number,
): void {
  const known = t.c.activityIndex.get(activityId);
  const a = known ?? t.stride - 2;
  const r = roleIndex(role);
  const cells = idCells(participationId) + idCells(eventId) + (known === undefined ? idCells(activityId) : 0);
  if (t.n === t.cap) grow(t, 2 * t.cap, cells);
  else if (t.used + cells > t.chars.length) grow(t, t.cap, cells);
  const from = t.used;
  let end = putId(t.chars, from, participationId);
  end = putId(t.chars, end, eventId);
  if (known === undefined) end = putId(t.chars, end, activityId);
  t.used = end;
  const i = t.n++;
  const d = t.d;
  const o = t.rowBase + i * ROW;
  d[o + R_AT] = at;
  d[o + R_HOURS] = hours;
  d[o + R_AR] = a + r * 65536;
  d[o + R_HASH] = hash;
  d[o + R_CHARS] = from;
  place(t, hash, i);
  count(t, a, r, hours, 1);
  forgetActivity(t, a);
}

/** Removes the participation at row `i`: the last one moves into its place. O(rows): the id table is refilled. */
export function removeParticipation(t: Tally, i: number): void {
  const d = t.d;
  const o = t.rowBase + i * ROW;
  const ar = d[o + R_AR]!;
  const a = ar % 65536;
  count(t, a, (ar - a) / 65536, d[o + R_HOURS]!, -1);
  t.dead += rowCells(t, i);
  const last = --t.n;
  if (i !== last) d.copyWithin(o, t.rowBase + last * ROW, t.rowBase + last * ROW + ROW);
  reindex(t);
  forgetActivity(t, a);
}

/** Activity index of row `i` (the catalogue size for an activity it does not know). */
export const activityOf = (t: Tally, i: number): number => t.d[t.rowBase + i * ROW + R_AR]! % 65536;

/** Event id of row `i`. */
export function eventIdOf(t: Tally, i: number): string {
  const at = t.d[t.rowBase + i * ROW + R_CHARS]!;
  return readId(t.chars, at + 2 + idLength(t.chars, at));
}

/** Row `i` as the state's JSON shows it. */
export function entryOf(t: Tally, i: number): ParticipationEntry {
  const o = t.rowBase + i * ROW;
  const ar = t.d[o + R_AR]!;
  const a = ar % 65536;
  let at = t.d[o + R_CHARS]!;
  const participationId = readId(t.chars, at);
  at += 2 + idLength(t.chars, at);
  const eventId = readId(t.chars, at);
  at += 2 + idLength(t.chars, at);
  const activityId = a === t.stride - 2 ? readId(t.chars, at) : t.c.ruleSet.activities[a]!.id;
  return { participationId, eventId, activityId, role: ROLES[(ar - a) / 65536]!, at: t.d[o + R_AT]!, hours: t.d[o + R_HOURS]! };
}

/** Every live participation, in row order. */
export function entries(t: Tally): ParticipationEntry[] {
  const out: ParticipationEntry[] = [];
  for (let i = 0; i < t.n; i++) out.push(entryOf(t, i));
  return out;
}
