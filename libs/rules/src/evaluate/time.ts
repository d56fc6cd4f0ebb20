import type { RuleSet, TimeWindow, Validity } from '../language/types';

const DAY = 86_400_000;

/** Adds calendar months in UTC, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(t: number, months: number): number {
  // By arithmetic rather than through a Date: evaluations call this for every windowed condition they check.
  if (!(t >= CIVIL_FROM && t <= CIVIL_TO && Math.abs(months) <= 12_000)) return addMonthsByDate(t, months);
  const days = Math.floor(t / DAY);
  civilFromDays(days);
  const index = civilYear * 12 + (civilMonth - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return (daysFromCivil(y, m, Math.min(civilDay, daysIn(y, m))) - days) * DAY + t;
}

function addMonthsByDate(t: number, months: number): number {
  const d = new Date(t);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.getTime();
}

/** Start (inclusive) of the academic year that contains `t`. */
export function academicYearStart(rs: Pick<RuleSet, 'academicYearStart'>, t: number): number {
  const { month, day } = rs.academicYearStart;
  if (!(t >= CIVIL_FROM && t <= CIVIL_TO)) return academicYearStartByDate(month, day, t);
  civilFromDays(Math.floor(t / DAY));
  // Linear in the day like Date.UTC, so a 02-29 start rolls over to 03-01 the same way in other years.
  const start = daysFromCivil(civilYear, month, day) * DAY;
  return t >= start ? start : daysFromCivil(civilYear - 1, month, day) * DAY;
}

function academicYearStartByDate(month: number, day: number, t: number): number {
  const year = new Date(t).getUTCFullYear();
  const start = Date.UTC(year, month - 1, day);
  return t >= start ? start : Date.UTC(year - 1, month - 1, day);
}

/**
 * Instants from about the year 130 to 9900 take the arithmetic path; others take the built-in one, whose quirks
 * (`Date.UTC` reads years 0-99 as 1900-1999; NaN at the edges of `Date`'s range) are kept.
 */
const CIVIL_FROM = -5.8e13;
const CIVIL_TO = 2.5e14;

/** Set by `civilFromDays`: module state rather than a tuple, so the hot path allocates nothing. */
let civilYear = 1970;
let civilMonth = 1;
let civilDay = 1;

/** Proleptic Gregorian year, month and day of a count of days since 1970-01-01 (H. Hinnant's algorithm). */
function civilFromDays(days: number): void {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  civilDay = doy - Math.floor((153 * mp + 2) / 5) + 1;
  civilMonth = mp < 10 ? mp + 3 : mp - 9;
  civilYear = yoe + era * 400 + (civilMonth <= 2 ? 1 : 0);
}

/** `[from, before)` in epoch ms for a window evaluated at `now`. Relative windows end just after `now`. */
export function windowRange(rs: Pick<RuleSet, 'academicYearStart'>, w: TimeWindow, now: number): [number, number] {
  return [windowFrom(rs, w, now), windowBefore(rs, w, now)];
}

/** The inclusive start of `windowRange` (no tuple: conditions ask for it at every evaluation). */
export function windowFrom(rs: Pick<RuleSet, 'academicYearStart'>, w: TimeWindow, now: number): number {
  switch (w.type) {
    case 'academic-year': {
      const { month, day } = rs.academicYearStart;
      return w.year === 'current' ? academicYearStart(rs, now) : Date.UTC(w.year, month - 1, day);
    }
    case 'last':
      return w.unit === 'days' ? now - w.amount * DAY : addMonths(now, -w.amount);
    case 'between':
      return w.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(w.from);
    default: {
      const never: never = w;
      throw new Error(`unknown window ${JSON.stringify(never)}`);
    }
  }
}

