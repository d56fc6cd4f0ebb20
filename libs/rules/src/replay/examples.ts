import type { Example, ExampleStep, RuleSet } from '../language/types';
import type { RuleIssue } from '../load/issues';
import { explain } from '../explain/explain';
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
 * the student still lacked.
 *
 * @example
 * for (const r of runExamples(ruleSet)) console.log(r.passed ? 'ok' : 'FAIL', r.name);
 */
export function runExamples(ruleSet: RuleSet): ExampleResult[] {
  return ruleSet.examples.map((example, n) => runExample(ruleSet, example, n));
}

function runExample(ruleSet: RuleSet, example: Example, n: number): ExampleResult {
  const facts = example.steps.map((s, i) => toFact(s, n, i));
  const last = facts[facts.length - 1]?.at ?? new Date(0).toISOString();
  const until = new Date(example.at ? instant(example.at) : last);
  const { state } = replay(ruleSet, `example-${n + 1}`, facts, until);
  const badges = heldBadges(state, until);
  const actual = {
    badges,
    levels: Object.keys(state.levels),
    eligible: Object.keys(state.eligible).filter((id) => !badges.includes(id)),
  };
  const failures: RuleIssue[] = [];
  const fail = (message: string): void => {
    failures.push({
      file: ruleSet.fileName,
      line: example.expect.pos.line,
      column: example.expect.pos.column,
      code: 'example-failed',
      message: `Example "${example.name}": ${message}`,
      severity: 'error',
    });
  };
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

function why(ruleSet: RuleSet, state: StudentState, at: Date, key: 'badges' | 'levels' | 'eligible', id: string): string {
  const e = explain(ruleSet, state, at);
  const item = key === 'levels' ? e.levels.find((l) => l.levelId === id) : e.badges.find((b) => b.badgeId === id);
  if (item === undefined) return `\`${id}\``;
  // After "still needs", each step reads as what is lacking ("level META first", "an application").
  const steps = item.missing.map(lackingText);
  return `\`${id}\` (${steps.length > 0 ? `still needs ${steps.join(', ')}` : 'its conditions hold; check the order of the steps'})`;
}
