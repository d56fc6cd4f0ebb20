import { isISO8601, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { calendarProblem, occurredAtFormat, readOccurredAt } from '@laurel/progression';

/**
 * Control characters other than tab and line breaks, and UTF-16 surrogates
 * without their pair. A lone surrogate cannot be stored as UTF-8: it would
 * come back as U+FFFD, so the same request sent again would no longer match
 * what was stored.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const UNSTORABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|\p{Cs}/u;

/** Whether `value` is text {@link IsPlainText} accepts. */
export const isPlainText = (value: unknown): boolean => typeof value === 'string' && !UNSTORABLE.test(value);

/** Free text a person wrote (a reason, a comment, a statement): any language and script, but nothing unprintable. */
export function IsPlainText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPlainText',
      validator: {
        validate: isPlainText,
        defaultMessage: (args) => `${args?.property ?? 'text'} must be text without control characters or unpaired surrogates`,
      },
    },
    options,
  );
}

/**
 * The field may be left out, but not sent as `null`: unlike `@IsOptional()`,
 * which lets `null` through unchecked, so that `"hours": null` would be
 * stored as such.
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/**
 * Whether a value is an ISO-8601 date or date-time that names one instant:
 * class-validator's `isISO8601` also passes week dates (`2026-W48`), ordinal
 * dates, the basic format (`20261124`) and hour-only offsets (`+02`), which
 * `Date` cannot read; such a value reached the handlers as an invalid date
 * and answered 500.
 *
 * @example
 * isIsoInstant('2026-11-24T09:24:00+02:00') // true
 * isIsoInstant('2026-W48') // false
 */
export const isIsoInstant = (value: unknown): boolean =>
  typeof value === 'string' && isISO8601(value, { strict: true }) && !Number.isNaN(Date.parse(value));

/**
 * {@link isIsoInstant}, with the field's own message saying what to send; a
 * date the calendar lacks is named instead ('asOf 2026-02-30 is not a date:
 * 2026-02 has no day 30 (it has 28 days)'), as for `occurredAt`.
 */
export function IsIsoInstant(message: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoInstant',
      validator: {
        validate: isIsoInstant,
        defaultMessage: (args) => (typeof args?.value === 'string' && calendarProblem(args.value, args.property)) || message,
      },
    },
    options,
  );
}

/**
 * Whether a value is when a participation took place as `POST /participations`
 * takes it: a date-time with `Z` or an offset, in the calendar (see
 * `readOccurredAt`, which `laurel import` reads its CSV dates with too).
 *
 * @example
 * isOccurredAt('2026-10-14T16:00:00+02:00') // true
 * isOccurredAt('2026-10-14') // false: a date without a time of day
 */
export const isOccurredAt = (value: unknown): boolean => typeof value === 'string' && 'iso' in readOccurredAt(value, { dateOnly: 'refuse' });

/** {@link isOccurredAt}; the message says what is wrong (no month 14, no time zone, no time of day) and how to write it. */
export function IsOccurredAt(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOccurredAt',
      validator: {
        validate: isOccurredAt,
        defaultMessage: (args) => {
          const field = args?.property ?? 'occurredAt';
          const reading = typeof args?.value === 'string' ? readOccurredAt(args.value, { field, dateOnly: 'refuse' }) : undefined;
          return reading && 'problem' in reading ? reading.problem : occurredAtFormat(field);
        },
      },
    },
    options,
  );
}

/** The earliest participation date accepted: anything before is a typing mistake (1900 for 2000), not an activity. */
export const EARLIEST_OCCURRENCE = Date.parse('2000-01-01T00:00:00Z');
/** How far in the future a date may be: clocks differ a little; a participation is recorded once it has taken place. */
export const FUTURE_TOLERANCE_MS = 60 * 60 * 1000;

/**
 * Whether an ISO-8601 instant is a plausible time for something that has
 * happened: from 2000 on, and not in the future (an hour's leeway for clocks).
 *
 * @example
 * hasHappened('2026-10-14T16:00:00Z') // true
 * hasHappened('2099-01-01T00:00:00Z') // false
 */
export const hasHappened = (value: unknown, now = Date.now()): boolean => {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return t >= EARLIEST_OCCURRENCE && t <= now + FUTURE_TOLERANCE_MS;
};

