import type { Example, ExampleStep, RuleSet, SourcePosition } from '../language/types';
import type { RuleIssue } from '../load/issues';
import { applicationRefusal, explain } from '../explain/explain';
import { lackingText } from '../explain/plan';
import type { StudentState } from '../evaluate/state';
import { heldBadges, replay, type TimedFact } from './replay';

export type ExampleResult = {
  name: string;
  passed: boolean;
  /** One issue (code `example-failed`) per expectation not met, at the example's `expect:`. */
  failures: RuleIssue[];
  /** What the example student ended with. */
  actual: { badges: string[]; levels: string[]; eligible: string[] };
};

/** Dates in examples are days; the student takes part at noon UTC. */
const instant = (date: string): string => (date.length === 10 ? `${date}T12:00:00.000Z` : new Date(date).toISOString());

function toFact(step: ExampleStep, example: number, i: number): TimedFact {
  const at = instant(step.on);
  const eventId = `example-${example + 1}-step-${i + 1}`;
  switch (step.type) {
    case 'participation': {
      const fact: TimedFact['fact'] = {
        type: 'participation-recorded',
        eventId,
        participationId: step.participationId,
        activityId: step.activityId,
        occurredAt: at,
        role: step.role,
      };
      if (step.hours !== undefined) fact.hours = step.hours;
      return { fact, at };
    }
    case 'void':
      return { at, fact: { type: 'participation-voided', participationId: step.participationId, eventId } };
    case 'apply':
      return { at, fact: { type: 'application-submitted', badgeId: step.badgeId, eventId, at } };
    case 'approve':
      return { at, fact: { type: 'application-approved', badgeId: step.badgeId, eventId, at } };
    case 'reject':
      return { at, fact: { type: 'application-rejected', badgeId: step.badgeId, eventId, at } };
    case 'revoke':
      return { at, fact: { type: 'badge-revoked', badgeId: step.badgeId, cause: 'coordinator', eventId } };
    default: {
      const never: never = step;
      throw new Error(`unknown example step ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Runs the `examples:` of a rule file: replays each example student's steps
 * and compares the badges, levels and eligibilities they end with against
 * `expect:`. A failure says what differs and, for a missing badge, what
 * the student still lacked. An `apply` step the engine would refuse (409:
 * not eligible then, a badge given automatically, one held or applied for
 * already) fails at that step, and the example stops there: what follows
 * would rest on an application that was never recorded.
 *
 * @example
 * for (const r of runExamples(ruleSet)) console.log(r.passed ? 'ok' : 'FAIL', r.name);
 */
export function runExamples(ruleSet: RuleSet): ExampleResult[] {
  return ruleSet.examples.map((example, n) => runExample(ruleSet, example, n));
}

function runExample(ruleSet: RuleSet, example: Example, n: number): ExampleResult {
  const facts = example.steps.map((s, i) => toFact(s, n, i));
  const stepOf = new Map(facts.map((f, i) => [f.fact, example.steps[i]!]));
  const last = facts[facts.length - 1]?.at ?? new Date(0).toISOString();
  const until = new Date(example.at ? instant(example.at) : last);
  const failures: RuleIssue[] = [];
  const fail = (message: string, pos: SourcePosition = example.expect.pos): void => {
    failures.push({
      file: ruleSet.fileName,
      line: pos.line,
      column: pos.column,
      code: 'example-failed',
      message: `Example "${example.name}": ${message}`,
      severity: 'error',
    });
  };
  const { state } = replay(ruleSet, `example-${n + 1}`, facts, until, (fact, before) => {
    const step = stepOf.get(fact.fact);
    if (step?.type !== 'apply') return true;
    const refused = refusedApplication(ruleSet, before, step.badgeId, new Date(fact.at));
    if (refused !== undefined) fail(`the engine would refuse \`apply: ${step.badgeId}\` on ${step.on} (409): ${refused}`, step.pos);
    return refused === undefined;
  });
  const badges = heldBadges(state, until);
  const actual = {
    badges,
    levels: Object.keys(state.levels),
    eligible: Object.keys(state.eligible).filter((id) => !badges.includes(id)),
  };
  if (failures.length > 0) return { name: example.name, passed: false, failures, actual };
  for (const key of ['badges', 'levels', 'eligible'] as const) {
    const expected = example.expect[key];
    if (expected === undefined) continue;
    const got = actual[key];
    const missing = expected.filter((x) => !got.includes(x));
    const extra = got.filter((x) => !expected.includes(x));
    if (missing.length === 0 && extra.length === 0) continue;
    const parts = [`expected ${key} [${expected.join(', ')}] but the student has [${got.join(', ')}].`];
    if (missing.length > 0) parts.push(`Missing: ${missing.map((id) => why(ruleSet, state, until, key, id)).join('; ')}.`);
    if (extra.length > 0) parts.push(`Not expected: ${extra.map((x) => `\`${x}\``).join(', ')}.`);
    fail(parts.join(' '));
  }
  return { name: example.name, passed: failures.length === 0, failures, actual };
}

/**
 * Why the engine would refuse an application for `badgeId` at `at` from the
 * student as they stand (its refusals, worded for a rule file), or undefined
 * when it would take it: whether the student may apply is `applicationRefusal`,
 * the engine's own rule.
 */
function refusedApplication(ruleSet: RuleSet, state: StudentState, badgeId: string, at: Date): string | undefined {
  const explained = explain(ruleSet, state, at).badges.find((b) => b.badgeId === badgeId);
  // An unknown badge is reported where the file names it.
  if (explained === undefined) return undefined;
  const name = `«${explained.name.en}»`;
  if (explained.award !== 'application')
    return `${name} is awarded automatically when its criteria are met; there is nothing to apply for. Remove the step.`;
  if (explained.status === 'held') {
    const until = explained.expiresAt ? ` until ${explained.expiresAt.slice(0, 10)}` : '';
    return `the student holds ${name} then${until ? `, valid${until}` : ''}. Remove the step${until ? ', or move it after the award expires' : ''}.`;
  }
  if (explained.status === 'applied') {
    return `an application for ${name} is already waiting for a decision. Remove the step, or add an \`approve:\` or \`reject:\` step before it.`;
  }
  const refused = applicationRefusal(explained);
  if (refused === undefined) return undefined;
  const fix = refused.final ? 'Remove the step.' : 'Move the step after the participations that make the student eligible, or add those before it.';
  return `the student is not eligible for it${refused.final ? '' : ' yet'}${refused.reason ? `: ${refused.reason}` : ''}. ${fix}`;
}

function why(ruleSet: RuleSet, state: StudentState, at: Date, key: 'badges' | 'levels' | 'eligible', id: string): string {
  const e = explain(ruleSet, state, at);
  const item = key === 'levels' ? e.levels.find((l) => l.levelId === id) : e.badges.find((b) => b.badgeId === id);
  if (item === undefined) return `\`${id}\``;
  // After "still needs", each step reads as what is lacking ("level META first", "an application").
  const steps = item.missing.map(lackingText);
  return `\`${id}\` (${steps.length > 0 ? `still needs ${steps.join(', ')}` : 'its conditions hold; check the order of the steps'})`;
}
