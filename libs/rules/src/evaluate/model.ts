/**
 * The evaluator's data types in one place (they refer to each other; the
 * functions that use them live beside this file).
 */
import type { Activity, Badge, BadgeMeasure, Condition, Level, ParticipationMeasure, Role, RuleSet, TimeWindow } from '../language/types';

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
  | { type: 'award-support-lost'; badgeId: string }
  /** A held award whose support was lost rests on something again (`basis`: what, as recorded). */
  | { type: 'award-support-restored'; badgeId: string; basis?: string[] };

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
   * hold as of the award date (checked by `fold` when that happens), or a
   * rule change took its support. Cleared when support returns.
   */
  supportLost?: boolean;
  /** The loss of support was acted on (`award-support-lost` folded) and no `award-support-restored` since. */
  lossReported?: boolean;
  /** How many times its loss of support was acted on: the engine numbers the events recording losses and restorations by it. */
  losses?: number;
};

/** An application's latest step; `at` (epoch ms) is when it was submitted or decided, when the fact says. */
export type ApplicationState = { status: 'submitted' | 'approved' | 'rejected'; eventId?: string; at?: number };

/**
 * A student's progression as the evaluator needs it: JSON data, independent
 * of the rule set. `initialState` makes it; `fold` keeps, beside it, a
 * compact tally (typed arrays) of what the evaluator reads, and the
 * participations live there: `participations` reads them back as a list
 * (an accessor, built on each read), and JSON, spread and `structuredClone`
 * see that list. A state read back from JSON is adopted at its next `fold`
 * or `evaluate` (its tally is rebuilt from the list once).
 */
export type StudentState = {
  studentId: string;
  /** Facts folded so far. */
  facts: number;
  /** The student's live participations (voided ones removed), in no particular order. */
  readonly participations: readonly ParticipationEntry[];
  badges: Record<string, HeldBadge>;
  /** Application-gated badges whose eligibility was recorded (epoch ms). */
  eligible: Record<string, number>;
  applications: Record<string, ApplicationState>;
  /** Levels reached (epoch ms). */
  levels: Record<string, number>;
};

/**
 * A condition with its filters resolved once, at compile time, to catalogue
 * indexes: activity `i` of the catalogue is index `i`; index A (the
 * catalogue size) collects activities the catalogue does not know.
 */
export type Compiled =
  | {
      kind: 'participations';
      measure: ParticipationMeasure;
      atLeast: number;
      /** Activity indexes matched, or null for any activity (even one no longer in the catalogue). */
      activities: Int16Array | null;
      /** Per activity index (A + 1 entries): 1 when matched. */
      activityMask: Uint8Array;
      /** Bit r set when role index r counts. */
      roleMask: number;
      /** For `competencies`: the competency bits that count. */
      competencyMask: number;
      /** For `competencies` beyond 31 competencies: the ids that count (null: all). */
      competencies: string[] | null;
      window?: TimeWindow;
      source: Condition;
    }
  | { kind: 'badges'; measure: BadgeMeasure; atLeast: number; badges: number[]; window?: TimeWindow; source: Condition }
  | { kind: 'holds-badge'; badge: number; source: Condition }
  | { kind: 'all' | 'any'; children: Compiled[]; /** The children cheapest first, for `holds`. */ fast: Compiled[]; source: Condition }
  | { kind: 'not'; child: Compiled; source: Condition };

export type CompiledBadge = {
  index: number;
  badge: Badge;
  level: number;
  criteria: Compiled;
  /** When its `valid-until` date begins (epoch ms; +Infinity without one): from then on it is not awarded. */
  until: number;
};
export type CompiledLevel = { index: number; level: Level; condition: Compiled };
export type Step = { type: 'badge'; node: CompiledBadge } | { type: 'level'; node: CompiledLevel };

