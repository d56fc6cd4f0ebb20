import { NotAcceptableException } from '@nestjs/common';
import Negotiator from 'negotiator';

/**
 * Which of `offered` an `Accept` header asks for (RFC 9110, section 12.5.1),
 * decided by `negotiator` (the media-type negotiation Express uses): the
 * highest q wins, then the more specific range, then the range listed
 * first, then the earlier offer; `q=0` refuses a type even when a wildcard
 * would take it, and a range with parameters takes only a type offered with
 * the same ones. No header takes the first offer; `undefined` when the
 * header accepts none.
 *
 * @example
 * ```ts
 * negotiate('application/ld+json', ['application/json', 'application/ld+json']); // 'application/ld+json'
 * negotiate('text/html', ['application/json', 'application/jwt']); // undefined
 * ```
 */
export function negotiate<T extends string>(accept: string | undefined, offered: readonly [T, ...T[]]): T | undefined {
  if (accept === undefined || accept.trim() === '') return offered[0];
  return new Negotiator({ headers: { accept } }).mediaType([...offered]) as T | undefined;
}

/**
 * {@link negotiate}, or a 406 that names what `what` is served as, so the
 * caller can fix its `Accept` header.
 */
export function chooseType<T extends string>(accept: string | undefined, offered: readonly [T, ...T[]], what: string): T {
  const type = negotiate(accept, offered);
  if (type !== undefined) return type;
  const types = offered.length === 1 ? offered[0] : `${offered.slice(0, -1).join(', ')} or ${offered[offered.length - 1]}`;
  throw new NotAcceptableException(
    `${what} is served as ${types}; Accept: ${(accept ?? '').slice(0, 120)} takes none of them: ask for one of them, or send no Accept header`,
  );
}
