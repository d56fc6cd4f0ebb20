import type { RuleSetRegistry } from '@laurel/platform';
import { DomainError } from '@laurel/progression';
import { nearMatches } from '@laurel/rules';

export { nearMatches };

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

/**
 * The 404 for a program id with no published rule set, with the near
 * matches: a coordinator asking for `vilnius-tec` should read "did you mean
 * vilnius-tech", and one asking for another program which ones there are.
 */
export function unknownProgram(registry: RuleSetRegistry, programId: string): DomainError {
  const known = registry.all().map((a) => a.ruleSet.programId);
  const matches = nearMatches(programId, known);
  const hint =
    matches.length > 0
      ? `; did you mean ${matches.map((m) => `"${m}"`).join(' or ')}?`
      : known.length > 0
        ? `; the programs published are ${known.map((k) => `"${k}"`).join(', ')}`
        : '; no rule set is published yet';
  return new DomainError('UNKNOWN_PROGRAM', `program ${programId} has no published rule set${hint}`, { nearMatches: matches });
}
