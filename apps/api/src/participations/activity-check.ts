import { Injectable } from '@nestjs/common';
import { RuleSetRegistry } from '@laurel/platform';
import { DomainError } from '@laurel/progression';
import { nearMatches as closest, whereListed } from '../programs/unknown-ids';

/** Refuses participations in activities no published rule set knows, suggesting the nearest ids. */
@Injectable()
export class ActivityCheck {
  /** Activity ids of the active rule sets; rebuilt only when one is published (this runs on every participation). */
  private known?: Set<string>;

  constructor(private readonly registry: RuleSetRegistry) {
    registry.onPublished(() => (this.known = undefined));
  }

  assertKnown(activityId: string): void {
    this.known ??= new Set(this.registry.all().flatMap((a) => a.ruleSet.activities.map((x) => x.id)));
    if (this.known.has(activityId)) return;
    const known = [...this.known];
    if (known.length === 0) {
      throw new DomainError('NO_RULE_SET', 'no rule set is published yet, so no activity is known; publish one with POST /programs/:id/rules');
    }
    const nearMatches = closest(activityId, known);
    const hint =
      nearMatches.length > 0
        ? `did you mean ${nearMatches.map((m) => `"${m}"`).join(' or ')}?`
        : `no known activity id is close to it; ${whereListed(this.registry)} lists the known ones`;
    throw new DomainError('UNKNOWN_ACTIVITY', `activity "${activityId}" is not in any published rule set; ${hint}`, { nearMatches });
  }
}
