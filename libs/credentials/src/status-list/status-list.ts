import { gunzipSync, gzipSync } from 'node:zlib';
import { CredentialsError } from '../errors';

/**
 * The smallest list the W3C Bitstring Status List spec allows (16 KiB of
 * bits): a verifier fetching the list learns little about which credential
 * it is checking.
 */
export const MIN_STATUS_LIST_LENGTH = 131_072;

/**
 * A bitstring of revocation flags. Bit `i` is the `i`-th bit counted from the
 * left: the most significant bit of byte `floor(i / 8)` (W3C Bitstring
 * Status List §3.2). Values are never mutated: `setStatus` returns a copy.
 */
export interface StatusList {
  /** Number of entries (bits), a multiple of 8. */
  readonly length: number;
  readonly bits: Uint8Array;
}

/**
 * A list of `length` entries (default and minimum 131,072), all unset.
 *
 * @example
 * ```ts
 * const list = createStatusList(); // list.length === 131072, list.bits.length === 16384
 * ```
 */
export function createStatusList(
  length: number = MIN_STATUS_LIST_LENGTH,
): StatusList {
  if (
    !Number.isSafeInteger(length) ||
    length < MIN_STATUS_LIST_LENGTH ||
    length % 8 !== 0
  ) {
    throw new CredentialsError(
      'INVALID_INPUT',
      `a status list needs a multiple of 8 entries, at least ${MIN_STATUS_LIST_LENGTH}; got ${length}`,
    );
  }
  return { length, bits: new Uint8Array(length / 8) };
}

function assertIndex(list: StatusList, index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= list.length) {
    throw new CredentialsError(
      'STATUS_INDEX_OUT_OF_RANGE',
      `index ${index} is outside the list [0, ${list.length})`,
    );
  }
}

/**
 * Whether entry `index` is set (for revocation: the credential is revoked).
 *
 * @example
 * ```ts
 * getStatus(setStatus(createStatusList(), 7, true), 7); // true
 * ```
 */
export function getStatus(list: StatusList, index: number): boolean {
  assertIndex(list, index);
  return ((list.bits[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}

/**
 * A copy of the list with entry `index` set (`true`) or cleared.
 *
 * @example
 * ```ts
 * const revoked = setStatus(list, 94567, true);
 * ```
 */
export function setStatus(
  list: StatusList,
  index: number,
  value: boolean,
): StatusList {
  assertIndex(list, index);
  const bits = list.bits.slice();
  const mask = 0x80 >> (index & 7);
  bits[index >> 3] = value
    ? (bits[index >> 3] ?? 0) | mask
    : (bits[index >> 3] ?? 0) & ~mask;
  return { length: list.length, bits };
}

/**
 * The `encodedList` of a BitstringStatusList: GZIP (zlib's, no timestamp, so
 * equal lists encode equally; an empty list gives the W3C spec's example
 * byte for byte), then base64url without padding, with the multibase prefix `u`.
 *
 * @example
 * ```ts
 * encodeStatusList(createStatusList()); // 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA'
 * ```
 */
export function encodeStatusList(list: StatusList): string {
  return `u${gzipSync(list.bits).toString('base64url')}`;
}

/**
 * Reads an `encodedList` back into a list; throws INVALID_STATUS_LIST if it
 * is not multibase base64url (`u…`) GZIP, or holds fewer than `minLength`
 * (default 131,072) entries.
 *
 * @example
 * ```ts
 * const list = decodeStatusList(statusListCredential.credentialSubject.encodedList);
 * getStatus(list, Number(entry.statusListIndex));
 * ```
 */
export function decodeStatusList(
  encoded: string,
  { minLength = MIN_STATUS_LIST_LENGTH }: { minLength?: number } = {},
): StatusList {
  if (typeof encoded !== 'string' || !/^u[A-Za-z0-9_-]+$/.test(encoded)) {
    throw new CredentialsError(
      'INVALID_STATUS_LIST',
      'encodedList must be multibase base64url: "u" followed by base64url without padding',
    );
  }
  let bits: Uint8Array;
  try {
    // Bounded so a hostile list cannot inflate without limit (16 MiB = 134M entries).
    bits = new Uint8Array(
      gunzipSync(Buffer.from(encoded.slice(1), 'base64url'), {
        maxOutputLength: 16 * 1024 * 1024,
      }),
    );
  } catch (err) {
    throw new CredentialsError(
      'INVALID_STATUS_LIST',
      `encodedList is not GZIP data: ${(err as Error).message}`,
    );
  }
  const length = bits.length * 8;
  if (length < minLength) {
    throw new CredentialsError(
      'INVALID_STATUS_LIST',
      `the list has ${length} entries, fewer than the minimum ${minLength}`,
    );
  }
  return { length, bits };
}
