/**
 * @laurel/rules: the rule language for program designers and its pure
 * evaluator. No I/O: callers read files and store events.
 *
 * Loading
 * - `loadRuleSet(source, fileName): LoadResult`: parse + static checks; every
 *   problem a `RuleIssue` { file, line, column, code, message, severity }.
 * - `formatIssue(issue)`: `rules/x.yaml:12:7 error: ... [code]`.
 *
 * Evaluating (per student, incremental)
 * - `initialState(studentId): StudentState` (plain JSON, rule-set independent).
 * - `fold(ruleSet, state, fact): StudentState`: O(1) in the history; updates
 *   the state in place and returns it (clone with `structuredClone` to keep
 *   the old one). A typed-array tally of the counters rides along with the
 *   state (non-enumerable, not serialised) and is rebuilt from the JSON
 *   state when missing. Change a state only through `fold`,
 *   `flagSupportLost`, `restoreSupport` and `recheckSupport`.
 * - `evaluate(ruleSet, state, now): Evaluation`: pure; what changed (earned,
 *   eligible, levelsReached, supportLost, supportRestored, and all of them
 *   as `outcomes` in dependency order), each with an explanation. Fold the
 *   outcomes you act on back in (`badge-awarded`, `eligibility-reached`,
 *   `level-reached`, `award-support-lost`, `award-support-restored`,
 *   `badge-revoked`).
 * - `explain(ruleSet, state, now): Explanation`: every level and badge,
 *   condition by condition, and the shortest steps to the next ones.
 *
 * Replaying
 * - `replay(ruleSet, studentId, facts, until?)`: the engine loop, simulated.
 * - `runExamples(ruleSet)`: the file's `examples:`.
 * - `diffRuleSets(before, after, histories, at)`: who gains / loses what.
 */
export * from './language/types';
export { describeCondition } from './language/describe';
export { didYouMean, formatIssue, nearMatches, type RuleIssue, type RuleIssueCode } from './load/issues';
export { loadRuleSet, SCHEMA_COMMENT, type LoadResult } from './load/load-rule-set';
export {
  flagSupportLost,
  fold,
  initialState,
  restoreSupport,
  RuleFactError,
  type ApplicationState,
  type Fact,
  type HeldBadge,
  type ParticipationEntry,
  type StudentState,
} from './evaluate/state';
export {
  evaluate,
  type EarnedBadge,
  type EligibleBadge,
  type Evaluation,
  type LostSupport,
  type Outcome,
  type ReachedLevel,
  type RestoredSupport,
} from './evaluate/evaluate';
export {
  applicationRefusal,
  explain,
  mayApply,
  type BadgeExplanation,
  type BadgeStatus,
  type ConditionExplanation,
  type Explanation,
  type LevelExplanation,
} from './explain/explain';
export type { MissingStep } from './explain/plan';
export { applyOutcome, heldBadges, replay, settle, type ReplayResult, type TimedFact } from './replay/replay';
export { runExamples, type ExampleResult } from './replay/examples';
export { diffRuleSets, ruleSetDiffer, type DiffEntry, type RuleSetDiff, type StudentDiff, type StudentHistory } from './replay/diff';
export { eligibilityStands, recheckSupport } from './evaluate/recheck';
export { noLongerAwarded } from './evaluate/valid-until';
