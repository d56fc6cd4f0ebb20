import { isMap, isScalar, isSeq, type Node } from 'yaml';
import {
  ROLES,
  type BadgeFilter,
  type BadgeMeasure,
  type Condition,
  type ParticipationFilter,
  type ParticipationMeasure,
  type Role,
  type SourcePosition,
  type TimeWindow,
  type Validity,
} from '../language/types';
import { suggestion } from './issues';
import {
  describeNode,
  isEmpty,
  readFields,
  readInteger,
  readNumber,
  readText,
  readTextList,
  report,
  wasMisspelt,
  type Field,
  type Fields,
  type Reader,
} from './yaml-reader';

/** A name used somewhere in the file that must be defined elsewhere in it. */
export type Reference = {
  kind: 'activity' | 'category' | 'competency' | 'badge' | 'level';
  id: string;
  pos: SourcePosition;
};

/** What parsing learns on the way that the static checks need (positions of thresholds and windows). */
export type ParseNotes = {
  refs: Reference[];
  thresholdPos: Map<Condition, SourcePosition>;
  windowPos: Map<Condition, SourcePosition>;
  /** Where each badge's `valid-until` date is written, by badge id. */
  validUntilPos: Map<string, SourcePosition>;
};

export type Parser = Reader & { notes: ParseNotes };

const PARTICIPATION_KEYS: Record<string, ParticipationMeasure> = {
  participations: 'participations',
  hours: 'hours',
  'distinct-activities': 'activities',
  'distinct-categories': 'categories',
  'distinct-competencies': 'competencies',
};
const BADGE_KEYS: Record<string, BadgeMeasure> = { badges: 'badges', 'badge-categories': 'categories' };

export const CONDITION_FIELDS = [...Object.keys(PARTICIPATION_KEYS), ...Object.keys(BADGE_KEYS), 'holds-badge', 'all', 'any', 'not'] as const;
export const PARTICIPATION_CONDITION_FIELDS = [
  'at-least',
  'activity',
  'activities',
  'category',
  'categories',
  'competency',
  'competencies',
  'role',
  'roles',
  'within',
] as const;
export const BADGE_CONDITION_FIELDS = [
  'at-least',
  'badge',
  'badges',
  'level',
  'levels',
  'category',
  'categories',
  'competency',
  'competencies',
  'within',
] as const;
export const WINDOW_FIELDS = ['academic-year', 'last-months', 'last-days', 'from', 'before'] as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A calendar date (`2026-06-30`) or an ISO instant; returns it unchanged when valid. */
export function readDate(r: Reader, field: Field | undefined, what: string): string | undefined {
  const text = readText(r, field, what);
  if (text === undefined || field === undefined) return undefined;
  const m = DATE.exec(text);
  const ok =
    m !== null && !Number.isNaN(Date.parse(text)) && new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)).toISOString().slice(0, 10) === text.slice(0, 10);
  if (!ok) {
    report(r, field.pos, 'invalid-value', `${what} must be a date written as YYYY-MM-DD (e.g. 2026-06-30), but it is "${text}".`);
    return undefined;
  }
  return text;
}

/**
 * A condition block. Several conditions side by side in one block must all
 * hold (as if wrapped in `all:`).
 */
export function readCondition(p: Parser, node: Node | null, at: SourcePosition, what: string): Condition | undefined {
  if (isEmpty(node)) {
    report(p, at, 'empty-condition', `${what} is empty; say what the student must do, e.g. \`participations: { at-least: 1 }\`.`);
    return undefined;
  }
  const fields = readFields(p, node, at, what, CONDITION_FIELDS);
  if (fields === undefined) return undefined;
  const parts: Condition[] = [];
  let failed = false;
  for (const field of fields.values()) {
    const c = readConditionField(p, field);
    if (c === undefined) failed = true;
    else parts.push(c);
  }
  if (failed) return undefined;
  if (parts.length === 0) {
    // Only unknown fields: they were reported already.
    if (isMap(node) && node.items.length > 0) return undefined;
    report(p, at, 'empty-condition', `${what} has no condition; say what the student must do, e.g. \`participations: { at-least: 1 }\`.`);
    return undefined;
  }
  if (parts.length === 1) return parts[0];
  return { kind: 'all', conditions: parts, pos: at };
}

