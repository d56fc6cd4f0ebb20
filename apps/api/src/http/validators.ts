import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

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