export type CompiledRuleSet = {
  ruleSet: RuleSet;
  badges: CompiledBadge[];
  levels: CompiledLevel[];
  /** Dependency order: one pass in this order reaches the fixpoint. */
  order: Step[];
  badgeIndex: Map<string, number>;
  levelIndex: Map<string, number>;
  activityIndex: Map<string, number>;
  activities: Map<string, Activity>;
  /** Badge id -> ids of badges whose criteria look at it (to re-check their support on revocation). */
  dependents: Map<string, string[]>;
  /**
   * Per activity index: its category as one bit and its competencies as a
   * mask, so distinct counts are ORs and a popcount; null when the catalogue
   * has more than 31 categories or competencies.
   */
  bits: { category: Int32Array; competencies: Int32Array } | null;
  /** 31-bit words in a bit set of the steps of `order`. */
  stepWords: number;
  /**
   * Per activity index a (the catalogue, then A for unknown activities),
   * words `a * stepWords ...`: the steps whose conditions count
   * participations of that activity. A participation of it recorded or
   * voided makes `evaluate` check them again; the others keep their memo.
   */
  touches: Int32Array;
  /** Per badge index, the same for the steps that look at the badge (its own, those counting it): a change to its award, revocation, eligibility, application or support forgets them. */
  badgeTouches: Int32Array;
  /** Per level index, the same for its own step, the next level's and those of its badges. */
  levelTouches: Int32Array;
  /** Per step of `order`: 1 when a condition has a time window (checked at every `evaluate`: the clock moves it). */
  timed: Uint8Array;
  /** Reused by the top-level `evaluate` (never nested): saves allocating per call. */
  scratch: { valid: Uint8Array; reached: Uint8Array; evidence: Map<number, string[]>; ctx?: Context };
};

/**
 * Everything the evaluator reads about one student under one compiled rule
 * set, in a few typed arrays indexed by catalogue position, so that an event
 * touches few cache lines (a student's data is rarely still in cache when
 * their next event comes) and the GC has a handful of objects per student
 * to keep, not one per participation. Kept in a non-enumerable slot of the
 * state, updated by `fold`, rebuilt when missing or out of step (a state
 * read back from JSON, folded under another rule set, or changed by hand).
 *
 * `d`, one buffer:
 * - [0, c.stepWords): the evaluation memo, bit s of word s / 31 for step s
 *   of `c.order`;
 * - at `lastValidBase`: which badges counted as held at the last
 *   `evaluate`, bits in words of 31 (the memo is forgotten when they change);
 * - at `validRange`: the clocks over which those bits hold, `[from, before)`;
 * - at `levelBase`: per level, reached at;
 * - at `badgeBase`: per badge field f (F_VALID_UNTIL ... F_APPLICATION) a
 *   section of `nb`;
 * - at `countBase`: per activity index a, CELLS counters from a * CELLS:
 *   participations and hours over all roles, participations per role,
 *   hours per role (the catalogue, then A for unknown activities, then the
 *   total over all at A + 1);
 * - from `rowBase`, `cap` rows of ROW doubles, the first `n` live: epoch
 *   ms, hours, activity and role, id hash, offset of the ids in `chars`;
 * - at `slotBase`, the id table.
 *
 * `d` and `chars` are views on one buffer, replaced together when
 * the tally grows (and the old one detached: see `release` in tally.ts).
 */
export type Tally = {
  c: CompiledRuleSet;
  /** The state it belongs to (a copy made by spreading is not it). */
  owner: StudentState;
  /** `state.facts` this tally reflects. */
  facts: number;
  /** Live participations. */
  n: number;
  /** Rows `d` has room for. */
  cap: number;
  d: Float64Array;
  stride: number;
  nb: number;
  lastValidBase: number;
  /** Two doubles: the clocks over which the bits at `lastValidBase` hold (`validFrom`, `validBefore` in tally.ts). */
  validRange: number;
  levelBase: number;
  badgeBase: number;
  countBase: number;
  rowBase: number;
  /**
   * Participation id -> row, an open-addressing hash table in `d` from
   * here, `slotCapacity(cap)` doubles: a slot holds the id's hash (unsigned)
   * + (row + 1) * 2^32, 0 when empty; the id itself is compared only on a
   * hash match.
   */
  slotBase: number;
  /** Slots in the id table, minus one (a power of two, at least twice `cap`). */
  slotMask: number;
  /** The rows' participation and event ids as UTF-16 code units (no string kept per participation). */
  chars: Uint16Array;
  /** Cells of `chars` written; `dead` of them belong to voided rows (packed away when it grows). */
  used: number;
  dead: number;
};

/**
 * What a condition is evaluated against: the state and its tally, the
 * clock, and which badges and levels count as held and reached (including
 * those earned earlier in the same evaluation).
 */
export type Context = {
  c: CompiledRuleSet;
  state: StudentState;
  t: Tally;
  now: number;
  /** Only facts strictly after this instant count (renewing an expired badge needs new evidence). */
  after: number;
  /** Only facts at or before this instant count (re-checking an award as of the day it was made). */
  until: number;
  /** Per badge index: 1 when held and valid, 2 when earned in this evaluation, 0 otherwise. */
  valid: Uint8Array;
  /** Per level index: 1 when reached. */
  reached: Uint8Array;
  /** Basis of the badges earned in this evaluation (they have no award event yet). */
  evidence: Map<number, string[]> | undefined;
};
