import type { RuleSet } from '../language/types';
import { compile } from './compile';
import type { ApplicationState, CompiledRuleSet, Fact, HeldBadge, StudentState, Tally } from './model';
import { parseInstant } from './time';
import { basisOf, makeContext, supportedAsOf } from './conditions';
import {
  addParticipation,
  applicationCode,
  badgeField,
  F_APPLICATION,
  F_AT,
  F_ELIGIBLE,
  F_EXPIRES,
  F_FLAGS,
  F_REVOKED,
  eventIdOf,
  forgetSteps,
  hashId,
  newState,
  removeParticipation,
  rowOf,
  setBadgeField,
  setLevelAt,
  tallyOf,
  touchRowLines,
} from './tally';

/**
 * An empty progression for a student.
 *
 * @example
 * let state = initialState('20231234');
 */
export function initialState(studentId: string): StudentState {
  return newState(studentId);
}

const time = (iso: string): number => {
  const t = parseInstant(iso);
  if (Number.isNaN(t)) throw new RuleFactError(`not an ISO-8601 date: "${iso}"`);
  return t;
};

/** A fact the evaluator cannot use (a malformed date); code `invalid-fact`. */
export class RuleFactError extends Error {
  readonly code = 'invalid-fact';
}

/**
 * Folds one fact into a student's state. Costs O(1) in the student's
 * history, except a void or a revocation: those re-check, as of their
 * award dates, the held awards that rested on the fact (O(history)).
 * For speed the state is updated in place and returned: the caller hands
 * ownership to `fold` (`structuredClone` first to keep the old state).
 * Repeated facts (same participation id) are ignored, so replays are safe.
 *
 * @example
 * state = fold(ruleSet, state, {
 *   type: 'participation-recorded', eventId: 'e1', participationId: 'p1',
 *   activityId: 'basketball', occurredAt: '2025-10-01T16:00:00Z', role: 'participant',
 * });
 */
