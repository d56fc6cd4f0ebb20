import { createHash } from 'node:crypto';
import { badge, ONE_LEVEL, program, ruleSetFrom } from '../test-support/rule-set';
import { loadRuleSet, type LoadResult } from './load-rule-set';

const errorsOf = (
  r: LoadResult,
): Array<Pick<NonNullable<Extract<LoadResult, { ok: false }>['errors'][number]>, 'code' | 'line' | 'column' | 'message'>> =>
  r.ok ? [] : r.errors.map(({ code, line, column, message }) => ({ code, line, column, message }));

describe('loadRuleSet', () => {
  describe('when the file is valid', () => {
    const source = program(badge('sporty', 'participations: { at-least: 2, category: sports }'), { levels: ONE_LEVEL });

    it('returns the rule set with the hash of the exact source and the defaults filled in', () => {
      const rs = ruleSetFrom(source, 'rules/test.yaml');
      expect(rs.sha256).toBe(createHash('sha256').update(source).digest('hex'));
      expect(rs).toMatchObject({ programId: 'test', fileName: 'rules/test.yaml', academicYearStart: { month: 9, day: 1 } });
      expect(rs.badges[0]).toMatchObject({
        id: 'sporty',
        award: 'automatic',
        onRuleChange: 'keep',
        achievementType: 'Badge',
        level: 'participation',
      });
      expect(rs.activities).toHaveLength(5);
      expect(rs.levels.map((l) => l.rank)).toEqual([0]);
    });

    it('reads several conditions in one block as all of them, and a number as `at-least`', () => {
      const rs = ruleSetFrom(program(badge('b', 'participations: 3\nhours: { at-least: 2.5, role: volunteer }'), { levels: ONE_LEVEL }));
      const criteria = rs.badges[0]!.criteria;
      expect(criteria.kind).toBe('all');
      expect(criteria).toMatchObject({
        conditions: [
          { kind: 'participations', measure: 'participations', atLeast: 3, filter: {} },
          { kind: 'participations', measure: 'hours', atLeast: 2.5, filter: { roles: ['volunteer'] } },
        ],
      });
    });
  });

  describe('when the schema comment is missing', () => {
    it('loads with a warning that says what to add', () => {
      const r = loadRuleSet(program(badge('b', 'participations: 1'), { levels: ONE_LEVEL }).replace(/^# yaml-language-server.*\n/, ''), 'x.yaml');
      expect(r.ok).toBe(true);
      expect(r.warnings).toEqual([expect.objectContaining({ code: 'missing-schema-comment', line: 1, column: 1, severity: 'warning' })]);
    });
  });

  describe('when a threshold is zero', () => {
    it('warns that the condition always holds, at the number', () => {
      const source = program(badge('b', 'participations: { at-least: 0 }'), { levels: ONE_LEVEL });
      const lines = source.split('\n');
      const line = lines.findIndex((l) => l.includes('at-least: 0')) + 1;
      const column = lines[line - 1]!.indexOf('0 }') + 1;
      const r = loadRuleSet(source, 'x.yaml');
      expect(r.warnings).toEqual([expect.objectContaining({ code: 'always-true-condition', line, column })]);
    });
  });

  describe('when the YAML itself is broken', () => {
    it('reports the position and a fix, and nothing else', () => {
      const r = loadRuleSet('program:\n  id: x\n   title: y\n', 'x.yaml');
      expect(errorsOf(r)).toEqual([
        expect.objectContaining({ code: 'yaml-syntax', line: 2, column: 7, message: expect.stringContaining('indented further') }),
      ]);
    });
  });

  describe('when one line of a badge is indented one space too far', () => {
    it('names that line and the field to line it up with', () => {
      const source = program(badge('b', 'participations: 1'), { levels: ONE_LEVEL }).replace('    level:', '     level:');
      const r = loadRuleSet(source, 'x.yaml');
      const bad = source.split('\n').findIndex((l) => l.startsWith('     level:')) + 1;
      expect(errorsOf(r)).toEqual([
        expect.objectContaining({
          code: 'yaml-syntax',
          line: bad - 1,
          message: expect.stringContaining(`\`level:\` on line ${bad} is indented further (5 spaces) than \`id:\` here (4)`),
        }),
      ]);
      expect(errorsOf(r)[0]!.message).toMatch(/; indent it 4 spaces like `id:`, or add the missing colon\.$/);
    });
  });

  describe('when one line of a badge is indented one space too little', () => {
    it('names the field above to line it up with, not a missing bracket', () => {
      const source = program(badge('b', 'participations: 1'), { levels: ONE_LEVEL }).replace('    name: { lt: b', '   name: { lt: b');
      const bad = source.split('\n').findIndex((l) => l.startsWith('   name:')) + 1;
      expect(errorsOf(loadRuleSet(source, 'x.yaml'))).toEqual([
        {
          code: 'yaml-syntax',
          line: bad,
          column: 4,
          message: `The file is not valid YAML here: Sequence item without - indicator. \`name:\` is indented less (3 spaces) than \`level:\` on line ${bad - 1} (4), so YAML reads it as a new list entry without its \`- \`; the fields of one entry must start at the same column: line it up with \`level:\`.`,
        },
      ]);
    });
  });

  describe('when a line is indented with a tab', () => {
    it('reports the tab alone, not the errors YAML guesses below it', () => {
      const source = program(badge('a', 'participations: 1') + badge('b', 'participations: 1'), { levels: ONE_LEVEL }).replace(
        'participations: 1\n',
        'participations: 1\n\t  hours: 2\n',
      );
      const tab = source.split('\n').findIndex((l) => l.includes('\t')) + 1;
      expect(errorsOf(loadRuleSet(source, 'x.yaml'))).toEqual([
        expect.objectContaining({
          code: 'yaml-syntax',
          line: tab,
          message: expect.stringContaining('Tabs cannot be used to indent YAML; use spaces.'),
        }),
      ]);
    });
  });

  describe('when the file lacks a part', () => {
    it('names the missing field with the right article', () => {
      const r = loadRuleSet('# yaml-language-server: $schema=./schema/rule-set.schema.json\nprogram: { title: { lt: A, en: B } }\n', 'x.yaml');
      const messages = errorsOf(r).map((e) => e.message);
      expect(messages).toContain('The rule file needs an `activities:` field.');
      expect(messages).toContain('The rule file needs a `levels:` field.');
      expect(messages).toContain('`program:` needs an `id:` field.');
    });
  });

  describe('when a field is misspelt', () => {
    it('suggests the field meant and does not also say it is missing', () => {
      const r = loadRuleSet(program(badge('b', 'participations: 1').replace('    level:', '    levle:'), { levels: ONE_LEVEL }), 'x.yaml');
      expect(errorsOf(r)).toEqual([expect.objectContaining({ code: 'unknown-field', message: expect.stringContaining('Did you mean `level`?') })]);
    });

    it('reports a misspelt `at-least` once, not also as missing', () => {
      const r = loadRuleSet(program(badge('b', 'distinct-categories: { atleast: 3 }'), { levels: ONE_LEVEL }), 'x.yaml');
      expect(errorsOf(r)).toEqual([
        expect.objectContaining({ code: 'unknown-field', message: '`distinct-categories:` has no field `atleast`. Did you mean `at-least`?' }),
      ]);
    });

    it('reports a misspelt window field once, not also the window as empty', () => {
      const r = loadRuleSet(program(badge('b', 'participations: { at-least: 3, within: { last-month: 24 } }'), { levels: ONE_LEVEL }), 'x.yaml');
      expect(errorsOf(r)).toEqual([
        expect.objectContaining({ code: 'unknown-field', message: '`within:` has no field `last-month`. Did you mean `last-months`?' }),
      ]);
    });
  });

  describe('when a filter names the same thing twice', () => {
    it('asks for one of the two spellings', () => {
      const r = loadRuleSet(
        program(badge('b', 'participations: { at-least: 1, category: sports, categories: [art] }'), { levels: ONE_LEVEL }),
        'x.yaml',
      );
      expect(errorsOf(r)).toEqual([
        expect.objectContaining({ code: 'contradictory-condition', message: expect.stringContaining('either `category:` or `categories:`') }),
      ]);
    });
  });
});
