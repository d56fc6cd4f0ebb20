import { closest, distance } from 'fastest-levenshtein';

/** Stable codes for every problem the loader and the checks report. */
export type RuleIssueCode =
  | 'yaml-syntax'
  | 'missing-field'
  | 'unknown-field'
  | 'wrong-type'
  | 'invalid-value'
  | 'duplicate-id'
  | 'unknown-reference'
  | 'prerequisite-cycle'
  | 'unreachable-level'
  | 'unsatisfiable-threshold'
  | 'empty-condition'
  | 'contradictory-condition'
  | 'always-true-condition'
  | 'past-valid-until'
  | 'missing-schema-comment'
  | 'example-failed';

export type RuleIssue = {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  code: RuleIssueCode;
  /** Plain words: what is wrong and how to fix it. */
  message: string;
  severity: 'error' | 'warning';
};

/**
 * The closest known name to a misspelt one, when it is close enough to be a
 * likely typo.
 *
 * @example
 * didYouMean('robotics-clb', ['robotics-club', 'chess-club']) // 'robotics-club'
 */
export function didYouMean(wrong: string, known: Iterable<string>): string | undefined {
  const candidates = [...known];
  if (candidates.length === 0) return undefined;
  const best = closest(wrong, candidates);
  const limit = Math.max(2, Math.floor(Math.max(wrong.length, best.length) / 3));
  if (distance(wrong, best) <= limit) return best;
  // A prefix is also a likely slip: `sport` for `sports`, `meta` for `meta-leader`.
  const prefixed = candidates.find((c) => c.startsWith(wrong) || wrong.startsWith(c));
  return prefixed;
}

/**
 * The known ids closest to a mistyped one, closest first (at most 3): ids
 * within a few edits of it, then ids it names part of, word for word
 * (`basketball` or `basketbal` for `basketball-league`: people shorten ids
 * they half remember). The nearest id of all would be a guess (chess-clubb
 * -> photo-club), so only these count.
 *
 * @example
 * nearMatches('2025052', ['20250052', '20250520', '20241111']) // ['20250052', '20250520']
 * nearMatches('marathon', ['vilnius-marathon-team', 'running-club']) // ['vilnius-marathon-team']
 */
export function nearMatches(id: string, known: Iterable<string>): string[] {
  const candidates = [...known];
  const typos = candidates
    .map((k) => ({ k, d: distance(id, k) }))
    .filter((m) => m.d <= Math.max(2, Math.floor(id.length / 3)))
    .sort((a, b) => a.d - b.d)
    .map((m) => m.k);
  const partial = candidates
    .filter((k) => !typos.includes(k))
    .map((k) => ({ k, extra: wordsNamed(id, k) }))
    .filter((m): m is { k: string; extra: number } => m.extra !== undefined)
    .sort((a, b) => a.extra - b.extra)
    .map((m) => m.k);
  return [...typos, ...partial].slice(0, 3);
}

/**
 * How many more words `known` has, when every word of `id` (its parts
 * between `-` or `_`) is one of them, or one slip away from one; undefined
 * otherwise. Words shorter than 4 letters must be exact, and an id under 4
 * letters names nothing: `art` is not a part of `art-club` a person would
 * type alone, and would match too much.
 */
function wordsNamed(id: string, known: string): number | undefined {
  if (id.length < 4) return undefined;
  const words = id.split(/[-_]/).filter(Boolean);
  const theirs = known.split(/[-_]/).filter(Boolean);
  if (words.length === 0 || words.length >= theirs.length) return undefined;
  const named = words.every((w) => theirs.some((t) => (w.length < 4 ? t === w : distance(w, t) <= Math.floor(w.length / 5))));
  return named ? theirs.length - words.length : undefined;
}

/** `did you mean `x`?` sentence, or an empty string. */
export function suggestion(wrong: string, known: Iterable<string>): string {
  const best = didYouMean(wrong, known);
  return best === undefined ? '' : ` Did you mean \`${best}\`?`;
}

/**
 * Formats an issue like a compiler: `rules/x.yaml:12:7 error: ... [code]`.
 *
 * @example
 * formatIssue(result.errors[0]) // 'rules/x.yaml:24:48 error: Unknown activity `robotics-clb`. Did you mean `robotics-club`? [unknown-reference]'
 */
export function formatIssue(issue: RuleIssue): string {
  return `${issue.file}:${issue.line}:${issue.column} ${issue.severity}: ${issue.message} [${issue.code}]`;
}

export function listOf(values: readonly string[], max = 8): string {
  const shown = values.slice(0, max).map((v) => `\`${v}\``);
  const rest = values.length > max ? `, ... (${values.length - max} more)` : '';
  return shown.join(', ') + rest;
}