/** The exclusive end of `windowRange`; `from` is `windowFrom` of the same window and clock. */
export function windowBefore(rs: Pick<RuleSet, 'academicYearStart'>, w: TimeWindow, now: number, from = windowFrom(rs, w, now)): number {
  switch (w.type) {
    case 'academic-year':
      return addMonths(from, 12);
    case 'last':
      return now + 1;
    case 'between':
      return w.before === undefined ? Number.POSITIVE_INFINITY : Date.parse(w.before);
    default: {
      const never: never = w;
      throw new Error(`unknown window ${JSON.stringify(never)}`);
    }
  }
}

/** When an award made at `at` expires, if it does. */
export function expiryOf(validity: Validity | undefined, at: number): number | undefined {
  if (validity === undefined) return undefined;
  switch (validity.type) {
    case 'until':
      return Date.parse(validity.date);
    case 'period':
      if (validity.unit === 'days') return at + validity.amount * DAY;
      return addMonths(at, validity.unit === 'years' ? validity.amount * 12 : validity.amount);
    default: {
      const never: never = validity;
      throw new Error(`unknown validity ${JSON.stringify(never)}`);
    }
  }
}

/** The date part (YYYY-MM-DD) of the last day `iso` formatted, as char codes: most calls format the same day as the one before. */
let lastDay = Number.NaN;
const dayCodes = new Array<number>(24).fill(0);

/** `Date#toISOString` of an epoch ms, computed by hand (much faster); years 0-9999 only, else the built-in. */
export function iso(t: number): string {
  if (!(t >= 0 && t < 253_402_300_800_000)) return new Date(t).toISOString();
  const days = Math.floor(t / DAY);
  if (days !== lastDay) {
    civilFromDays(days);
    const y = civilYear;
    const m = civilMonth;
    const d = civilDay;
    digitsInto(dayCodes, 0, y, 4);
    dayCodes[4] = 45; // -
    digitsInto(dayCodes, 5, m, 2);
    dayCodes[7] = 45;
    digitsInto(dayCodes, 8, d, 2);
    lastDay = days;
  }
  let rest = t - days * DAY;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const sec = Math.floor(rest / 1000);
  const ms = rest - sec * 1000;
  const c = dayCodes;
  return String.fromCharCode(
    c[0]!,
    c[1]!,
    c[2]!,
    c[3]!,
    45,
    c[5]!,
    c[6]!,
    45,
    c[8]!,
    c[9]!,
    84, // T
    48 + Math.floor(h / 10),
    48 + (h % 10),
    58, // :
    48 + Math.floor(mi / 10),
    48 + (mi % 10),
    58,
    48 + Math.floor(sec / 10),
    48 + (sec % 10),
    46, // .
    48 + Math.floor(ms / 100),
    48 + (Math.floor(ms / 10) % 10),
    48 + (ms % 10),
    90, // Z
  );
}

function digitsInto(out: number[], at: number, value: number, width: number): void {
  for (let i = width - 1; i >= 0; i--, value = Math.floor(value / 10)) out[at + i] = 48 + (value % 10);
}
export const day = (t: number): string => iso(t).slice(0, 10);

const digits = (s: string, from: number, n: number): number => {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
};

/**
 * Epoch ms of an ISO-8601 instant; NaN when invalid. The engine's own
 * format (`2025-10-01T12:00:00.000Z`) is read by hand, three times faster
 * than `Date.parse`, which handles everything else.
 */
export function parseInstant(s: string): number {
  if (s.length === 24 && s.charCodeAt(23) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */ && s.charCodeAt(19) === 46 /* . */) {
    const y = digits(s, 0, 4);
    const mo = digits(s, 5, 2);
    const d = digits(s, 8, 2);
    const h = digits(s, 11, 2);
    const mi = digits(s, 14, 2);
    const se = digits(s, 17, 2);
    const ms = digits(s, 20, 3);
    if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 && se < 60 && ms >= 0) {
      return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + se * 1000 + ms;
    }
  }
  return Date.parse(s);
}

const daysIn = (y: number, m: number): number =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
