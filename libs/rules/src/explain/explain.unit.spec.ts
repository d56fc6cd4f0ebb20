import { fold, initialState, type StudentState } from '../evaluate/state';
import { replay, type TimedFact } from '../replay/replay';
import { badge, day, ONE_LEVEL, program, ruleSetFrom, took } from '../test-support/rule-set';
import { explain, type Explanation } from './explain';

const levels =
  '  - { id: participation, name: { lt: Dalyvavimas, en: Participation }, reached-when: { participations: 1 } }\n' +
  '  - { id: activity, name: { lt: Aktyvumas, en: Activity }, reached-when: { badges: { at-least: 1, level: participation } } }\n' +
  '  - { id: meta, name: { lt: META, en: META }, reached-when: { badges: { at-least: 2, level: activity, category: science, within: { before: 2027-06-30 } } } }';

const ruleSet = ruleSetFrom(
  program(
    badge('starter', 'participations: 1') +
      badge('robot-builder', 'participations: { at-least: 2, activity: robotics }', '    category: science\n', 'activity') +
      badge('hacker', 'participations: { at-least: 3, activity: hackathon }', '    category: science\n', 'activity') +
      badge('explorer', 'any:\n  - distinct-categories: { at-least: 3 }\n  - participations: { at-least: 6, category: sports }', '', 'activity') +
      badge('meta-science', 'holds-badge: robot-builder\nhours: { at-least: 10, category: science }', '    award: on-application\n', 'meta'),
    { levels },
  ),
);

const timed = (...facts: Parameters<typeof took>[]): TimedFact[] => facts.map((f) => ({ fact: took(...f), at: `${f[1]}T12:00:00.000Z` }));

function student(...facts: Parameters<typeof took>[]): StudentState {
  return replay(ruleSet, 's', timed(...facts)).state;
}

/** An application for a badge («meta-science» unless named) submitted or decided at `at`. */
const decided = (
  type: 'application-submitted' | 'application-approved' | 'application-rejected',
  at: string,
  badgeId = 'meta-science',
): TimedFact => ({ at, fact: { type, badgeId, eventId: `${type}-1`, at } });

const hackathons: Parameters<typeof took>[] = [
  ['hackathon', '2025-10-03'],
  ['hackathon', '2025-10-04'],
  ['hackathon', '2025-10-05'],
];

