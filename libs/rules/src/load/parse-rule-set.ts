import { isMap, isScalar, type Node } from 'yaml';
import {
  ACHIEVEMENT_TYPES,
  type Activity,
  type AwardMode,
  type Badge,
  type Level,
  type RuleChangePolicy,
  type RuleSet,
  type SourcePosition,
  type Term,
} from '../language/types';
import { suggestion } from './issues';
import { readCondition, readDate, readDuration, type Parser } from './parse-condition';
import { readExamples } from './parse-examples';
import {
  aOrAn,
  describeNode,
  listItems,
  positionOf,
  readFields,
  readLocalized,
  readText,
  readTextList,
  report,
  wasMisspelt,
  type Field,
  type Fields,
} from './yaml-reader';

export const ROOT_FIELDS = ['program', 'categories', 'competencies', 'activities', 'levels', 'badges', 'examples'] as const;
export const PROGRAM_FIELDS = ['id', 'title', 'description', 'academic-year-starts'] as const;
export const ACTIVITY_FIELDS = ['id', 'name', 'category', 'competencies', 'image'] as const;
export const LEVEL_FIELDS = ['id', 'name', 'description', 'reached-when', 'image'] as const;
export const BADGE_FIELDS = [
  'id',
  'name',
  'description',
  'level',
  'category',
  'competencies',
  'award',
  'requires',
  'criteria-text',
  'valid-for',
  'valid-until',
  'on-rule-change',
  'achievement-type',
  'image',
] as const;

const AWARD_VALUES: Record<string, AwardMode> = { automatic: 'automatic', 'on-application': 'application' };
const POLICIES: readonly RuleChangePolicy[] = ['keep', 'revoke', 'flag'];
const ID = /^[a-z0-9][a-z0-9-]*$/;
const MONTH_DAY = /^(\d{2})-(\d{2})$/;

/** The parsed file before hashing; undefined parts were reported. */
export type ParsedRuleSet = Omit<RuleSet, 'sha256' | 'fileName'>;

/** Reads the whole document into a rule set, reporting every structural mistake it meets. */
export function parseRuleSet(p: Parser, root: Node | null): ParsedRuleSet | undefined {
  const start: SourcePosition = { line: 1, column: 1 };
  const fields = readFields(p, root, start, 'The rule file', ROOT_FIELDS, ['program', 'categories', 'activities', 'levels', 'badges']);
  if (fields === undefined) return undefined;

  const program = readProgram(p, fields.get('program'));
  const categories = readTerms(p, fields.get('categories'), 'category');
  const competencies = readTerms(p, fields.get('competencies'), 'competency');
  const activities = readList(p, fields.get('activities'), 'activity', readActivity);
  const levels = readList(p, fields.get('levels'), 'level', readLevel).map((l, i) => ({ ...l, rank: i }));
  const badges = readList(p, fields.get('badges'), 'badge', readBadge);
  const examplesField = fields.get('examples');
  const examples = examplesField === undefined ? [] : readExamples(p, examplesField);
  if (program === undefined) return undefined;
  return { ...program, categories, competencies, activities, levels, badges, examples };
}

function readId(p: Parser, fields: Fields, what: string): string | undefined {
  const field = fields.get('id');
  const id = readText(p, field, `the id of ${what}`);
  if (id === undefined || field === undefined) return undefined;
  if (!ID.test(id)) {
    const fixed = id
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
    report(
      p,
      field.pos,
      'invalid-value',
      `The id "${id}" must use lowercase letters, digits and dashes only (ids go into URLs), e.g. \`${fixed || 'my-id'}\`.`,
    );
    return undefined;
  }
  return id;
}

function readProgram(
  p: Parser,
  field: Field | undefined,
): Pick<RuleSet, 'programId' | 'programIdPos' | 'title' | 'description' | 'academicYearStart'> | undefined {
  if (field === undefined) return undefined;
  const fields = readFields(p, field.value, field.pos, '`program:`', PROGRAM_FIELDS, ['id', 'title']);
  if (fields === undefined) return undefined;
  const programId = readId(p, fields, 'the program');
  const title = readLocalized(p, fields.get('title'), 'program title');
  const description = readLocalized(p, fields.get('description'), 'program description');
  let academicYearStart = { month: 9, day: 1 };
  const starts = fields.get('academic-year-starts');
  if (starts !== undefined) {
    const text = readText(p, starts, '`academic-year-starts`');
    const m = text === undefined ? null : MONTH_DAY.exec(text);
    const month = m ? Number(m[1]) : 0;
    const day = m ? Number(m[2]) : 0;
    if (month >= 1 && month <= 12 && day >= 1 && day <= 28) academicYearStart = { month, day };
    else if (text !== undefined)
      report(p, starts.pos, 'invalid-value', `\`academic-year-starts\` must be a month and day like \`09-01\` (day 1 to 28), but it is "${text}".`);
  }
  if (programId === undefined || title === undefined) return undefined;
  const out: Pick<RuleSet, 'programId' | 'programIdPos' | 'title' | 'description' | 'academicYearStart'> = {
    programId,
    programIdPos: fields.get('id')!.pos,
    title,
    academicYearStart,
  };
  if (description) out.description = description;
  return out;
}