function readConditionField(p: Parser, field: Field): Condition | undefined {
  const key = field.key;
  const measure = PARTICIPATION_KEYS[key];
  if (measure !== undefined) return readParticipationCondition(p, field, measure);
  const badgeMeasure = BADGE_KEYS[key];
  if (badgeMeasure !== undefined) return readBadgeCondition(p, field, badgeMeasure);
  if (key === 'holds-badge') {
    const ids = readTextList(p, field, '`holds-badge`');
    if (ids === undefined || ids.length === 0) return undefined;
    const conds: Condition[] = ids.map((id) => {
      p.notes.refs.push({ kind: 'badge', id: id.value, pos: id.pos });
      return { kind: 'holds-badge', badgeId: id.value, pos: id.pos };
    });
    return conds.length === 1 ? conds[0] : { kind: 'all', conditions: conds, pos: field.keyPos };
  }
  if (key === 'all' || key === 'any') {
    if (!isSeq(field.value)) {
      report(
        p,
        field.pos,
        'wrong-type',
        `\`${key}:\` must be a list of conditions (lines starting with \`- \`), but it is ${describeNode(field.value)}.`,
      );
      return undefined;
    }
    const items = field.value.items as Array<Node | null>;
    if (items.length === 0) {
      report(p, field.keyPos, 'empty-condition', `\`${key}:\` has an empty list; give at least one condition or remove it.`);
      return undefined;
    }
    const conditions: Condition[] = [];
    let failed = false;
    for (const item of items) {
      const pos = item?.range ? positionOfNode(p, item, field.pos) : field.pos;
      const c = readCondition(p, item, pos, `a condition under \`${key}:\``);
      if (c === undefined) failed = true;
      else conditions.push(c);
    }
    if (failed) return undefined;
    return { kind: key, conditions, pos: field.keyPos };
  }
  if (key === 'not') {
    const c = readCondition(p, field.value, field.pos, 'the condition under `not:`');
    return c === undefined ? undefined : { kind: 'not', condition: c, pos: field.keyPos };
  }
  report(p, field.keyPos, 'unknown-field', `\`${key}\` is not a condition.`);
  return undefined;
}

function positionOfNode(p: Parser, node: Node, fallback: SourcePosition): SourcePosition {
  const offset = node.range?.[0];
  if (offset === undefined) return fallback;
  const { line, col } = p.lines.linePos(offset);
  return { line, column: col };
}

/** `participations: 3` is short for `participations: { at-least: 3 }`. */
function shorthand(field: Field): boolean {
  return isScalar(field.value) && typeof field.value.value === 'number';
}

function readAtLeast(p: Parser, field: Field, fields: Fields | undefined, decimals: boolean): number | undefined {
  const target = fields === undefined ? field : fields.get('at-least');
  if (target === undefined) {
    // A misspelt `at-least` was reported with its did-you-mean: saying it is missing too would be the same mistake twice.
    if (fields !== undefined && wasMisspelt(fields, 'at-least')) return undefined;
    report(p, field.pos, 'missing-field', `\`${field.key}:\` needs \`at-least:\` (how many), e.g. \`${field.key}: { at-least: 2 }\`.`);
    return undefined;
  }
  return decimals ? readNumber(p, target, '`at-least`') : readInteger(p, target, '`at-least`', 0);
}

