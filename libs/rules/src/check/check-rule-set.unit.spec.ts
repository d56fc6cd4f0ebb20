import { loadRuleSet } from '../load/load-rule-set';
import { badge, ONE_LEVEL, program } from '../test-support/rule-set';

const codes = (source: string): Array<{ code: string; message: string; line: number }> => {
  const r = loadRuleSet(source, 'x.yaml');
  return r.ok ? [] : r.errors.map(({ code, message, line }) => ({ code, message, line }));
};

describe('static checks', () => {
  describe('when a badge has a `valid-until` date', () => {
    const source = program(badge('summer-school', 'participations: 1', '    valid-until: 2026-06-30\n'), { levels: ONE_LEVEL });
    const line = source.split('\n').findIndex((l) => l.includes('valid-until')) + 1;

    it('warns, at the date, once that date has come: the badge can no longer be awarded', () => {
      const r = loadRuleSet(source, 'x.yaml', { now: new Date('2026-07-01T09:00:00Z') });
      expect(r.ok).toBe(true);
      expect(r.warnings).toEqual([
        {
          file: 'x.yaml',
          line,
          column: 18,
          code: 'past-valid-until',
          severity: 'warning',
          message:
            'Badge `summer-school` stopped being valid on 2026-06-30 (`valid-until: 2026-06-30`, today is 2026-07-01), so it can no longer be awarded and every award of it has expired. Set a later date if it should still be awarded; leave it if the badge is retired.',
        },
      ]);
    });

    it('says nothing before that date', () => {
      expect(loadRuleSet(source, 'x.yaml', { now: new Date('2026-06-29T23:59:59Z') }).warnings).toEqual([]);
    });

    it('warns alongside the errors of a file that does not load', () => {
      const broken = source.replace('participations: 1', 'participations: { at-least: 1, activity: robotics-clb }');
      const r = loadRuleSet(broken, 'x.yaml', { now: new Date('2027-01-01T00:00:00Z') });
      expect(r.ok).toBe(false);
      expect(r.warnings.map((w) => w.code)).toEqual(['past-valid-until']);
    });
  });

  describe('when badges count each other through a filter', () => {
    it('reports the circle with every link', () => {
      const source = program(
        badge('a', 'badges: { at-least: 1, badges: [b] }') +
          badge('b', 'badges: { at-least: 1, category: art }') +
          badge('c', 'participations: 1', '    category: art\n'),
        { levels: ONE_LEVEL },
      ).replace('  - id: a\n', '  - id: a\n    category: art\n');
      const [issue] = codes(source);
      expect(issue).toMatchObject({ code: 'prerequisite-cycle' });
      expect(issue!.message).toContain('badge `a` counts badge `b`');
      expect(issue!.message).toContain('badge `b` counts badge `a`');
    });
  });

  describe('when a level counts badges of its own level', () => {
    it('reports the level as unreachable and suggests an earlier level', () => {
      const source = program(badge('p', 'participations: 1') + badge('q', 'participations: 2', '', 'activity'), {
        levels:
          '  - { id: participation, name: { lt: D, en: P }, reached-when: { participations: 1 } }\n' +
          '  - { id: activity, name: { lt: A, en: A }, reached-when: { badges: { at-least: 1, level: activity } } }',
      });
      expect(codes(source)).toEqual([
        expect.objectContaining({ code: 'unreachable-level', message: expect.stringContaining('e.g. `level: participation`') }),
      ]);
    });
  });

  describe('when badges must span more categories than they have', () => {
    it('names the categories there are', () => {
      const source = program(
        badge('s', 'participations: 1', '    category: sports\n') +
          badge('t', 'participations: 2', '    category: sports\n') +
          badge('m', 'badge-categories: { at-least: 2, level: participation }', '', 'activity'),
        {
          levels:
            '  - { id: participation, name: { lt: D, en: P }, reached-when: { participations: 1 } }\n' +
            '  - { id: activity, name: { lt: A, en: A }, reached-when: { badges: { at-least: 1, level: participation } } }',
        },
      );
      expect(codes(source)).toEqual([
        expect.objectContaining({ code: 'unsatisfiable-threshold', message: expect.stringContaining('cover only 1: `sports`') }),
      ]);
    });
  });

  describe('when there are several problems with names', () => {
    it('reports each of them, in file order', () => {
      const source = program(badge('b', 'participations: { at-least: 1, activity: robotix, category: sport }'), { levels: ONE_LEVEL });
      expect(codes(source).map((c) => c.message)).toEqual([
        'Unknown activity `robotix`. Did you mean `robotics`?',
        'Unknown category `sport`. Did you mean `sports`?',
      ]);
    });
  });
});