describe('explain', () => {
  describe('when a student is one badge short of a level', () => {
    const state = student(['robotics', '2025-10-01'], ['robotics', '2025-10-02'], ['hackathon', '2025-10-03']);
    const why = explain(ruleSet, state, day('2026-01-10'));

    it('says which level the student is at and what the next one needs, with the deadline', () => {
      expect(why.currentLevel).toBe('activity');
      expect(why.next.level?.levelId).toBe('meta');
      expect(why.next.level?.missing.map((s) => s.text)).toEqual([
        '1 more badge of level Activity in Science before 2027-06-30 (closest: «hacker», needs 2 more participations in Hackathon)',
      ]);
      expect(why.next.level?.missing[0]).toMatchObject({ kind: 'earn-badges', amount: 1, deadline: '2027-06-30', suggestions: ['hacker'] });
    });

    it('gives each condition its current and required value', () => {
      const meta = why.levels.find((l) => l.levelId === 'meta')!;
      expect(meta).toMatchObject({ reached: false, met: false, condition: { current: 1, required: 2, window: { before: '2027-06-30' } } });
      const hacker = why.badges.find((b) => b.badgeId === 'hacker')!;
      expect(hacker).toMatchObject({ status: 'in-progress', met: false, condition: { current: 1, required: 3 } });
    });

    it('takes the cheaper branch of an `any`', () => {
      const explorer = why.badges.find((b) => b.badgeId === 'explorer')!;
      expect(explorer.missing.map((s) => s.text)).toEqual(['participations in 2 more categories (e.g. Sports, Art)']);
    });

    it('lists what a badge on application lacks, not applying for it, while an application would be refused', () => {
      const meta = why.badges.find((b) => b.badgeId === 'meta-science')!;
      expect(meta.status).toBe('locked');
      expect(meta.missing.map((s) => s.kind)).toEqual(['reach-level', 'earn-badges', 'log-hours']);
      expect(meta.missing[0]!.text).toBe('first reach level META');
    });
  });

  describe('when a time window has closed', () => {
    it('says so and gives no way forward for that level, and no cost (JSON would answer null for it)', () => {
      const state = student(['robotics', '2025-10-01'], ['robotics', '2025-10-02']);
      const why = explain(ruleSet, state, day('2027-07-01'));
      const meta = why.levels.find((l) => l.levelId === 'meta')!;
      expect(meta.attainable).toBe(false);
      // As the API answers it: no cost, where an infinite one read null.
      expect(JSON.parse(JSON.stringify(meta))).toEqual(meta);
      expect(meta).not.toHaveProperty('cost');
      expect(meta.missing.map((s) => s.kind)).toEqual(['blocked']);
      expect(JSON.stringify(why)).not.toContain('null');
    });
  });

  describe('when a student may apply for a badge on application', () => {
    it('lists applying for it as the one step left', () => {
      const state = student(['robotics', '2025-10-01', { hours: 5 }], ['robotics', '2025-10-02', { hours: 5 }], ...hackathons);
      const meta = explain(ruleSet, state, day('2026-01-10')).badges.find((b) => b.badgeId === 'meta-science')!;
      expect(meta.status).toBe('eligible');
      expect(meta.missing.map((s) => s.text)).toEqual(['apply for «meta-science»']);
    });
  });

  describe('when one participation serves two of the missing steps', () => {
    it('counts it once: a new teamwork activity earns the badge asked for and adds to the teamwork count', () => {
      const team = ruleSetFrom(
        program(
          badge('team-player', 'distinct-activities: { at-least: 2, competency: teamwork }') +
            badge('team-captain', 'holds-badge: team-player\nparticipations: { at-least: 4, competency: teamwork }'),
          { levels: ONE_LEVEL },
        ),
      );
      const { state } = replay(team, 's', timed(['basketball', '2025-10-01'], ['basketball', '2025-10-02'], ['basketball', '2025-10-03']));
      const captain = explain(team, state, day('2025-10-10')).badges.find((b) => b.badgeId === 'team-captain')!;
      // One robotics participation does both: earns «team-player» (a second teamwork activity) and is the fourth teamwork participation.
      expect(captain.missing.map((s) => [s.kind, s.amount])).toEqual([
        ['earn-badge', 1],
        ['participate', 1],
      ]);
      expect(captain.cost).toBeCloseTo(1, 2);
      // Running builds no teamwork: had the badge asked for any sports activity, the steps would not overlap.
      const apart = ruleSetFrom(
        program(
          badge('runner', 'participations: { at-least: 1, activity: running }') +
            badge('team-runner', 'holds-badge: runner\nparticipations: { at-least: 4, competency: teamwork }'),
          { levels: ONE_LEVEL },
        ),
      );
      const other = replay(apart, 's', timed(['basketball', '2025-10-01'], ['basketball', '2025-10-02'], ['basketball', '2025-10-03'])).state;
      expect(explain(apart, other, day('2025-10-10')).badges.find((b) => b.badgeId === 'team-runner')!.cost).toBeCloseTo(2, 2);
    });
  });

  describe('when two steps of one badge can be met by the same participations', () => {
    const science = ruleSetFrom(
      program(
        badge('scientist', 'participations: { at-least: 4, category: science }\ndistinct-activities: { at-least: 2, category: science }') +
          badge('science-fellow', 'holds-badge: scientist\nparticipations: { at-least: 6, category: science }'),
        { levels: ONE_LEVEL },
      ),
    );
    const why = explain(science, replay(science, 's', timed(['basketball', '2025-10-01'])).state, day('2025-10-10'));
    const of = (id: string) => why.badges.find((b) => b.badgeId === id)!;

    it('costs the larger of the two once, not less (4 science participations in 2 activities cost 4, not 2)', () => {
      expect(of('scientist').missing.map((s) => [s.kind, s.amount])).toEqual([
        ['participate', 4],
        ['try-activities', 2],
      ]);
      expect(of('scientist').cost).toBe(4);
    });

    it('costs a badge that asks for it what it takes (6 science participations, the 4 of the badge among them)', () => {
      expect(of('science-fellow').cost).toBe(6);
    });
  });

  describe('when a badge asks for another badge', () => {
    const chain = ruleSetFrom(
      program(
        badge('runner', 'participations: { at-least: 6, activity: running }') +
          badge('singing-runner', 'holds-badge: runner\nparticipations: { at-least: 6, activity: choir }', '    award: on-application\n'),
        { levels: ONE_LEVEL },
      ),
    );
    const explained = (...facts: Parameters<typeof took>[]) =>
      explain(chain, replay(chain, 's', timed(...facts)).state, day('2025-10-10')).badges.find((b) => b.badgeId === 'singing-runner')!;

    it('costs the participations and the application it needs, exactly (12 participations and 1 application, not 13.001000000000001)', () => {
      expect(explained().cost).toBe(13);
      expect(explained(['running', '2025-10-01'], ['choir', '2025-10-02']).cost).toBe(11);
    });

    it('prefers, at equal cost, the way that asks for no badge on the way', () => {
      const either = ruleSetFrom(
        program(
          badge('runner', 'participations: { at-least: 2, activity: running }') +
            badge('all-rounder', 'any:\n  - holds-badge: runner\n  - participations: { at-least: 2, activity: choir }'),
          { levels: ONE_LEVEL },
        ),
      );
      const state = replay(either, 's', timed(['basketball', '2025-10-01'])).state;
      const why = explain(either, state, day('2025-10-10')).badges.find((b) => b.badgeId === 'all-rounder')!;
      expect(why).toMatchObject({ cost: 2, missing: [{ kind: 'participate', text: '2 more participations in Choir' }] });
    });
  });

  describe('when a condition counts hours recorded with decimals', () => {
    const hours = ruleSetFrom(program(badge('helper', 'hours: { at-least: 2.4, category: science }'), { levels: ONE_LEVEL }));
    const helper = (...facts: Parameters<typeof took>[]) =>
      explain(hours, replay(hours, 's', timed(...facts)).state, day('2025-10-10')).badges.find((b) => b.badgeId === 'helper')!;

    it('gives the figures as written: 1.25 of 2.4 hours, 1.15 more (not 1.3 of 2.4, 1.2 more)', () => {
      const why = helper(['robotics', '2025-10-01', { hours: 0.7 }], ['robotics', '2025-10-02', { hours: 0.55 }]);
      expect(why.condition).toMatchObject({ current: 1.25, required: 2.4 });
      expect(why.missing.map((s) => s.text)).toEqual(['1.15 more hours in Science']);
    });

    it('awards the badge when the hours add up to the bar, though their float sum falls short of it', () => {
      const why = helper(
        ['robotics', '2025-10-01', { hours: 0.7 }],
        ['robotics', '2025-10-02', { hours: 1.4 }],
        ['robotics', '2025-10-03', { hours: 0.3 }],
      );
      expect(0.7 + 1.4 + 0.3).toBe(2.3999999999999995);
      expect(why).toMatchObject({ status: 'held', condition: { current: 2.4, met: true } });
    });
  });

  describe('when a condition counts hours', () => {
    it('says it measures hours, so 10 of 10 reads as hours, not participations', () => {
      const state = student(['robotics', '2025-10-01', { hours: 5 }], ['robotics', '2025-10-02', { hours: 5 }], ...hackathons);
      const meta = explain(ruleSet, state, day('2026-01-10')).badges.find((b) => b.badgeId === 'meta-science')!;
      const [holdsBadge, hours] = meta.condition.children!;
      expect(hours).toMatchObject({ kind: 'participations', measure: 'hours', current: 10, required: 10, met: true });
      expect(holdsBadge!.measure).toBeUndefined();
      const explorer = explain(ruleSet, state, day('2026-01-10')).badges.find((b) => b.badgeId === 'explorer')!;
      expect(explorer.condition.children!.map((c) => c.measure)).toEqual(['categories', 'participations']);
    });
  });

  describe('when an application was rejected', () => {
    const rejected = (...more: TimedFact[]) => {
      const state = replay(ruleSet, 's', [
        ...timed(['robotics', '2025-10-01', { hours: 5, id: 'r1' }], ['robotics', '2025-10-02', { hours: 5 }], ...hackathons),
        decided('application-submitted', '2025-11-01T12:00:00.000Z'),
        decided('application-rejected', '2025-11-02T12:00:00.000Z'),
        ...more,
      ]).state;
      return explain(ruleSet, state, day('2026-01-10')).badges.find((b) => b.badgeId === 'meta-science')!;
    };

    it('lists applying again while the criteria hold', () => {
      expect(rejected()).toMatchObject({ status: 'rejected', met: true });
      expect(rejected().missing.map((s) => s.text)).toEqual(['apply for «meta-science» again']);
    });

    it('lists only what the criteria lack once they no longer hold, not applying again', () => {
      const meta = rejected({ at: '2025-11-03T12:00:00.000Z', fact: { type: 'participation-voided', participationId: 'r1' } });
      expect(meta).toMatchObject({ status: 'rejected', met: false });
      expect(meta.missing.map((s) => s.text)).toEqual(['5 more hours in Science']);
    });
  });

  describe('when an application was approved and the badge is not held yet', () => {
    const approved = () => {
      // Replayed up to the approval only: the award the evaluator makes on it is not folded yet.
      const state = replay(ruleSet, 's', [
        ...timed(['robotics', '2025-10-01', { hours: 5, id: 'a1' }], ['robotics', '2025-10-02', { hours: 5 }], ...hackathons),
        decided('application-submitted', '2025-11-01T12:00:00.000Z'),
      ]).state;
      fold(ruleSet, state, decided('application-approved', '2025-11-02T12:00:00.000Z').fact);
      return explain(ruleSet, state, day('2026-01-10')).badges.find((b) => b.badgeId === 'meta-science')!;
    };

    it('says it was approved and is being awarded, not to wait for a coordinator', () => {
      const meta = approved();
      expect(meta.status).toBe('approved');
      expect(meta.missing.map((s) => [s.kind, s.text])).toEqual([
        ['await-award', '«meta-science» was approved on 2025-11-02; the badge is being awarded'],
      ]);
    });

    it('says the award follows once the criteria are met, when they are not and no eligibility was recorded', () => {
      const state = initialState('s');
      for (const type of ['application-submitted', 'application-approved'] as const) {
        fold(ruleSet, state, { type, badgeId: 'meta-science', eventId: `${type}-1`, at: '2025-11-02T12:00:00.000Z' });
      }
      const meta = explain(ruleSet, state, day('2026-01-10')).badges.find((b) => b.badgeId === 'meta-science')!;
      expect(meta.missing.map((s) => s.text).at(-1)).toBe(
        '«meta-science» was approved on 2025-11-02; the badge is awarded once its criteria are met again',
      );
      expect(meta.missing.some((s) => s.kind === 'await-decision')).toBe(false);
    });
  });

  describe('when a coordinator revoked an award', () => {
    const revoked = (badgeId: string, ...more: TimedFact[]) => {
      const state = replay(ruleSet, 's', [
        ...timed(['robotics', '2025-10-01', { hours: 5 }], ['robotics', '2025-10-02', { hours: 5 }], ...hackathons),
        ...more,
        { at: '2025-12-01T12:00:00.000Z', fact: { type: 'badge-revoked', badgeId, cause: 'coordinator', eventId: 'revoked-1' } },
      ]).state;
      return explain(ruleSet, state, day('2026-01-10')).badges.find((b) => b.badgeId === badgeId)!;
    };

    it('says an automatic badge is not awarded again automatically', () => {
      expect(revoked('hacker').missing.map((s) => s.text)).toEqual(['«hacker» was revoked by a coordinator; it is not awarded again automatically']);
    });

    it('says a badge on application cannot be applied for again, not that it is not awarded automatically', () => {
      const meta = revoked(
        'meta-science',
        decided('application-submitted', '2025-11-01T12:00:00.000Z'),
        decided('application-approved', '2025-11-02T12:00:00.000Z'),
      );
      expect(meta.status).toBe('revoked');
      expect(meta.missing.map((s) => s.text)).toEqual(['«meta-science» was revoked by a coordinator; a new application for it is not taken']);
    });
  });

  describe('when a step names the closest badge', () => {
    // META asks for two activity badges, one of them in Science; UBER for a META badge.
    const ladder = ruleSetFrom(
      program(
        badge('starter', 'participations: 1') +
          badge('robot-builder', 'participations: { at-least: 2, activity: robotics }', '    category: science\n', 'activity') +
          badge('hacker', 'participations: { at-least: 3, activity: hackathon }', '    category: science\n', 'activity') +
          badge('meta-science', 'holds-badge: robot-builder\nhours: { at-least: 10, category: science }', '    award: on-application\n', 'meta'),
        {
          levels:
            levels.replace(
              'reached-when: { badges: { at-least: 2, level: activity, category: science, within: { before: 2027-06-30 } } }',
              'reached-when: { all: [{ badges: { at-least: 2, level: activity } }, { badges: { at-least: 1, level: activity, category: science } }] }',
            ) + '\n  - { id: uber, name: { lt: UBER, en: UBER }, reached-when: { badges: { at-least: 1, level: meta } } }',
        },
      ),
    );
    const missing = (facts: TimedFact[], id: string): string[] => {
      const why = explain(ladder, replay(ladder, 's', facts).state, day('2026-01-10'));
      return why.levels.find((l) => l.levelId === id)!.missing.map((s) => s.text);
    };

    it('says what that badge lacks after "needs", in words that follow it', () => {
      expect(missing([], 'activity')).toEqual([
        '1 more participation',
        '1 more badge of level Participation (closest: «starter», needs level Participation first)',
      ]);
    });

    it('details that badge once, and then only names it', () => {
      expect(missing(timed(['choir', '2025-10-01']), 'meta')).toEqual([
        '2 more badges of level Activity (closest: «robot-builder», needs 2 more participations in Robotics)',
        'of those, 1 badge of level Activity in Science (closest: «robot-builder»)',
      ]);
    });

    it('does not repeat the way to a level inside each badge named', () => {
      const text = missing([], 'uber').join('; ');
      expect(text.match(/1 more participation\b/g)).toHaveLength(1);
      expect(text.match(/closest: «starter»/g)).toHaveLength(1);
      expect(text).toContain('(closest: «meta-science», needs level META first; «robot-builder»; 10 more hours in Science; an application)');
    });

    it('says a badge on application needs an application', () => {
      const facts = timed(['robotics', '2025-10-01', { hours: 5 }], ['robotics', '2025-10-02', { hours: 5 }], ...hackathons);
      expect(missing(facts, 'uber')).toEqual(['1 more badge of level META (closest: «meta-science», needs an application)']);
    });
  });

  describe('when a held award lost its support', () => {
    it('marks it held with support lost', () => {
      const after = replay(ruleSet, 'v', [
        { at: '2025-10-01T12:00:00.000Z', fact: took('robotics', '2025-10-01', { id: 'v1' }) },
        { at: '2025-10-02T12:00:00.000Z', fact: took('robotics', '2025-10-02', { id: 'v2' }) },
        { at: '2025-10-05T12:00:00.000Z', fact: { type: 'participation-voided', participationId: 'v2' } },
      ]).state;
      const robot = explain(ruleSet, after, day('2025-10-06')).badges.find((b) => b.badgeId === 'robot-builder')!;
      expect(robot).toMatchObject({ status: 'held', supportLost: true, met: false });
    });
  });
  describe('when an award has expired', () => {
    // «maker», «certified» and «regular» last a year; «collector» asks for two badges in Science and a choir participation.
    const expiring = ruleSetFrom(
      program(
        badge('starter', 'participations: 1') +
          badge('maker', 'participations: { at-least: 3, activity: robotics }', '    category: science\n    valid-for: 1 year\n') +
          badge(
            'certified',
            'participations: { at-least: 2, activity: hackathon }',
            '    category: science\n    award: on-application\n    valid-for: 1 year\n',
          ) +
          badge('regular', 'holds-badge: starter\nparticipations: { at-least: 1, activity: choir }', '    valid-for: 1 year\n') +
          badge('collector', 'badges: { at-least: 2, category: science }\nparticipations: { at-least: 1, activity: choir }'),
        { levels: ONE_LEVEL },
      ),
    );
    // «maker» awarded on 2025-10-03 (expired 2026-10-03), with two more robotics participations after it;
    // «certified» approved on 2025-10-06 (expired 2026-10-06).
    const history = [
      ...timed(
        ['robotics', '2025-10-01'],
        ['robotics', '2025-10-02'],
        ['robotics', '2025-10-03'],
        ['robotics', '2025-10-04'],
        ['robotics', '2025-10-05'],
        ['hackathon', '2025-10-01'],
        ['hackathon', '2025-10-02'],
      ).sort((a, b) => a.at.localeCompare(b.at)),
      decided('application-submitted', '2025-10-05T13:00:00.000Z', 'certified'),
      decided('application-approved', '2025-10-06T12:00:00.000Z', 'certified'),
    ];
    const explained = (...more: TimedFact[]) => explain(expiring, replay(expiring, 's', [...history, ...more]).state, day('2026-11-01'));
    const badgeOf = (why: Explanation, id: string) => why.badges.find((b) => b.badgeId === id)!;

    it('counts only the participations after the award, as renewing it does, and says so', () => {
      const maker = badgeOf(explained(), 'maker');
      expect(maker).toMatchObject({ status: 'expired', met: false, condition: { met: false, current: 2, required: 3 } });
      expect(maker.renewal).toBe(
        '«maker» expired on 2026-10-03; renewing it needs new participations after its award on 2025-10-03 (earlier ones counted towards that award)',
      );
      expect(maker.missing.map((s) => s.text)).toEqual(['1 more participation in Robotics after 2025-10-03']);
    });

    it('names the steps to renew it where another badge asks for it, not "nothing to do"', () => {
      const collector = badgeOf(explained(), 'collector');
      expect(collector.missing.map((s) => s.text)).toEqual([
        '2 more badges in Science (closest: «maker», needs 1 more participation in Robotics after 2025-10-03)',
        '1 more participation in Choir',
      ]);
    });

    it('says when a badge it asks for was earned before its award, so renewing it cannot count that badge', () => {
      const regular = badgeOf(explained(...timed(['choir', '2025-10-07'])), 'regular');
      expect(regular).toMatchObject({ status: 'expired', met: false, attainable: false });
      expect(JSON.parse(JSON.stringify(regular))).toEqual(regular);
      expect(regular).not.toHaveProperty('cost');
      expect(regular.missing.map((s) => s.text)).toEqual([
        '«starter» was earned before 2025-10-07, and renewing counts only badges earned after that',
        '1 more participation in Choir after 2025-10-07',
      ]);
    });

    it('does not offer applying again for a badge on application until new participations qualify', () => {
      const certified = badgeOf(explained(), 'certified');
      expect(certified).toMatchObject({ status: 'expired', met: false });
      expect(certified.missing.map((s) => s.text)).toEqual(['2 more participations in Hackathon after 2025-10-06']);
      const renewed = badgeOf(explained(...timed(['hackathon', '2026-10-20'], ['hackathon', '2026-10-21'])), 'certified');
      expect(renewed).toMatchObject({ status: 'expired', met: true, condition: { current: 2 } });
      expect(renewed.missing.map((s) => s.text)).toEqual(['apply for «certified»']);
    });
  });
});
