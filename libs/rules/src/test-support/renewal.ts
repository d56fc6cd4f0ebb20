import type { TimedFact } from '../replay/replay';
import type { RuleSet } from '../language/types';
import { ruleSetFrom } from './rule-set';

/** «certified», a badge given on application for two hackathons, that lasts a year (or `validity`): for tests of renewing it. */
export function certifiedRuleSet(validity = 'valid-for: 1 year'): RuleSet {
  return ruleSetFrom(`program: { id: test, title: { lt: Testas, en: Test } }
categories:
  science: { lt: Mokslas, en: Science }
activities:
  - { id: hackathon, name: { lt: Hakatonas, en: Hackathon }, category: science }
levels:
  - { id: participation, name: { lt: Dalyvavimas, en: Participation }, reached-when: { participations: 1 } }
badges:
  - id: certified
    level: participation
    name: { lt: certified, en: certified }
    description: { lt: Aprašymas, en: Description }
    award: on-application
    ${validity}
    requires:
      participations: { at-least: 2, activity: hackathon }
`);
}

/** A hackathon participation `id` at noon on day `on`, recorded then. */
export const hackathon = (id: string, on: string): TimedFact => ({
  at: `${on}T12:00:00.000Z`,
  fact: {
    type: 'participation-recorded',
    eventId: `e-${id}`,
    participationId: id,
    activityId: 'hackathon',
    occurredAt: `${on}T12:00:00.000Z`,
    role: 'participant',
  },
});

/** An application for «certified» submitted or approved at `at`. */
export const application = (type: 'application-submitted' | 'application-approved', at: string, eventId = `${type}-1`): TimedFact => ({
  at,
  fact: { type, badgeId: 'certified', eventId, at },
});