/** An instant something happened at (see {@link hasHappened}); the message says which bound it crossed. */
export function HasHappened(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasHappened',
      validator: {
        // A value that is no date at all is left to the format rule beside this one, which says what to send.
        validate: (value: unknown) => typeof value !== 'string' || Number.isNaN(Date.parse(value)) || hasHappened(value),
        defaultMessage: (args) => {
          const field = args?.property ?? 'date';
          return typeof args?.value === 'string' && Date.parse(args.value) < EARLIEST_OCCURRENCE
            ? `${field} ${args.value} is before 2000; check the year`
            : `${field} ${String(args?.value)} is in the future; record it once it has taken place`;
        },
      },
    },
    options,
  );
}

/**
 * Whether an instant to view the log as of (`asOf`, the preview's `at`) has
 * come: the log holds nothing from the future, and the clock would move
 * expiries and time windows on as if predicting. A date alone is that whole
 * day, so today's date is accepted (it is read as now). A value that is no
 * date at all is left to the format rule.
 *
 * @example
 * hasCome('2026-11-24', Date.parse('2026-11-24T09:00:00Z')) // true
 * hasCome('2026-11-24T10:00:00Z', Date.parse('2026-11-24T09:00:00Z')) // false
 */
export const hasCome = (value: unknown, now = Date.now()): boolean => {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(t) || t <= now;
};

/** An instant to view the log as of (see {@link hasCome}); the message names the server's time, so a client whose clock runs ahead can tell. */
export function HasCome(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasCome',
      validator: {
        validate: (value: unknown) => hasCome(value),
        defaultMessage: (args) => {
          const field = args?.property ?? 'date';
          return `${field} ${String(args?.value)} is in the future (the server's time is ${new Date().toISOString()}): the log holds nothing after now; ask for an earlier instant, or leave ${field} out for now`;
        },
      },
    },
    options,
  );
}

/**
 * A finite number with at most `places` decimals. class-validator's
 * `IsNumber({ maxDecimalPlaces })` throws a TypeError (a 500) on numbers
 * JSON writes in exponent form, such as 1e-7.
 *
 * @example
 * hasAtMostDecimals(2.5, 2) // true
 * hasAtMostDecimals(1e-7, 2) // false
 */
export const hasAtMostDecimals = (value: unknown, places: number): boolean => {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const scaled = value * 10 ** places;
  return Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, Math.abs(scaled));
};

/** A finite number with at most `places` decimals (see {@link hasAtMostDecimals}). */
export function HasAtMostDecimals(places: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasAtMostDecimals',
      validator: {
        validate: (value: unknown) => hasAtMostDecimals(value, places),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a number with at most ${places} decimals`,
      },
    },
    options,
  );
}

/** A date-time with a time of day but no `Z` or offset: its instant would depend on the server's time zone. */
const NO_ZONE = /^[^T]*T[\d:.,]*$/;

/**
 * Whether an ISO-8601 value says where in the world its time of day is: a
 * date alone (a whole day, read as UTC) or a date-time with `Z` or an offset.
 *
 * @example
 * hasTimeZone('2026-10-14T16:00:00Z') // true
 * hasTimeZone('2026-10-14T16:00:00') // false
 */
export const hasTimeZone = (value: unknown): boolean => typeof value !== 'string' || !NO_ZONE.test(value);

/** A date-time must carry `Z` or an offset (a CSV import refuses one without it too); the message shows both ways to write it. */
export function HasTimeZone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasTimeZone',
      validator: {
        validate: hasTimeZone,
        defaultMessage: (args) => {
          const field = args?.property ?? 'date';
          const value = String(args?.value);
          return `${field} ${value} has no time zone: write ${value}Z for UTC, or add the offset, e.g. ${value}+02:00`;
        },
      },
    },
    options,
  );
}

/**
 * A `+` in a URL's query string arrives as a space (form encoding), so
 * `?asOf=2026-06-30T12:00:00+02:00` typed into a browser or curl reads
 * `... 02:00`. No ISO-8601 value holds a space: put the `+` back.
 *
 * @example
 * plusRestored('2026-06-30T12:00:00 02:00') // '2026-06-30T12:00:00+02:00'
 */
export const plusRestored = (value: unknown): unknown => (typeof value === 'string' ? value.replace(/ (\d{2}(?::?\d{2})?)$/, '+$1') : value);