function readParticipationCondition(p: Parser, field: Field, measure: ParticipationMeasure): Condition | undefined {
  const fields = shorthand(field) ? undefined : readFields(p, field.value, field.pos, `\`${field.key}:\``, PARTICIPATION_CONDITION_FIELDS);
  if (!shorthand(field) && fields === undefined) return undefined;
  const atLeast = readAtLeast(p, field, fields, measure === 'hours');
  const filter: ParticipationFilter = {};
  let ok = atLeast !== undefined;
  if (fields !== undefined) {
    const activities = readPair(p, fields, 'activity', 'activities', 'activity');
    const categories = readPair(p, fields, 'category', 'categories', 'category');
    const competencies = readPair(p, fields, 'competency', 'competencies', 'competency');
    const roles = readRoles(p, fields);
    if (activities === null || categories === null || competencies === null || roles === null) ok = false;
    if (activities) filter.activities = activities;
    if (categories) filter.categories = categories;
    if (competencies) filter.competencies = competencies;
    if (roles) filter.roles = roles;
  }
  const window = fields?.get('within');
  const within = window === undefined ? undefined : readWindow(p, window);
  if (window !== undefined && within === undefined) ok = false;
  if (!ok || atLeast === undefined) return undefined;
  const c: Condition = { kind: 'participations', measure, atLeast, filter, pos: field.keyPos };
  if (within) c.within = within;
  p.notes.thresholdPos.set(c, (fields?.get('at-least') ?? field).pos);
  if (window) p.notes.windowPos.set(c, window.pos);
  return c;
}

function readBadgeCondition(p: Parser, field: Field, measure: BadgeMeasure): Condition | undefined {
  const fields = shorthand(field) ? undefined : readFields(p, field.value, field.pos, `\`${field.key}:\``, BADGE_CONDITION_FIELDS);
  if (!shorthand(field) && fields === undefined) return undefined;
  const atLeast = readAtLeast(p, field, fields, false);
  const filter: BadgeFilter = {};
  let ok = atLeast !== undefined;
  if (fields !== undefined) {
    const badges = readPair(p, fields, 'badge', 'badges', 'badge');
    const levels = readPair(p, fields, 'level', 'levels', 'level');
    const categories = readPair(p, fields, 'category', 'categories', 'category');
    const competencies = readPair(p, fields, 'competency', 'competencies', 'competency');
    if (badges === null || levels === null || categories === null || competencies === null) ok = false;
    if (badges) filter.badges = badges;
    if (levels) filter.levels = levels;
    if (categories) filter.categories = categories;
    if (competencies) filter.competencies = competencies;
  }
  const window = fields?.get('within');
  const within = window === undefined ? undefined : readWindow(p, window);
  if (window !== undefined && within === undefined) ok = false;
  if (!ok || atLeast === undefined) return undefined;
  const c: Condition = { kind: 'badges', measure, atLeast, filter, pos: field.keyPos };
  if (within) c.within = within;
  p.notes.thresholdPos.set(c, (fields?.get('at-least') ?? field).pos);
  if (window) p.notes.windowPos.set(c, window.pos);
  return c;
}

/** `category: x` or `categories: [x, y]`; null on error, undefined when absent. */
function readPair(
  p: Parser,
  fields: Fields,
  one: string,
  many: string,
  kind: 'activity' | 'category' | 'competency' | 'badge' | 'level',
): string[] | undefined | null {
  const a = fields.get(one);
  const b = fields.get(many);
  if (a && b) {
    report(p, b.keyPos, 'contradictory-condition', `Use either \`${one}:\` or \`${many}:\`, not both; list every value under \`${many}:\`.`);
    return null;
  }
  const field = a ?? b;
  if (field === undefined) return undefined;
  const values = readTextList(p, field, `\`${field.key}\``);
  if (values === undefined || values.length === 0) return null;
  for (const v of values) p.notes.refs.push({ kind, id: v.value, pos: v.pos });
  return values.map((v) => v.value);
}

function readRoles(p: Parser, fields: Fields): Role[] | undefined | null {
  const a = fields.get('role');
  const b = fields.get('roles');
  if (a && b) {
    report(p, b.keyPos, 'contradictory-condition', 'Use either `role:` or `roles:`, not both; list every role under `roles:`.');
    return null;
  }
  const field = a ?? b;
  if (field === undefined) return undefined;
  const values = readTextList(p, field, `\`${field.key}\``);
  if (values === undefined || values.length === 0) return null;
  const roles: Role[] = [];
  let ok = true;
  for (const v of values) {
    if ((ROLES as readonly string[]).includes(v.value)) roles.push(v.value as Role);
    else {
      ok = false;
      report(
        p,
        v.pos,
        'invalid-value',
        `\`${v.value}\` is not a role.${suggestion(v.value, ROLES)} The roles are participant, volunteer, organiser and leader.`,
      );
    }
  }
  return ok ? roles : null;
}

