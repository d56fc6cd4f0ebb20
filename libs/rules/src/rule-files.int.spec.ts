import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { explain, formatIssue, loadRuleSet, replay, runExamples, type TimedFact } from './index';

const root = join(__dirname, '..', '..', '..');
const rulesDir = join(root, 'rules');
const badDir = join(__dirname, '..', 'test-fixtures', 'bad');
const schema = JSON.parse(readFileSync(join(rulesDir, 'schema', 'rule-set.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const ruleFiles = readdirSync(rulesDir).filter((f) => f.endsWith('.yaml'));
const fixtures = readdirSync(badDir).filter((f) => f.endsWith('.yaml'));

describe('rules/*.yaml', () => {
  it('has program files to check', () => {
    expect(ruleFiles).toContain('vilnius-tech.yaml');
  });

  describe.each(ruleFiles)('when %s is loaded', (file) => {
    const source = readFileSync(join(rulesDir, file), 'utf8');
    const result = loadRuleSet(source, `rules/${file}`);

    it('checks clean, without warnings', () => {
      const issues = result.ok ? result.warnings : [...result.errors, ...result.warnings];
      expect(issues.map(formatIssue)).toEqual([]);
    });

    it('passes its examples', () => {
      if (!result.ok) throw new Error('does not load');
      const results = runExamples(result.ruleSet);
      expect(results.length).toBeGreaterThan(0);
      expect(results.flatMap((r) => r.failures.map(formatIssue))).toEqual([]);
    });

    it('is valid against the JSON Schema editors use', () => {
      expect(validate(parse(source))).toBe(true);
      expect(validate.errors ?? []).toEqual([]);
    });
  });

  describe('when vilnius-tech.yaml is read', () => {
    it('models the VILNIUS TECH program: 24+ activities in 5+ categories, four levels, expiry and application badges', () => {
      const result = loadRuleSet(readFileSync(join(rulesDir, 'vilnius-tech.yaml'), 'utf8'), 'rules/vilnius-tech.yaml');
      if (!result.ok) throw new Error('does not load');
      const rs = result.ruleSet;
      expect(rs.activities.length).toBeGreaterThanOrEqual(24);
      expect(new Set(rs.activities.map((a) => a.category)).size).toBeGreaterThanOrEqual(5);
      expect(rs.levels.map((l) => l.id)).toEqual(['participation', 'activity', 'meta', 'uber']);
      expect(rs.badges.some((b) => b.validity !== undefined)).toBe(true);
      expect(rs.badges.filter((b) => b.level === 'meta').every((b) => b.award === 'application')).toBe(true);
    });

    it("plans META (3 activity badges in 2 categories) counting each badge once: the categories are those badges' categories", () => {
      const result = loadRuleSet(readFileSync(join(rulesDir, 'vilnius-tech.yaml'), 'utf8'), 'rules/vilnius-tech.yaml');
      if (!result.ok) throw new Error('does not load');
      const rs = result.ruleSet;
      // Two participation badges (sports, art): level Activity, no activity badge yet.
      const facts = (
        [
          ['basketball-league', '2025-10-01'],
          ['running-club', '2025-10-02'],
          ['university-choir', '2025-10-03'],
          ['university-choir', '2025-10-04'],
        ] as const
      ).map(([activityId, on], n): TimedFact => ({
        at: `${on}T12:00:00.000Z`,
        fact: {
          type: 'participation-recorded',
          eventId: `e-${n}`,
          participationId: `p-${n}`,
          activityId,
          occurredAt: `${on}T12:00:00.000Z`,
          role: 'participant',
        },
      }));
      const why = explain(rs, replay(rs, 's', facts).state, new Date('2025-11-01T12:00:00.000Z'));
      const meta = why.levels.find((l) => l.levelId === 'meta')!;
      expect(why.currentLevel).toBe('activity');
      expect(meta.missing.map((s) => s.text)).toEqual([
        '3 more badges of level Activity (closest: «Sports event organiser», needs 2 more participations in Sports as organiser or leader)',
        'of those, badges of level Activity in 2 more categories (closest: «Sports event organiser»)',
      ]);
      // The three cheapest badges are in 3 categories: the 2 categories ask for nothing more. «Stage artist» takes 3 more
      // performances; «Global citizen» takes 4 participations in 2 activities, which are 4, not 2.
      const three = meta.missing[0]!.suggestions!.map((id) => [id, why.badges.find((b) => b.badgeId === id)!.cost]);
      expect(three).toEqual([
        ['sports-organiser', 2],
        ['mentor', 2],
        ['stage-artist', 3],
      ]);
      expect(why.badges.find((b) => b.badgeId === 'global-citizen')!.cost).toBe(4);
      expect(meta.cost).toBe(7);
    });
  });
});

describe('bad rule fixtures', () => {
  it('has at least 15 of them', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  describe.each(fixtures)('when %s is loaded', (file) => {
    const source = readFileSync(join(badDir, file), 'utf8');
    const expected = /^# expect: ([a-z-]+) at (\d+):(\d+) "(.*)"$/m.exec(source);

    it('fails with the expected message and position', () => {
      expect(expected).not.toBeNull();
      const [, code, line, column, text] = expected!;
      const result = loadRuleSet(source, file);
      expect(result.ok).toBe(false);
      const errors = result.ok ? [] : result.errors;
      expect(errors.map(({ code, line, column }) => ({ code, line, column }))).toEqual([{ code, line: Number(line), column: Number(column) }]);
      expect(errors[0]!.message).toContain(text);
      expect(errors[0]!.file).toBe(file);
    });
  });
});
