/**
 * Student, activity, badge and program ids become stream names, Redis keys
 * and URL segments: they keep to a safe alphabet.
 *
 * @example
 * ```ts
 * ID_PATTERN.test('20231234'); // true
 * ID_PATTERN.test('20231234 '); // false: `studentId must be ${ID_RULE}`
 * ```
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** {@link ID_PATTERN} in words, for error messages. */
export const ID_RULE = 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64 characters';
