import { formatIssue, type RuleIssue } from '../load/issues';
import { loadRuleSet } from '../load/load-rule-set';
import type { Role, RuleSet } from '../language/types';
import type { Fact } from '../evaluate/state';

/** A small program: 5 activities in 3 categories, levels participation -> activity -> meta. */
export function program(badges: string, opts: { levels?: string; extra?: string } = {}): string {
  return `# yaml-language-server: $schema=./schema/rule-set.schema.json
program: { id: test, title: { lt: Testas, en: Test } }
categories:
  sports: { lt: Sportas, en: Sports }
  science: { lt: Mokslas, en: Science }
  art: { lt: Menas, en: Art }
competencies:
  teamwork: { lt: Komandinis darbas, en: Teamwork }
  leadership: { lt: Lyderystė, en: Leadership }
activities:
  - { id: basketball, name: { lt: Krepšinis, en: Basketball }, category: sports, competencies: [teamwork] }
  - { id: running, name: { lt: Bėgimas, en: Running }, category: sports }
  - { id: robotics, name: { lt: Robotika, en: Robotics }, category: science, competencies: [teamwork, leadership] }
  - { id: hackathon, name: { lt: Hakatonas, en: Hackathon }, category: science }
  - { id: choir, name: { lt: Choras, en: Choir }, category: art }
levels:
${
  opts.levels ??
  `  - { id: participation, name: { lt: Dalyvavimas, en: Participation }, reached-when: { participations: 1 } }
  - { id: activity, name: { lt: Aktyvumas, en: Activity }, reached-when: { badges: { at-least: 2, level: participation } } }
  - { id: meta, name: { lt: META, en: META }, reached-when: { badges: { at-least: 1, level: activity } } }`
}
badges:
${badges}
${opts.extra ?? ''}`;
}

/** One badge entry, indented for `badges:`. */
export function badge(id: string, requires: string, fields = '', level = 'participation'): string {
  const body = requires
    .trim()
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
  return `  - id: ${id}
    level: ${level}
    name: { lt: ${id}, en: ${id} }
    description: { lt: Aprašymas, en: Description }
${fields}    requires:
${body}
`;
}

/** Loads a rule file or fails the test with the issues, formatted. */
export function ruleSetFrom(source: string, file = 'test.yaml'): RuleSet {
  const result = loadRuleSet(source, file);
  if (!result.ok) throw new Error(result.errors.map((e: RuleIssue) => formatIssue(e)).join('\n'));
  return result.ruleSet;
}

let n = 0;

/** A participation fact; `on` is a day (noon UTC) or an instant. */
export function took(activityId: string, on: string, more: { role?: Role; hours?: number; id?: string } = {}): Fact {
  n += 1;
  const id = more.id ?? `p${n}`;
  const fact: Fact = {
    type: 'participation-recorded',
    eventId: `e-${id}`,
    participationId: id,
    activityId,
    occurredAt: on.length === 10 ? `${on}T12:00:00.000Z` : on,
    role: more.role ?? 'participant',
  };
  if (more.hours !== undefined) fact.hours = more.hours;
  return fact;
}

export const day = (d: string): Date => new Date(`${d}T12:00:00.000Z`);

/** Only the participation level, for programs without higher badges. */
export const ONE_LEVEL = '  - { id: participation, name: { lt: Dalyvavimas, en: Participation }, reached-when: { participations: 1 } }';
