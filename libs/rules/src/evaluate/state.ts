import type { Role, RuleSet } from '../language/types';
import { compile } from './compile';
import { supportedAsOf } from './conditions';

/**
 * What the evaluator is told about a student. The engine maps its stored
 * events to these (see the CLI's event log reader for the mapping) and
 * feeds back the outcomes it acted on (`badge-awarded`, `level-reached`,
 * `eligibility-reached`, `award-support-lost`, `badge-revoked`), so the next
 * evaluation reports only what changed.
 */
export type Fact =
  | {
      type: 'participation-recorded';
      eventId: string;
      participationId: string;
      activityId: string;
      /** ISO-8601. */
      occurredAt: string;
      role: Role;
      hours?: number;
    }
  | { type: 'participation-voided'; participationId: string; eventId?: string }
  | { type: 'application-submitted'; badgeId: string; eventId?: string; at?: string }
  | { type: 'application-approved'; badgeId: string; eventId?: string; at?: string }
  | { type: 'application-rejected'; badgeId: string; eventId?: string; at?: string }
  | {
      type: 'badge-awarded';
      badgeId: string;
      /** ISO-8601. */
      at: string;
      expiresAt?: string;
      eventId?: string;
      /** Event ids the award rested on (from the evaluation that earned it). */
      basis?: string[];
    }
  /** `cause: 'support-lost'` when the rule file's `revoke` policy did it; such a badge can be earned again. */
  | { type: 'badge-revoked'; badgeId: string; cause?: 'coordinator' | 'support-lost'; eventId?: string }
  | { type: 'eligibility-reached'; badgeId: string; at: string }
  | { type: 'level-reached'; levelId: string; at: string }
  | { type: 'award-support-lost'; badgeId: string };

export type Tally = { count: number; hours: number };
export type ActivityTally = Tally & { byRole: Partial<Record<Role, Tally>> };

export type ParticipationEntry = {
  participationId: string;
  eventId: string;
  activityId: string;
  role: Role;
  /** Epoch ms the student took part. */
  at: number;
  hours: number;
};

export type HeldBadge = {
  /** Epoch ms of the award. */
  at: number;
  expiresAt?: number;
  /** The award's own event id (or a stand-in when the engine gave none). */
  eventId: string;
  basis: string[];
  revoked?: 'coordinator' | 'support-lost';
  /**
   * A fact it rested on was voided or revoked and its criteria no longer
   * hold as of the award date (checked by `fold` when that happens).
   */
  supportLost?: boolean;
  /** The loss of support was acted on (`award-support-lost` folded); not reported again. */
  lossReported?: boolean;
};

export type ApplicationState = { status: 'submitted' | 'approved' | 'rejected'; eventId?: string };

/**
 * A student's progression as the evaluator needs it. Plain JSON data, and
 * independent of the rule set: counters are kept per activity and role, so
 * category, competency and role totals under any rule file are sums over
 * the catalogue. The participation index lets a void subtract exactly what
 * was added and lets time-windowed conditions look at dates.
 */
export type StudentState = {
  studentId: string;
  facts: number;
  /** The student's live participations (voided ones removed), in no particular order. */
  participations: ParticipationEntry[];
  /** Participation id -> position in `participations`. */
  participationIndex: Record<string, number>;
  activities: Record<string, ActivityTally>;
  totals: ActivityTally;
  badges: Record<string, HeldBadge>;
  /** Application-gated badges whose eligibility was recorded (epoch ms). */
  eligible: Record<string, number>;
  applications: Record<string, ApplicationState>;
  /** Levels reached (epoch ms). */
  levels: Record<string, number>;
};

/**
 * An empty progression for a student.
 *
 * @example
 * let state = initialState('20231234');
 */
export function initialState(studentId: string): StudentState {
  return {
    studentId,
    facts: 0,
    participations: [],
    participationIndex: dictionary(),
    activities: dictionary(),
    totals: { count: 0, hours: 0, byRole: {} },
    badges: dictionary(),
    eligible: dictionary(),
    applications: dictionary(),
    levels: dictionary(),
  };
}