export function fold(ruleSet: RuleSet, state: StudentState, fact: Fact): StudentState {
  const c = compile(ruleSet);
  const t = tallyOf(state, c);
  state.facts += 1;
  t.facts = state.facts;
  // What `evaluate` remembers is forgotten where the fact changes the tally (`setBadgeField`, `setLevelAt`, `addParticipation`, ...).
  switch (fact.type) {
    case 'participation-recorded': {
      const hash = hashId(fact.participationId);
      touchRowLines(t, hash, fact.activityId);
      if (rowOf(t, fact.participationId, hash) >= 0) return state;
      const at = time(fact.occurredAt);
      addParticipation(t, hash, fact.participationId, fact.eventId, fact.activityId, fact.role, at, fact.hours ?? 0);
      // It may give back the support an award lost, if it took place by the award date: `evaluate` checks that award again.
      for (let i = 0; i < c.badges.length; i++) {
        if ((badgeField(t, F_FLAGS, i) & 2) !== 0 && at <= badgeField(t, F_AT, i)) forgetSteps(t, c.badgeTouches, i);
      }
      return state;
    }
    case 'participation-voided': {
      const i = rowOf(t, fact.participationId);
      if (i < 0) return state;
      const eventId = eventIdOf(t, i);
      // Swap-remove: the last row moves into its place (order does not matter).
      removeParticipation(t, i);
      // Only awards that rested on this participation can lose their support.
      for (const id in state.badges) {
        const held = state.badges[id]!;
        if (held.revoked !== undefined || held.supportLost || !held.basis.includes(eventId)) continue;
        if (!supportedAsOf(c, state, id)) markSupportLost(c, t, held, id);
        else restOnWhatSupports(c, state, held, id, eventId);
      }
      return state;
    }
    case 'application-submitted':
    case 'application-approved':
    case 'application-rejected': {
      const status = fact.type === 'application-submitted' ? 'submitted' : fact.type === 'application-approved' ? 'approved' : 'rejected';
      const application: ApplicationState = { status };
      if (fact.eventId !== undefined) application.eventId = fact.eventId;
      if (fact.at !== undefined) application.at = time(fact.at);
      state.applications[fact.badgeId] = application;
      const i = c.badgeIndex.get(fact.badgeId);
      if (i !== undefined) setBadgeField(t, F_APPLICATION, i, applicationCode(status));
      return state;
    }
    case 'badge-awarded': {
      const at = time(fact.at);
      const held: HeldBadge = { at, eventId: fact.eventId ?? `award:${fact.badgeId}:${fact.at}`, basis: fact.basis ?? [] };
      if (fact.expiresAt !== undefined) held.expiresAt = time(fact.expiresAt);
      state.badges[fact.badgeId] = held;
      delete state.eligible[fact.badgeId];
      const approved = state.applications[fact.badgeId]?.status === 'approved';
      if (approved) delete state.applications[fact.badgeId];
      const i = c.badgeIndex.get(fact.badgeId);
      if (i !== undefined) {
        setBadgeField(t, F_AT, i, at);
        setBadgeField(t, F_EXPIRES, i, held.expiresAt ?? Number.POSITIVE_INFINITY);
        setBadgeField(t, F_REVOKED, i, 0);
        setBadgeField(t, F_FLAGS, i, 0);
        setBadgeField(t, F_ELIGIBLE, i, Number.NaN);
        if (approved) setBadgeField(t, F_APPLICATION, i, 0);
      }
      return state;
    }
    case 'badge-revoked': {
      const held = state.badges[fact.badgeId];
      if (held === undefined) return state;
      held.revoked = fact.cause ?? 'coordinator';
      const i = c.badgeIndex.get(fact.badgeId);
      if (i !== undefined) setBadgeField(t, F_REVOKED, i, held.revoked === 'coordinator' ? 1 : 2);
      for (const id of c.dependents.get(fact.badgeId) ?? []) {
        const d = state.badges[id];
        if (d && d.revoked === undefined && !d.supportLost && !supportedAsOf(c, state, id)) markSupportLost(c, t, d, id);
      }
      return state;
    }
    case 'eligibility-reached': {
      const at = time(fact.at);
      state.eligible[fact.badgeId] = at;
      const i = c.badgeIndex.get(fact.badgeId);
      if (i !== undefined) setBadgeField(t, F_ELIGIBLE, i, at);
      return state;
    }
    case 'level-reached': {
      if (state.levels[fact.levelId] !== undefined) return state;
      const at = time(fact.at);
      state.levels[fact.levelId] = at;
      const i = c.levelIndex.get(fact.levelId);
      if (i !== undefined) setLevelAt(t, i, at);
      return state;
    }
    case 'award-support-lost': {
      const held = state.badges[fact.badgeId];
      if (held) {
        if (!held.lossReported) held.losses = (held.losses ?? 0) + 1;
        held.supportLost = true;
        held.lossReported = true;
        const i = c.badgeIndex.get(fact.badgeId);
        if (i !== undefined) setBadgeField(t, F_FLAGS, i, 3);
      }
      return state;
    }
    case 'award-support-restored': {
      const held = state.badges[fact.badgeId];
      if (held) {
        delete held.supportLost;
        delete held.lossReported;
        // What holds it up now: voiding one of those is checked again, as for a new award.
        if (fact.basis) held.basis = fact.basis;
        const i = c.badgeIndex.get(fact.badgeId);
        if (i !== undefined) setBadgeField(t, F_FLAGS, i, 0);
      }
      return state;
    }
    default: {
      const never: never = fact;
      throw new RuleFactError(`unknown fact ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Marks a held award as resting on nothing any more, in the state and its
 * tally, so the next `evaluate` reports it. (Change a state only through
 * `fold` and this: the tally beside it must stay in step.)
 *
 * @example
 * flagSupportLost(ruleSet, state, 'meta-leadership');
 * evaluate(ruleSet, state, now).supportLost; // [{ badgeId: 'meta-leadership', policy: 'flag', ... }]
 */
export function flagSupportLost(ruleSet: RuleSet, state: StudentState, badgeId: string): void {
  const held = state.badges[badgeId];
  if (held === undefined) return;
  const c = compile(ruleSet);
  markSupportLost(c, tallyOf(state, c), held, badgeId);
}

/**
 * An award that kept its support after `voided` went: it now rests on the
 * participations that hold it up as of its award date (and on whatever else
 * it rested on, an approval say), so voiding one of those later is checked too.
 */
function restOnWhatSupports(c: CompiledRuleSet, state: StudentState, held: HeldBadge, id: string, voided: string): void {
  const i = c.badgeIndex.get(id);
  if (i === undefined) return;
  const basis = new Set(held.basis.filter((e) => e !== voided));
  for (const e of basisOf(c.badges[i]!.criteria, makeContext(c, state, held.at, true))) basis.add(e);
  held.basis = [...basis];
}

function markSupportLost(c: CompiledRuleSet, t: Tally, held: HeldBadge, id: string): void {
  held.supportLost = true;
  const i = c.badgeIndex.get(id);
  if (i !== undefined) setBadgeField(t, F_FLAGS, i, badgeField(t, F_FLAGS, i) | 1);
}

/**
 * Marks a held award whose loss of support was reported as supported again
 * (a rule change gave it back), in the state and its tally, so the next
 * `evaluate` reports it restored. (See {@link flagSupportLost}.)
 *
 * @example
 * restoreSupport(ruleSet, state, 'meta-leadership');
 * evaluate(ruleSet, state, now).supportRestored; // [{ badgeId: 'meta-leadership', ... }]
 */
export function restoreSupport(ruleSet: RuleSet, state: StudentState, badgeId: string): void {
  const held = state.badges[badgeId];
  if (held === undefined || !held.lossReported) return;
  const c = compile(ruleSet);
  const t = tallyOf(state, c);
  delete held.supportLost;
  const i = c.badgeIndex.get(badgeId);
  if (i !== undefined) setBadgeField(t, F_FLAGS, i, badgeField(t, F_FLAGS, i) & ~1);
}

export type { ApplicationState, Fact, HeldBadge, ParticipationEntry, StudentState } from './model';
