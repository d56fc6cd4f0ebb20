import { isSeq, type Node } from 'yaml';
import { ROLES, type Example, type ExampleExpectation, type ExampleStep, type Role } from '../language/types';
import { suggestion } from './issues';
import { readDate, type Parser } from './parse-condition';
import { listItems, positionOf, readFields, readNumber, readText, readTextList, report, type Field } from './yaml-reader';

export const EXAMPLE_FIELDS = ['name', 'given', 'at', 'expect'] as const;
export const EXPECT_FIELDS = ['badges', 'levels', 'eligible'] as const;
export const ACTION_STEPS = ['void', 'apply', 'approve', 'reject', 'revoke'] as const;
export const STEP_FIELDS = ['activity', 'on', 'role', 'hours', 'id', ...ACTION_STEPS] as const;

/** When a step happens: a day alone is noon UTC, as the examples are run. */
const instantOf = (on: string): number => Date.parse(on.length === 10 ? `${on}T12:00:00.000Z` : on);

/** `examples:`: given these steps, expect these badges, levels and eligibilities. */
export function readExamples(p: Parser, field: Field): Example[] {
  const out: Example[] = [];
  listItems(p, field, '`examples:`').forEach((item, i) => {
    const pos = positionOf(p, item, field.pos);
    const fields = readFields(p, item, pos, `example #${i + 1}`, EXAMPLE_FIELDS, ['name', 'given', 'expect']);
    if (fields === undefined) return;
    const name = readText(p, fields.get('name'), 'the example name');
    const given = fields.get('given');
    const steps = given === undefined ? undefined : readSteps(p, given);
    const at = fields.has('at') ? readDate(p, fields.get('at'), '`at`') : undefined;
    const expectField = fields.get('expect');
    const expect = expectField === undefined ? undefined : readExpect(p, expectField);
    if (name === undefined || steps === undefined || expect === undefined || (fields.has('at') && at === undefined)) return;
    const last = steps[steps.length - 1]?.on;
    if (at !== undefined && last !== undefined && instantOf(at) < instantOf(last)) {
      // The example is judged at `at`: steps after it would silently not count.
      report(
        p,
        fields.get('at')!.pos,
        'invalid-value',
        `\`at: ${at}\` is before the last step (${last}), whose effects would not count; give a date on or after it.`,
      );
      return;
    }
    const example: Example = { name, steps, expect, pos };
    if (at !== undefined) example.at = at;
    out.push(example);
  });
  return out;
}

function readSteps(p: Parser, field: Field): ExampleStep[] | undefined {
  const steps: ExampleStep[] = [];
  const ids = new Set<string>();
  let lastOn: string | undefined;
  let ok = true;
  listItems(p, field, '`given:`').forEach((item, i) => {
    const pos = positionOf(p, item, field.pos);
    const fields = readFields(p, item, pos, `step #${i + 1} of \`given:\``, STEP_FIELDS);
    if (fields === undefined) return void (ok = false);
    const onField = fields.get('on');
    const on = onField === undefined ? lastOn : readDate(p, onField, '`on`');
    const actions = ACTION_STEPS.filter((a) => fields.has(a));
    const activity = fields.get('activity');
    if (actions.length + (activity ? 1 : 0) !== 1) {
      report(
        p,
        pos,
        actions.length === 0 && !activity ? 'missing-field' : 'contradictory-condition',
        'Each step under `given:` does one thing: a participation (`activity: ...`, `on: ...`) or one of `void`, `apply`, `approve`, `reject`, `revoke`.',
      );
      return void (ok = false);
    }
    if (on === undefined) {
      if (onField === undefined) report(p, pos, 'missing-field', 'This step needs a date: `on: YYYY-MM-DD`.');
      return void (ok = false);
    }
    if (lastOn !== undefined && instantOf(on) < instantOf(lastOn)) {
      // The steps are replayed in the order written, and the example is judged at the last one: a step dated before one
      // above it moves the clock back, and the steps after that date silently stop counting.
      report(p, onField?.pos ?? pos, 'invalid-value', `This step is on ${on}, before a step above it (${lastOn}); list the steps in date order.`);
      ok = false;
    } else {
      lastOn = on;
    }
    if (activity !== undefined) {
      const activityId = readText(p, activity, '`activity`');
      if (activityId !== undefined) p.notes.refs.push({ kind: 'activity', id: activityId, pos: activity.pos });
      const roleText = fields.has('role') ? readText(p, fields.get('role'), '`role`') : 'participant';
      if (roleText !== undefined && !(ROLES as readonly string[]).includes(roleText)) {
        report(
          p,
          fields.get('role')!.pos,
          'invalid-value',
          `\`${roleText}\` is not a role.${suggestion(roleText, ROLES)} The roles are participant, volunteer, organiser and leader.`,
        );
        return void (ok = false);
      }
      const hours = fields.has('hours') ? readNumber(p, fields.get('hours'), '`hours`') : undefined;
      const id = fields.has('id') ? readText(p, fields.get('id'), '`id`') : `p${i + 1}`;
      if (activityId === undefined || roleText === undefined || id === undefined || (fields.has('hours') && hours === undefined))
        return void (ok = false);
      if (ids.has(id)) {
        report(p, fields.get('id')?.pos ?? pos, 'duplicate-id', `Two participations in this example have the id \`${id}\`; give each its own.`);
        return void (ok = false);
      }
      ids.add(id);
      const step: ExampleStep = { type: 'participation', participationId: id, activityId, on, role: roleText as Role, pos };
      if (hours !== undefined) step.hours = hours;
      steps.push(step);
      return;
    }
    const action = actions[0]!;
    const target = fields.get(action)!;
    const ref = readText(p, target, `\`${action}\``);
    if (ref === undefined) return void (ok = false);
    if (action === 'void') {
      if (!ids.has(ref)) {
        report(
          p,
          target.pos,
          'unknown-reference',
          `\`void: ${ref}\` names no earlier participation of this example.${suggestion(ref, ids)} Give the participation an \`id:\` and void that id.`,
        );
        return void (ok = false);
      }
      steps.push({ type: 'void', participationId: ref, on, pos });
      return;
    }
    p.notes.refs.push({ kind: 'badge', id: ref, pos: target.pos });
    steps.push({ type: action, badgeId: ref, on, pos });
  });
  if (ok && steps.length === 0) {
    report(p, field.pos, 'empty-condition', '`given:` has no steps; list the participations of the example student.');
    return undefined;
  }
  return ok ? steps : undefined;
}

function readExpect(p: Parser, field: Field): ExampleExpectation | undefined {
  const fields = readFields(p, field.value, field.pos, '`expect:`', EXPECT_FIELDS);
  if (fields === undefined) return undefined;
  if (fields.size === 0) {
    report(p, field.pos, 'empty-condition', '`expect:` is empty; give `badges:`, `levels:` and/or `eligible:` (use `[]` for none).');
    return undefined;
  }
  const expect: ExampleExpectation = { pos: field.keyPos };
  for (const key of EXPECT_FIELDS) {
    const f = fields.get(key);
    if (f === undefined) continue;
    const kind = key === 'levels' ? 'level' : 'badge';
    const values = isSeq(f.value) && (f.value.items as Node[]).length === 0 ? [] : readTextList(p, f, `\`${key}\``);
    if (values === undefined) return undefined;
    for (const v of values) p.notes.refs.push({ kind, id: v.value, pos: v.pos });
    expect[key] = values.map((v) => v.value);
  }
  return expect;
}
