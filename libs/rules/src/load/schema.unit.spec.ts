import schema from '../../../../rules/schema/rule-set.schema.json';
import { BADGE_CONDITION_FIELDS, CONDITION_FIELDS, PARTICIPATION_CONDITION_FIELDS, WINDOW_FIELDS } from './parse-condition';
import { EXAMPLE_FIELDS, EXPECT_FIELDS, STEP_FIELDS } from './parse-examples';
import { ACTIVITY_FIELDS, BADGE_FIELDS, LEVEL_FIELDS, PROGRAM_FIELDS, ROOT_FIELDS } from './parse-rule-set';

type Props = { properties: Record<string, unknown> };
const keys = (o: unknown): string[] => Object.keys((o as Props).properties).sort();
const defs = schema.definitions as Record<string, unknown>;

describe('the JSON Schema for editors', () => {
  describe('when compared with what the loader reads', () => {
    it.each([
      ['the file', schema, ROOT_FIELDS],
      ['program', schema.properties.program, PROGRAM_FIELDS],
      ['activity', defs.activity, ACTIVITY_FIELDS],
      ['level', defs.level, LEVEL_FIELDS],
      ['badge', defs.badge, BADGE_FIELDS],
      ['condition', defs.condition, CONDITION_FIELDS],
      ['participation count', defs.participationCount, PARTICIPATION_CONDITION_FIELDS],
      ['badge count', defs.badgeCount, BADGE_CONDITION_FIELDS],
      ['window', defs.window, WINDOW_FIELDS],
      ['example', defs.example, EXAMPLE_FIELDS],
      ['example step', defs.step, STEP_FIELDS],
      ['expectation', (defs.example as { properties: { expect: unknown } }).properties.expect, EXPECT_FIELDS],
    ])('offers exactly the fields of %s', (_name, node, fields) => {
      expect(keys(node)).toEqual([...fields].sort());
    });
  });
});
