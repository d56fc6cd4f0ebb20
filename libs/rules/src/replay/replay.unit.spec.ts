import { explain } from '../explain/explain';
import { badge, ONE_LEVEL, program, ruleSetFrom, took } from '../test-support/rule-set';
import { diffRuleSets, type StudentHistory } from './diff';
import { runExamples } from './examples';
import { replay, type TimedFact } from './replay';

const examples = `examples:
  - name: Two sports earn sporty
    given:
      - { activity: basketball, on: 2025-10-01 }
      - { activity: running, on: 2025-10-02, id: r }
    expect:
      badges: [sporty]
  - name: Voiding takes it back before it is earned
    given:
      - { activity: basketball, on: 2025-10-01, id: b }
      - { void: b, on: 2025-10-01 }
      - { activity: running, on: 2025-10-02 }
    expect:
      badges: [sporty]
      levels: [participation]
`;

describe('runExamples', () => {
  const source = program(badge('sporty', 'participations: { at-least: 2, category: sports }'), { levels: ONE_LEVEL, extra: examples });
  const ruleSet = ruleSetFrom(source);
  const [pass, fail] = runExamples(ruleSet);

  describe('when the expectation holds', () => {
    it('passes', () => {
      expect(pass).toMatchObject({ name: 'Two sports earn sporty', passed: true, failures: [] });
    });
  });

  describe('when the expectation does not hold', () => {
    it('fails at the example`s `expect:` line, saying what is missing and why', () => {
      expect(fail!.passed).toBe(false);
      const lines = source.split('\n');
      const line = lines.findIndex((l, i) => l.trim() === 'expect:' && lines.slice(0, i).some((x) => x.includes('Voiding'))) + 1;
      expect(fail!.failures).toEqual([
        expect.objectContaining({
          code: 'example-failed',
          line,
          column: 5,
          message:
            'Example "Voiding takes it back before it is earned": expected badges [sporty] but the student has []. Missing: `sporty` (still needs 1 more participation in Sports).',
        }),
      ]);
    });
  });
});

