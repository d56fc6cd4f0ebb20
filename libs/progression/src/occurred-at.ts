/** What {@link readOccurredAt} made of a value: the instant as an ISO string in UTC, or what is wrong with it in words. */
export type OccurredAtReading = { iso: string } | { problem: string };

export interface OccurredAtOptions {
  /** The field's name in messages. */
  field?: string;
  /**
   * What a date alone (`2026-10-14`) means: `start-of-day` reads it as 00:00
   * UTC (a spreadsheet column of dates), `refuse` asks for the time (an API
   * client can send it, and a participation has one).
   */
  dateOnly: 'start-of-day' | 'refuse';
  /** Also take a space for the `T` (`2026-10-14 16:00Z`), as spreadsheets write date-times. */
  spaceSeparator?: boolean;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:([T ])(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The message for a value that is no date-time at all: how to write one. */
export const occurredAtFormat = (field = 'occurredAt'): string => `${field} must be an ISO-8601 date-time, e.g. 2026-10-14T16:00:00Z`;

/**
 * Reads when a participation took place: an ISO-8601 date-time with `Z` or
 * an offset (`2026-10-14T16:00:00+03:00`; seconds and fraction optional),
 * or, where `dateOnly` allows it, a date alone. Each way a value can be
 * wrong gets its own message saying what to fix: a month or day the
 * calendar does not have (`Date` would roll 2026-02-30 over to March), a
 * time past 23:59:59, an offset past 23:59, a time without a zone (its
 * instant would depend on where it is read), a date without a time. Both
 * `POST /participations` and `laurel import` read `occurredAt` with it.
 *
 * @example
 * ```ts
 * readOccurredAt('2026-10-14T16:00:00+03:00', { dateOnly: 'refuse' }); // { iso: '2026-10-14T13:00:00.000Z' }
 * readOccurredAt('2026-10-14', { dateOnly: 'start-of-day' }); // { iso: '2026-10-14T00:00:00.000Z' }
 * readOccurredAt('2026-14-10T10:00:00Z', { dateOnly: 'refuse' }); // { problem: 'occurredAt 2026-14-10T10:00:00Z is not a date: there is no month 14; ...' }
 * ```
 */
export function readOccurredAt(value: string, options: OccurredAtOptions): OccurredAtReading {
  const field = options.field ?? 'occurredAt';
  const m = DATE_TIME.exec(value);
  if (!m || (m[4] === ' ' && !options.spaceSeparator)) {
    return {
      problem:
        options.dateOnly === 'start-of-day'
          ? `${field} "${value}" is not a date; write YYYY-MM-DD, or an ISO-8601 date-time with Z or an offset, e.g. 2026-10-14T16:00:00Z`
          : occurredAtFormat(field),
    };
  }
  const problem = calendarFault(m, value, field);
  if (problem) return { problem };
  const [, y = '', mo = '', d = '', , h, mi = '00', s, fraction = '', zone] = m;
  if (h === undefined) {
    if (options.dateOnly === 'start-of-day') return { iso: `${y}-${mo}-${d}T00:00:00.000Z` };
    return {
      problem: `${field} ${value} is a date without a time of day: send when it took place with Z or an offset, e.g. ${value}T16:00:00Z or ${value}T16:00:00+03:00 (${value}T00:00:00Z if only the day is known)`,
    };
  }
  const time = `${h}:${mi}${s === undefined ? '' : `:${s}${fraction}`}`;
  if (zone === undefined) {
    return {
      problem: `${field} ${value} has no time zone: write ${y}-${mo}-${d}T${time}Z for UTC, or add the offset, e.g. ${y}-${mo}-${d}T${time}+02:00`,
    };
  }
  return { iso: new Date(`${y}-${mo}-${d}T${time}${zone}`).toISOString() };
}

/**
 * What the calendar lacks in a value written as an ISO-8601 date or
 * date-time: a month past 12, a day its month does not have, a time past
 * 23:59:59, an offset past 23:59. Undefined when it has none of these, or is
 * not written as a date at all (then the caller says how to write one). The
 * API's `asOf` and `at` queries name the fault with it, as `occurredAt` does.
 *
 * @example
 * calendarProblem('2026-02-30', 'asOf') // 'asOf 2026-02-30 is not a date: 2026-02 has no day 30 (it has 28 days)'
 * calendarProblem('last-tuesday', 'asOf') // undefined
 */
export function calendarProblem(value: string, field: string): string | undefined {
  const m = DATE_TIME.exec(value);
  return m ? calendarFault(m, value, field) : undefined;
}

function calendarFault(m: RegExpExecArray, value: string, field: string): string | undefined {
  const [, y = '', mo = '', d = '', , h, mi = '00', s, , zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (days === undefined) return `${field} ${value} is not a date: there is no month ${mo}; write the date as YYYY-MM-DD, the month from 01 to 12`;
  if (Number(d) < 1 || Number(d) > days) return `${field} ${value} is not a date: ${y}-${mo} has no day ${d} (it has ${days} days)`;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) {
    return `${field} ${value} is not a time of day: write the time from 00:00 to 23:59:59`;
  }
  if (zone !== undefined && zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(-2)) > 59)) {
    return `${field} ${value} has an impossible time zone offset ${zone}: an offset is from -23:59 to +23:59`;
  }
  return undefined;
}
