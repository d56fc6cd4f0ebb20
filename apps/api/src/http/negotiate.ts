import { NotAcceptableException } from '@nestjs/common';

type Range = { type: string; subtype: string; q: number; order: number };

function ranges(accept: string): Range[] {
  const out: Range[] = [];
  accept.split(',').forEach((part, order) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const [type, subtype, ...rest] = range.split('/');
    if (!type || !subtype || rest.length > 0) return;
    const qParam = params.find((p) => /^q\s*=/.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.replace(/^q\s*=\s*/, ''));
    if (!Number.isFinite(q) || q < 0 || q > 1) return;
    out.push({ type, subtype, q, order });
  });
  return out;
}

/**
 * Which of `offered` an `Accept` header asks for (RFC 9110, section 12.5.1).
 * Each offer takes the q of the most specific range that matches it
 * (`type/subtype`, then `type/*`, then the full wildcard), so `q=0` refuses
 * an offer even when a wildcard would take it. The highest q wins, then the more
 * specific range, then the range listed first, then the earlier offer. No
 * header takes the first offer; `undefined` when the header accepts none.
 *
 * @example
 * ```ts
 * negotiate('application/ld+json', ['application/json', 'application/ld+json']); // 'application/ld+json'
 * negotiate('text/html', ['application/json', 'application/jwt']); // undefined
 * ```
 */
export function negotiate<T extends string>(accept: string | undefined, offered: readonly [T, ...T[]]): T | undefined {
  if (accept === undefined || accept.trim() === '') return offered[0];
  const listed = ranges(accept);
  let best: { type: T; q: number; specificity: number; order: number } | undefined;
  for (const type of offered) {
    const [main, sub] = type.split('/');
    let match: { q: number; specificity: number; order: number } | undefined;
    for (const r of listed) {
      const specificity =
        r.type === main && r.subtype === sub ? 2 : r.type === main && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
      if (specificity > (match?.specificity ?? -1)) match = { q: r.q, specificity, order: r.order };
    }
    if (!match || match.q === 0) continue;
    const better =
      !best ||
      match.q > best.q ||
      (match.q === best.q && (match.specificity > best.specificity || (match.specificity === best.specificity && match.order < best.order)));
    if (better) best = { type, ...match };
  }
  return best?.type;
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
