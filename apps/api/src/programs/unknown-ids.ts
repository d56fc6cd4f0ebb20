import { distance } from 'fastest-levenshtein';
import type { RuleSetRegistry } from '@laurel/platform';
import { DomainError } from '@laurel/progression';

/**
 * The known ids closest to a mistyped one, closest first (at most 3). Only
 * ids within a few edits count: the nearest id of all would be a guess
 * (chess-clubb -> photo-club).
 */
export function nearMatches(id: string, known: Iterable<string>): string[] {
  return [...known]
    .map((k) => ({ k, d: distance(id, k) }))
    .filter((m) => m.d <= Math.max(2, Math.floor(id.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((m) => m.k);
}

/** Where the known ids are listed, for a caller whose id is close to none of them. */
export function whereListed(registry: RuleSetRegistry): string {
  return registry
    .all()
    .map((a) => `GET /programs/${a.ruleSet.programId}/rules`)
    .join(' or ');
}

/**
 * The 422 for a badge id no published rule set defines, with the near
 * matches: a coordinator revoking `makr` should read "did you mean maker".
 */
export function unknownBadge(registry: RuleSetRegistry, badgeId: string): DomainError {
  const matches = nearMatches(
    badgeId,
    registry.all().flatMap((a) => a.ruleSet.badges.map((b) => b.id)),
  );
  const hint =
    matches.length > 0
      ? `did you mean ${matches.map((m) => `"${m}"`).join(' or ')}?`
      : `no known badge id is close to it; ${whereListed(registry)} lists the known ones`;
  return new DomainError('UNKNOWN_BADGE', `badge "${badgeId}" is not in any published rule set; ${hint}`, { nearMatches: matches });
}
