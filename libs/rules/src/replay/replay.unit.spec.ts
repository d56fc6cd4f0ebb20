import { badge, ONE_LEVEL, program, ruleSetFrom, took } from '../test-support/rule-set';
import { diffRuleSets, type StudentHistory } from './diff';
import { runExamples } from './examples';

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

describe('diffRuleSets', () => {
  describe('when a threshold is raised', () => {
    it('lists exactly the students who lose the badge, with counts', () => {
      const before = ruleSetFrom(program(badge('sporty', 'participations: { at-least: 2, category: sports }'), { levels: ONE_LEVEL }));
      const after = ruleSetFrom(program(badge('sporty', 'participations: { at-least: 3, category: sports }'), { levels: ONE_LEVEL }));
      const history = (id: string, n: number): StudentHistory => ({
        studentId: id,
        facts: Array.from({ length: n }, (_, i) => {
          const on = `2025-10-0${i + 1}`;
          return { at: `${on}T12:00:00.000Z`, fact: took('basketball', on) };
        }),
      });
      const diff = diffRuleSets(before, after, [history('two', 2), history('three', 3), history('one', 1)], new Date('2026-01-01'));
      expect(diff).toMatchObject({ students: 3, facts: 6, badges: [{ id: 'sporty', gained: [], lost: ['two'] }], levels: [] });
      expect(diff.changed).toEqual([{ studentId: 'two', gainedBadges: [], lostBadges: ['sporty'], gainedLevels: [], lostLevels: [] }]);
    });
  });
});