/**
 * An empty record V8 keeps as a hash table from the start: records keyed by
 * ids (participations, activities) get a new key per fact, and growing them
 * as regular objects would create a hidden class per key.
 */
function dictionary<T>(): Record<string, T> {
  const o: Record<string, unknown> = { _: 0 };
  delete o._;
  return o as Record<string, T>;
}

function add(t: ActivityTally, role: Role, hours: number, sign: 1 | -1): void {
  t.count += sign;
  t.hours += sign * hours;
  const r = (t.byRole[role] ??= { count: 0, hours: 0 });
  r.count += sign;
  r.hours += sign * hours;
}

const time = (iso: string): number => {
  const t = Date.parse(iso);
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
  state.facts += 1;
  switch (fact.type) {
    case 'participation-recorded': {
      if (state.participationIndex[fact.participationId] !== undefined) return state;
      const hours = fact.hours ?? 0;
      state.participationIndex[fact.participationId] = state.participations.length;
      state.participations.push({
        participationId: fact.participationId,
        eventId: fact.eventId,
        activityId: fact.activityId,
        role: fact.role,
        at: time(fact.occurredAt),
        hours,
      });
      add((state.activities[fact.activityId] ??= { count: 0, hours: 0, byRole: {} }), fact.role, hours, 1);
      add(state.totals, fact.role, hours, 1);
      return state;
    }
    case 'participation-voided': {
      const i = state.participationIndex[fact.participationId];
      if (i === undefined) return state;
      const p = state.participations[i]!;
      // Swap-remove: O(1), order does not matter.
      const last = state.participations.pop()!;
      if (last !== p) {
        state.participations[i] = last;
        state.participationIndex[last.participationId] = i;
      }
      delete state.participationIndex[fact.participationId];
      const t = state.activities[p.activityId];
      if (t) add(t, p.role, p.hours, -1);
      add(state.totals, p.role, p.hours, -1);
      // Only awards that rested on this participation can lose their support.
      const c = compile(ruleSet);
      for (const id in state.badges) {
        const held = state.badges[id]!;
        if (held.revoked === undefined && !held.supportLost && held.basis.includes(p.eventId)) held.supportLost = !supportedAsOf(c, state, id);
      }
      return state;
    }
    case 'application-submitted':
    case 'application-approved':
    case 'application-rejected': {
      const status = fact.type === 'application-submitted' ? 'submitted' : fact.type === 'application-approved' ? 'approved' : 'rejected';
      state.applications[fact.badgeId] = fact.eventId === undefined ? { status } : { status, eventId: fact.eventId };
      return state;
    }
    case 'badge-awarded': {
      const at = time(fact.at);
      const held: HeldBadge = { at, eventId: fact.eventId ?? `award:${fact.badgeId}:${fact.at}`, basis: fact.basis ?? [] };
      if (fact.expiresAt !== undefined) held.expiresAt = time(fact.expiresAt);
      state.badges[fact.badgeId] = held;
      delete state.eligible[fact.badgeId];
      if (state.applications[fact.badgeId]?.status === 'approved') delete state.applications[fact.badgeId];
      return state;
    }
    case 'badge-revoked': {
      const held = state.badges[fact.badgeId];
      if (held === undefined) return state;
      held.revoked = fact.cause ?? 'coordinator';
      const c = compile(ruleSet);
      for (const id of c.dependents.get(fact.badgeId) ?? []) {
        const d = state.badges[id];
        if (d && d.revoked === undefined && !d.supportLost) d.supportLost = !supportedAsOf(c, state, id);
      }
      return state;
    }
    case 'eligibility-reached':
      state.eligible[fact.badgeId] = time(fact.at);
      return state;
    case 'level-reached':
      state.levels[fact.levelId] ??= time(fact.at);
      return state;
    case 'award-support-lost': {
      const held = state.badges[fact.badgeId];
      if (held) {
        held.supportLost = true;
        held.lossReported = true;
      }
      return state;
    }
    default: {
      const never: never = fact;
      throw new RuleFactError(`unknown fact ${JSON.stringify(never)}`);
    }
  }
}