/** `categories:` / `competencies:`: a block of `id: { lt, en }`. */
function readTerms(p: Parser, field: Field | undefined, what: 'category' | 'competency'): Term[] {
  if (field === undefined) return [];
  if (!isMap(field.value)) {
    report(
      p,
      field.pos,
      'wrong-type',
      `\`${field.key}:\` must be a block of \`id: { lt: ..., en: ... }\` lines, but it is ${describeNode(field.value)}.`,
    );
    return [];
  }
  const terms: Term[] = [];
  for (const pair of field.value.items) {
    const keyNode = pair.key as Node | null;
    const pos = positionOf(p, keyNode, field.pos);
    const id = isScalar(keyNode) ? String(keyNode.value) : '';
    if (!ID.test(id)) {
      report(p, pos, 'invalid-value', `The ${what} id "${id}" must use lowercase letters, digits and dashes only.`);
      continue;
    }
    const value = (pair.value ?? null) as Node | null;
    const name = readLocalized(p, { key: id, keyPos: pos, value, pos: positionOf(p, value, pos) }, `name of ${what} \`${id}\``);
    if (name) terms.push({ id, name, pos });
  }
  return terms;
}

function readList<T>(
  p: Parser,
  field: Field | undefined,
  what: string,
  readItem: (p: Parser, fields: Fields, pos: SourcePosition) => T | undefined,
): T[] {
  if (field === undefined) return [];
  const out: T[] = [];
  const items = listItems(p, field, `\`${field.key}:\``);
  items.forEach((item, i) => {
    const pos = positionOf(p, item, field.pos);
    const id = isMap(item) ? item.get('id') : undefined;
    const label =
      typeof id === 'string' || typeof id === 'number'
        ? `${what[0]!.toUpperCase()}${what.slice(1)} \`${id}\``
        : `${what} #${i + 1} in \`${field.key}:\``;
    const fields = readFields(p, item, pos, label, allowedFor(what), ['id']);
    if (fields === undefined) return;
    const value = readItem(p, fields, pos);
    if (value !== undefined) out.push(value);
  });
  return out;
}

function allowedFor(what: string): readonly string[] {
  if (what === 'activity') return ACTIVITY_FIELDS;
  if (what === 'level') return LEVEL_FIELDS;
  return BADGE_FIELDS;
}

function required<T>(p: Parser, value: T | undefined, fields: Fields, key: string, what: string, pos: SourcePosition): T | undefined {
  if (value === undefined && !fields.has(key) && !wasMisspelt(fields, key))
    report(p, pos, 'missing-field', `${what} needs ${aOrAn(key)} \`${key}:\` field.`);
  return value;
}

function readActivity(p: Parser, fields: Fields, pos: SourcePosition): Activity | undefined {
  const id = readId(p, fields, 'an activity');
  const what = id ? `Activity \`${id}\`` : 'This activity';
  const name = required(p, readLocalized(p, fields.get('name'), 'activity name'), fields, 'name', what, pos);
  const category = required(p, readRef(p, fields.get('category'), 'category', '`category`'), fields, 'category', what, pos);
  const competencies = readRefs(p, fields.get('competencies'), 'competency');
  const image = readText(p, fields.get('image'), '`image`');
  if (id === undefined || name === undefined || category === undefined) return undefined;
  const a: Activity = { id, name, category, competencies, pos };
  if (image) a.image = image;
  return a;
}

function readRef(p: Parser, field: Field | undefined, kind: 'category' | 'level' | 'competency', what: string): string | undefined {
  const id = readText(p, field, what);
  if (id !== undefined && field !== undefined) p.notes.refs.push({ kind, id, pos: field.pos });
  return id;
}

function readRefs(p: Parser, field: Field | undefined, kind: 'competency'): string[] {
  if (field === undefined) return [];
  const values = readTextList(p, field, `\`${field.key}\``) ?? [];
  for (const v of values) p.notes.refs.push({ kind, id: v.value, pos: v.pos });
  return values.map((v) => v.value);
}