describe('runExamples with applications', () => {
  const applying = `examples:
  - name: Applying once eligible
    given:
      - { activity: basketball, on: 2025-10-01 }
      - { activity: running, on: 2025-10-02 }
      - { apply: captain, on: 2025-10-03 }
      - { approve: captain, on: 2025-10-04 }
    expect:
      badges: [sporty, captain]
  - name: Applying too early
    given:
      - { activity: basketball, on: 2025-10-01 }
      - { apply: captain, on: 2025-10-02 }
      - { activity: running, on: 2025-10-03 }
      - { approve: captain, on: 2025-10-04 }
    expect:
      badges: [sporty, captain]
  - name: Applying for a badge given automatically
    given:
      - { activity: basketball, on: 2025-10-01 }
      - { apply: sporty, on: 2025-10-02 }
    expect:
      badges: []
  - name: Applying twice
    given:
      - { activity: basketball, on: 2025-10-01 }
      - { activity: running, on: 2025-10-02 }
      - { apply: captain, on: 2025-10-03 }
      - { apply: captain, on: 2025-10-04 }
    expect:
      badges: [sporty]
  - name: Applying while holding it
    given:
      - { activity: basketball, on: 2025-10-01 }
      - { activity: running, on: 2025-10-02 }
      - { apply: captain, on: 2025-10-03 }
      - { approve: captain, on: 2025-10-04 }
      - { apply: captain, on: 2025-10-05 }
    expect:
      badges: [sporty, captain]
`;
  const source = program(
    badge('sporty', 'participations: { at-least: 2, category: sports }') +
      badge('captain', 'participations: { at-least: 2, category: sports }', '    award: on-application\n'),
    { levels: ONE_LEVEL, extra: applying },
  );
  const [early, tooEarly, automatic, twice, holding] = runExamples(ruleSetFrom(source));
  const lineOf = (text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;

  it('takes an application made once the student is eligible', () => {
    expect(early).toMatchObject({ passed: true, failures: [] });
  });

  it('refuses one made before, at that step, saying what the student lacked then, as the engine would (409)', () => {
    expect(tooEarly!.passed).toBe(false);
    expect(tooEarly!.failures).toEqual([
      {
        file: 'test.yaml',
        line: lineOf('{ apply: captain, on: 2025-10-02 }'),
        column: 9,
        code: 'example-failed',
        severity: 'error',
        message:
          'Example "Applying too early": the engine would refuse `apply: captain` on 2025-10-02 (409): the student is not eligible for it yet: 1 more participation in Sports. Move the step after the participations that make the student eligible, or add those before it.',
      },
    ]);
  });

  it('refuses an application for a badge given automatically, a second one while the first waits, and one for a badge held', () => {
    expect(automatic!.failures.map((f) => [f.line, f.message])).toEqual([
      [
        lineOf('{ apply: sporty, on: 2025-10-02 }'),
        'Example "Applying for a badge given automatically": the engine would refuse `apply: sporty` on 2025-10-02 (409): «sporty» is awarded automatically when its criteria are met; there is nothing to apply for. Remove the step.',
      ],
    ]);
    expect(twice!.failures.map((f) => [f.line, f.message])).toEqual([
      [
        lineOf('{ apply: captain, on: 2025-10-04 }'),
        'Example "Applying twice": the engine would refuse `apply: captain` on 2025-10-04 (409): an application for «captain» is already waiting for a decision. Remove the step, or add an `approve:` or `reject:` step before it.',
      ],
    ]);
    expect(holding!.failures.map((f) => [f.line, f.message])).toEqual([
      [
        lineOf('{ apply: captain, on: 2025-10-05 }'),
        'Example "Applying while holding it": the engine would refuse `apply: captain` on 2025-10-05 (409): the student holds «captain» then. Remove the step.',
      ],
    ]);
  });
});

describe('replay', () => {
  // Sporty after two sports participations; the activity level after two participation badges.
  const levels = `${ONE_LEVEL}
  - { id: activity, name: { lt: Aktyvumas, en: Activity }, reached-when: { badges: { at-least: 2, level: participation } } }`;
  const ruleSet = ruleSetFrom(
    program(badge('sporty', 'participations: { at-least: 2, category: sports }') + badge('starter', 'participations: 1'), { levels }),
  );
  /** A participation recorded in the log at `recordedAt` (it may have taken place earlier). */
  const recorded = (activityId: string, occurredOn: string, recordedAt = `${occurredOn}T12:00:00.000Z`): TimedFact => ({
    at: recordedAt,
    fact: took(activityId, occurredOn),
  });
  const history = [recorded('basketball', '2025-10-01'), recorded('running', '2025-10-02'), recorded('choir', '2025-10-03')];
  const awarded = (facts: TimedFact[], until?: Date): string[] => Object.keys(replay(ruleSet, 's', facts, until).state.badges);

  describe('when cut off before some facts were recorded (`until`)', () => {
    const until = new Date('2025-10-01T23:59:59.999Z');
    const { state, outcomes } = replay(ruleSet, 's', history, until);

    it('leaves the later facts out: no badge or level they led to', () => {
      expect(state.participations.map((p) => p.activityId)).toEqual(['basketball']);
      expect(Object.keys(state.badges)).toEqual(['starter']);
      expect(Object.keys(state.levels)).toEqual(['participation']);
    });

    it('evaluates nothing after the cut-off', () => {
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.filter((o) => o.at > until.toISOString())).toEqual([]);
    });

    it('explains the student as they stood then', () => {
      const why = explain(ruleSet, state, until);
      expect(why.currentLevel).toBe('participation');
      expect(why.levels.find((l) => l.levelId === 'activity')).toMatchObject({ reached: false });
      expect(why.levels.find((l) => l.levelId === 'activity')!.reachedAt).toBeUndefined();
    });
  });

  describe('when a participation was recorded after the cut-off but took place before it', () => {
    it('does not count it: the cut-off reads the log as it was, like the engine`s asOf', () => {
      const late = [recorded('basketball', '2025-10-01'), recorded('running', '2025-10-02', '2025-10-20T09:00:00.000Z')];
      expect(awarded(late, new Date('2025-10-10T00:00:00.000Z'))).toEqual(['starter']);
      expect(awarded(late, new Date('2025-10-20T09:00:00.000Z'))).toEqual(['starter', 'sporty']);
    });
  });

  describe('when not cut off', () => {
    it('replays every fact', () => {
      expect(awarded(history)).toEqual(['starter', 'sporty']);
    });
  });
});

