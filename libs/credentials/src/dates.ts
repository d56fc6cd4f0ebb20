import { CredentialsError } from './errors';

// RFC 3339 with a mandatory offset: the OB schema's DateTimeZ.
const DATE_TIME_Z =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Normalises an instant to UTC `YYYY-MM-DDTHH:MM:SSZ` (milliseconds kept only
 * when not zero), so equal instants always print the same.
 *
 * @example
 * ```ts
 * toDateTimeZ('2025-03-01T12:00:00+02:00', 'validFrom'); // '2025-03-01T10:00:00Z'
 * ```
 */
export function toDateTimeZ(value: string | Date, field: string): string {
  if (typeof value === 'string' && !DATE_TIME_Z.test(value)) {
    throw new CredentialsError(
      'INVALID_INPUT',
      `${field}: "${value}" is not an RFC 3339 date-time with a timezone`,
    );
  }
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) {
    throw new CredentialsError('INVALID_INPUT', `${field}: not a valid date`);
  }
  return date.toISOString().replace('.000Z', 'Z');
}

/**
 * Whole seconds since the epoch, rounded down, as JWT `nbf` / `exp` carry them.
 *
 * @example
 * ```ts
 * toNumericDate('2025-03-01T10:00:00.900Z'); // 1740823200
 * ```
 */
export function toNumericDate(dateTime: string): number {
  return Math.floor(Date.parse(dateTime) / 1000);
}

/**
 * A credential's validity window, normalised as {@link toDateTimeZ} does;
 * `validUntil`, when given, must come after `validFrom`.
 *
 * @example
 * ```ts
 * validityWindow('2025-03-01T12:00:00Z', '2026-03-01T12:00:00Z');
 * // { validFrom: '2025-03-01T12:00:00Z', validUntil: '2026-03-01T12:00:00Z' }
 * ```
 */
export function validityWindow(
  from: string | Date,
  until: string | Date | undefined,
): { validFrom: string; validUntil: string | undefined } {
  const validFrom = toDateTimeZ(from, 'validFrom');
  const validUntil =
    until === undefined ? undefined : toDateTimeZ(until, 'validUntil');
  if (
    validUntil !== undefined &&
    Date.parse(validUntil) <= Date.parse(validFrom)
  ) {
    throw new CredentialsError(
      'INVALID_INPUT',
      `validUntil ${validUntil} is not after validFrom ${validFrom}`,
    );
  }
  return { validFrom, validUntil };
}