const ACADEMIC_YEAR = /^(\d{4})-(\d{4})$/;

/** `within:` one of `academic-year`, `last-months`, `last-days`, or `from` and/or `before`. */
export function readWindow(p: Reader, field: Field): TimeWindow | undefined {
  const fields = readFields(p, field.value, field.pos, '`within:`', WINDOW_FIELDS);
  if (fields === undefined) return undefined;
  const kinds = ['academic-year', 'last-months', 'last-days'].filter((k) => fields.has(k));
  const range = fields.has('from') || fields.has('before');
  if (kinds.length + (range ? 1 : 0) > 1) {
    report(
      p,
      field.pos,
      'contradictory-condition',
      '`within:` must use one kind of time window: `academic-year`, `last-months`, `last-days`, or `from`/`before`. Split it into two conditions under `all:` if both are meant.',
    );
    return undefined;
  }
  // A block holding only misspelt fields (`last-month: 12`) was reported field by field; it is not empty.
  if (kinds.length === 0 && !range && isMap(field.value) && field.value.items.length > 0) return undefined;
  if (kinds.length === 0 && !range) {
    report(
      p,
      field.pos,
      'empty-condition',
      '`within:` is empty; give e.g. `{ academic-year: current }`, `{ last-months: 12 }` or `{ before: 2027-06-30 }`.',
    );
    return undefined;
  }
  const year = fields.get('academic-year');
  if (year !== undefined) {
    const text = readText(p, year, '`academic-year`');
    if (text === undefined) return undefined;
    if (text === 'current') return { type: 'academic-year', year: 'current' };
    const m = ACADEMIC_YEAR.exec(text);
    if (m && Number(m[2]) === Number(m[1]) + 1) return { type: 'academic-year', year: Number(m[1]) };
    report(p, year.pos, 'invalid-value', `\`academic-year\` must be \`current\` or two consecutive years like \`2025-2026\`, but it is "${text}".`);
    return undefined;
  }
  const months = fields.get('last-months');
  if (months !== undefined) {
    const n = readInteger(p, months, '`last-months`', 1);
    return n === undefined ? undefined : { type: 'last', amount: n, unit: 'months' };
  }
  const days = fields.get('last-days');
  if (days !== undefined) {
    const n = readInteger(p, days, '`last-days`', 1);
    return n === undefined ? undefined : { type: 'last', amount: n, unit: 'days' };
  }
  const from = fields.has('from') ? readDate(p, fields.get('from'), '`from`') : undefined;
  const before = fields.has('before') ? readDate(p, fields.get('before'), '`before`') : undefined;
  if ((fields.has('from') && from === undefined) || (fields.has('before') && before === undefined)) return undefined;
  const w: TimeWindow = { type: 'between' };
  if (from !== undefined) w.from = from;
  if (before !== undefined) w.before = before;
  return w;
}

const DURATION = /^(\d+)\s*(day|days|month|months|year|years)$/;

/** `valid-for: 2 years` (also months, days). */
export function readDuration(p: Reader, field: Field): Validity | undefined {
  const text = readText(p, field, '`valid-for`');
  if (text === undefined) return undefined;
  const m = DURATION.exec(text.toLowerCase());
  const amount = m ? Number(m[1]) : 0;
  if (!m || amount < 1) {
    report(p, field.pos, 'invalid-value', `\`valid-for\` must be a period like \`2 years\`, \`18 months\` or \`90 days\`, but it is "${text}".`);
    return undefined;
  }
  const unit = m[2]!.startsWith('day') ? 'days' : m[2]!.startsWith('month') ? 'months' : 'years';
  return { type: 'period', amount, unit };
}