function readLevel(p: Parser, fields: Fields, pos: SourcePosition): Omit<Level, 'rank'> | undefined {
  const id = readId(p, fields, 'a level');
  const what = id ? `Level \`${id}\`` : 'This level';
  const name = required(p, readLocalized(p, fields.get('name'), 'level name'), fields, 'name', what, pos);
  const description = readLocalized(p, fields.get('description'), 'level description');
  const when = fields.get('reached-when');
  if (when === undefined && !wasMisspelt(fields, 'reached-when'))
    report(p, pos, 'missing-field', `${what} needs a \`reached-when:\` condition (the first level usually says \`participations: 1\`).`);
  const reachedWhen = when === undefined ? undefined : readCondition(p, when.value, when.pos, `\`reached-when:\` of ${what.toLowerCase()}`);
  const image = readText(p, fields.get('image'), '`image`');
  if (id === undefined || name === undefined || reachedWhen === undefined) return undefined;
  const level: Omit<Level, 'rank'> = { id, name, reachedWhen, pos };
  if (description) level.description = description;
  if (image) level.image = image;
  return level;
}

function readChoice<T extends string>(p: Parser, field: Field | undefined, what: string, values: readonly string[]): T | undefined {
  const text = readText(p, field, what);
  if (text === undefined || field === undefined) return undefined;
  if (values.includes(text)) return text as T;
  report(p, field.pos, 'invalid-value', `${what} cannot be \`${text}\`.${suggestion(text, values)} Choose one of: ${values.join(', ')}.`);
  return undefined;
}

function readBadge(p: Parser, fields: Fields, pos: SourcePosition): Badge | undefined {
  const id = readId(p, fields, 'a badge');
  const what = id ? `Badge \`${id}\`` : 'This badge';
  const name = required(p, readLocalized(p, fields.get('name'), 'badge name'), fields, 'name', what, pos);
  const description = required(p, readLocalized(p, fields.get('description'), 'badge description'), fields, 'description', what, pos);
  const level = required(p, readRef(p, fields.get('level'), 'level', '`level`'), fields, 'level', what, pos);
  const category = readRef(p, fields.get('category'), 'category', '`category`');
  const competencies = readRefs(p, fields.get('competencies'), 'competency');
  const awardText = fields.has('award') ? readChoice<string>(p, fields.get('award'), '`award`', Object.keys(AWARD_VALUES)) : 'automatic';
  const award = awardText === undefined ? undefined : AWARD_VALUES[awardText];
  const requires = fields.get('requires');
  if (requires === undefined && !wasMisspelt(fields, 'requires'))
    report(p, pos, 'missing-field', `${what} needs a \`requires:\` condition saying what earns it.`);
  const criteria = requires === undefined ? undefined : readCondition(p, requires.value, requires.pos, `\`requires:\` of ${what.toLowerCase()}`);
  const criteriaText = readLocalized(p, fields.get('criteria-text'), 'criteria text');
  const policy = fields.has('on-rule-change') ? readChoice<RuleChangePolicy>(p, fields.get('on-rule-change'), '`on-rule-change`', POLICIES) : 'keep';
  const typeField = fields.get('achievement-type');
  let achievementType: string | undefined = 'Badge';
  if (typeField !== undefined) {
    achievementType = readText(p, typeField, '`achievement-type`');
    if (
      achievementType !== undefined &&
      !(ACHIEVEMENT_TYPES as readonly string[]).includes(achievementType) &&
      !/^ext:[A-Za-z0-9._-]+$/.test(achievementType)
    ) {
      report(
        p,
        typeField.pos,
        'invalid-value',
        `\`${achievementType}\` is not an Open Badges achievement type.${suggestion(achievementType, ACHIEVEMENT_TYPES)} Common ones: Badge, CoCurricular, Competency, Certificate; or write \`ext:YourType\`.`,
      );
      achievementType = undefined;
    }
  }
  const forField = fields.get('valid-for');
  const untilField = fields.get('valid-until');
  let validity: Badge['validity'];
  let validityOk = true;
  if (forField && untilField) {
    report(p, untilField.keyPos, 'contradictory-condition', `${what} has both \`valid-for\` and \`valid-until\`; keep one of them.`);
    validityOk = false;
  } else if (forField) {
    validity = readDuration(p, forField);
    validityOk = validity !== undefined;
  } else if (untilField) {
    const date = readDate(p, untilField, '`valid-until`');
    validity = date === undefined ? undefined : { type: 'until', date };
    validityOk = validity !== undefined;
    if (validity && id !== undefined) p.notes.validUntilPos.set(id, untilField.pos);
  }
  const image = readText(p, fields.get('image'), '`image`');
  if (
    id === undefined ||
    name === undefined ||
    description === undefined ||
    level === undefined ||
    award === undefined ||
    criteria === undefined ||
    policy === undefined ||
    achievementType === undefined ||
    !validityOk
  )
    return undefined;
  const badge: Badge = { id, name, description, level, competencies, award, criteria, onRuleChange: policy, achievementType, pos };
  if (category) badge.category = category;
  if (criteriaText) badge.criteriaText = criteriaText;
  if (validity) badge.validity = validity;
  if (image) badge.image = image;
  return badge;
}
