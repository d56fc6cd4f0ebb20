import type { RuleSet, TimeWindow, Validity } from '../language/types';

const DAY = 86_400_000;

/** Adds calendar months in UTC, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(t: number, months: number): number {
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
  const year = new Date(t).getUTCFullYear();
  const start = Date.UTC(year, month - 1, day);
  return t >= start ? start : Date.UTC(year - 1, month - 1, day);
}

/** `[from, before)` in epoch ms for a window evaluated at `now`. Relative windows end just after `now`. */
export function windowRange(rs: Pick<RuleSet, 'academicYearStart'>, w: TimeWindow, now: number): [number, number] {
  switch (w.type) {
    case 'academic-year': {
      const { month, day } = rs.academicYearStart;
      const from = w.year === 'current' ? academicYearStart(rs, now) : Date.UTC(w.year, month - 1, day);
      return [from, addMonths(from, 12)];
    }
    case 'last':
      return [w.unit === 'days' ? now - w.amount * DAY : addMonths(now, -w.amount), now + 1];
    case 'between':
      return [
        w.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(w.from),
        w.before === undefined ? Number.POSITIVE_INFINITY : Date.parse(w.before),
      ];
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

export const iso = (t: number): string => new Date(t).toISOString();
export const day = (t: number): string => iso(t).slice(0, 10);