describe('diffRuleSets', () => {
  const before = ruleSetFrom(program(badge('sporty', 'participations: { at-least: 2, category: sports }'), { levels: ONE_LEVEL }));
  const after = ruleSetFrom(program(badge('sporty', 'participations: { at-least: 3, category: sports }'), { levels: ONE_LEVEL }));
  const history = (id: string, n: number): StudentHistory => ({
    studentId: id,
    facts: Array.from({ length: n }, (_, i) => {
      const on = `2025-10-0${i + 1}`;
      return { at: `${on}T12:00:00.000Z`, fact: took('basketball', on) };
    }),
  });
  const histories = [history('two', 2), history('three', 3), history('one', 1)];

  describe('when a threshold is raised', () => {
    it('lists exactly the students who lose the badge, with counts', () => {
      const diff = diffRuleSets(before, after, histories, new Date('2026-01-01'));
      expect(diff).toMatchObject({ students: 3, facts: 6, badges: [{ id: 'sporty', gained: [], lost: ['two'] }], levels: [] });
      expect(diff.changed).toEqual([{ studentId: 'two', gainedBadges: [], lostBadges: ['sporty'], gainedLevels: [], lostLevels: [] }]);
    });
  });

  describe('when the raised threshold is published', () => {
    const raised = (policy: string) =>
      ruleSetFrom(
        program(badge('sporty', 'participations: { at-least: 3, category: sports }', `    on-rule-change: ${policy}\n`), { levels: ONE_LEVEL }),
      );

    // «three» met the new threshold only a day after the award: it meets it now, so the award is left as it is.
    it.each([
      ['keep', 'kept'],
      ['flag', 'flagged'],
      ['revoke', 'revoked'],
    ] as const)('applies the badge policy "%s" to the award already made: %s', (policy, effect) => {
      const { onPublish } = diffRuleSets(before, raised(policy), histories, new Date('2026-01-01'));
      expect(onPublish[effect]).toEqual([{ id: 'sporty', students: ['two'] }]);
      const others = (['awarded', 'levelsReached', 'kept', 'flagged', 'revoked'] as const).filter((e) => e !== effect);
      for (const e of others) expect(onPublish[e]).toEqual([]);
    });
  });

  describe('when a lowered threshold is published', () => {
    it('awards the badge to the students who now meet it, and takes nothing', () => {
      const lowered = ruleSetFrom(program(badge('sporty', 'participations: { at-least: 1, category: sports }'), { levels: ONE_LEVEL }));
      const { onPublish } = diffRuleSets(before, lowered, histories, new Date('2026-01-01'));
      expect(onPublish).toEqual({
        awarded: [{ id: 'sporty', students: ['one'] }],
        levelsReached: [],
        kept: [],
        flagged: [],
        revoked: [],
        restored: [],
        applicationsRefused: [],
      });
    });
  });

  describe('when students already hold awards made under an earlier rule set', () => {
    it('says what publishing would do to them as they stand, not as a replay under the rules in force would have them', () => {
      // «one» earned sporty while one sports activity was enough; the rules in force now ask for two.
      const earlier = ruleSetFrom(program(badge('sporty', 'participations: { at-least: 1, category: sports }'), { levels: ONE_LEVEL }));
      const one = history('one', 1);
      const current = replay(earlier, 'one', one.facts, new Date('2026-01-01')).state;
      const { onPublish } = diffRuleSets(before, earlier, [{ ...one, current }], new Date('2026-01-01'));
      expect(onPublish.awarded).toEqual([]);
      // Without the state as it stands, the replay under `before` has no award, so publishing would make one.
      expect(diffRuleSets(before, earlier, [one], new Date('2026-01-01')).onPublish.awarded).toEqual([{ id: 'sporty', students: ['one'] }]);
    });
  });

  describe('when an award flagged under the rules in force would be supported by the draft', () => {
    it('lists it as restored (its flag cleared), and nothing else', () => {
      const flagging = (n: number) =>
        ruleSetFrom(
          program(badge('sporty', `participations: { at-least: ${n}, category: sports }`, '    on-rule-change: flag\n'), { levels: ONE_LEVEL }),
        );
      const two = history('two', 2);
      // «two» earned sporty under a threshold of two; a threshold of three, published since, flagged it.
      const current = replay(flagging(2), 'two', two.facts, new Date('2025-12-01')).state;
      const raised = diffRuleSets(flagging(2), flagging(3), [{ ...two, current }], new Date('2025-12-01'));
      expect(raised.onPublish.flagged).toEqual([{ id: 'sporty', students: ['two'] }]);
      const { onPublish } = diffRuleSets(flagging(3), flagging(2), [{ ...two, current }], new Date('2026-01-01'));
      expect(onPublish).toEqual({
        awarded: [],
        levelsReached: [],
        kept: [],
        flagged: [],
        revoked: [],
        restored: [{ id: 'sporty', students: ['two'] }],
        applicationsRefused: [],
      });
    });
  });

  describe('when students wait for the review of an application the draft no longer supports', () => {
    const captain = (n: number, fields = '') =>
      ruleSetFrom(
        program(badge('captain', `participations: { at-least: ${n}, category: sports }`, `    award: on-application\n${fields}`), {
          levels: ONE_LEVEL,
        }),
      );
    const applied = (h: StudentHistory, on: string): StudentHistory => ({
      ...h,
      facts: [
        ...h.facts,
        {
          at: `${on}T12:00:00.000Z`,
          fact: { type: 'application-submitted', badgeId: 'captain', eventId: `apply-${h.studentId}`, at: `${on}T12:00:00.000Z` },
        },
      ],
    });
    // «two» and «three» applied while two sports participations were enough; «one» applied without being eligible.
    const waiting = [applied(history('two', 2), '2025-10-05'), applied(history('three', 3), '2025-10-05'), applied(history('one', 1), '2025-10-05')];

    it('lists the applications an approval would take now and refuse once published, whoever applied', () => {
      const { onPublish } = diffRuleSets(captain(2), captain(3), waiting, new Date('2026-01-01'));
      expect(onPublish.applicationsRefused).toEqual([{ id: 'captain', students: ['two'] }]);
      const closed = diffRuleSets(captain(2), captain(2, '    valid-until: 2025-12-01\n'), waiting, new Date('2026-01-01'));
      expect(closed.onPublish.applicationsRefused).toEqual([{ id: 'captain', students: ['three', 'two'] }]);
    });

    it('lists none when the draft leaves them as they were', () => {
      expect(
        diffRuleSets(captain(2), captain(2, '    on-rule-change: flag\n'), waiting, new Date('2026-01-01')).onPublish.applicationsRefused,
      ).toEqual([]);
    });
  });

  describe('when compared as of a date before the first fact', () => {
    it('replays nothing and reports no one affected', () => {
      const diff = diffRuleSets(before, after, histories, new Date('2025-09-01T23:59:59.999Z'));
      expect(diff).toMatchObject({ at: '2025-09-01T23:59:59.999Z', students: 0, facts: 0, badges: [], levels: [], changed: [] });
    });
  });

  describe('when compared as of a date between facts', () => {
    it('replays only the facts recorded by then', () => {
      const diff = diffRuleSets(before, after, histories, new Date('2025-10-02T23:59:59.999Z'));
      expect(diff).toMatchObject({ students: 3, facts: 5, badges: [{ id: 'sporty', gained: [], lost: ['three', 'two'] }] });
    });
  });
});
