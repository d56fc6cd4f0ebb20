/**
 * Why a credentials function refused its input. Verification never throws
 * these: a credential that fails a check is reported in the `checks` of the
 * result instead.
 */
export type CredentialsErrorCode =
  /** A field is missing or malformed (a date without a timezone, a non-URL id, ...). */
  | 'INVALID_INPUT'
  /** Only RS256 and ES256 are issued and verified. */
  | 'UNSUPPORTED_ALGORITHM'
  /** A key could not be imported, or is not a private key of the expected type. */
  | 'INVALID_KEY'
  /** A status list index is not an integer inside the list. */
  | 'STATUS_INDEX_OUT_OF_RANGE'
  /** An encoded status list is not multibase base64url GZIP, or is shorter than the minimum. */
  | 'INVALID_STATUS_LIST'
  /** A CLR needs at least one credential (the CLR 2.0 schema requires `verifiableCredential` to be non-empty). */
  | 'EMPTY_PORTFOLIO';

/**
 * The one error class of `libs/credentials`; `code` is stable, the message is for people.
 *
 * @example
 * ```ts
 * try {
 *   setStatus(list, -1, true);
 * } catch (err) {
 *   if (err instanceof CredentialsError && err.code === 'STATUS_INDEX_OUT_OF_RANGE') {
 *     // 400 Bad Request
 *   }
 * }
 * ```
 */
export class CredentialsError extends Error {
  constructor(
    readonly code: CredentialsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
