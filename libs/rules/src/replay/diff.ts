import type { RuleSet } from '../language/types';
import { eligibilityStands, recheckSupport } from '../evaluate/recheck';
import { fold, initialState, type StudentState } from '../evaluate/state';
import { heldBadges, recordedBy, replay, settle, type ReplayResult, type TimedFact } from './replay';

export type StudentHistory = {
  studentId: string;
  facts: TimedFact[];
  /**
   * The student as they stand at `at`, folded from their stored events
   * (awards, flags and revocations included) under `before`. `onPublish`
   * starts from it: after earlier rule changes, what a student holds is not
   * what a replay under `before` alone would give them. Without it, from
   * that replay. Changed by {@link diffRuleSets}.
   */
  current?: StudentState;
};

/** Who gains and who loses one badge or level under the new rules. */
export type DiffEntry = { id: string; gained: string[]; lost: string[] };

export type StudentDiff = {
  studentId: string;
  gainedBadges: string[];
  lostBadges: string[];
  gainedLevels: string[];
  lostLevels: string[];
};

export type RuleSetDiff = {
  at: string;
  /** The rules compared with; null for a program never published (everyone holds nothing). */
  before: { programId: string; sha256: string; fileName: string } | null;
  after: { programId: string; sha256: string; fileName: string };
  /** Students with at least one fact recorded by `at`. */
  students: number;
  /** Facts recorded by `at`: the ones replayed. */
  facts: number;
  /** Only badges and levels with a change, in rule-file order. */
  badges: DiffEntry[];
  levels: DiffEntry[];
  /** Only students with a change. */
  changed: StudentDiff[];
  /**
   * What publishing the new rules at `at` would do to students as they stand
   * under the old ones, as the engine does on a rule change: badges and
   * levels it would award, and awards already made whose criteria no longer
   * hold, by each badge's `on-rule-change` policy (kept, flagged for a
   * coordinator's review, revoked), and awards whose support was lost
   * that it gives back (`restored`: a flag is cleared). Levels reached are
   * never taken away. `applicationsRefused`: applications waiting for a
   * coordinator that an approval would take now and would refuse once the
   * draft is published (the student no longer meets the badge's criteria
   * under it, or its `valid-until` has come): the coordinator is left to
   * reject them.
   * `badges` / `levels` above answer another question: what each student
   * would hold had the new rules applied all along.
   */
  onPublish: PublishEffects;
};

/** Per badge or level, the students concerned (sorted); only ids with someone. */
export type PublishEffects = {
  awarded: { id: string; students: string[] }[];
  levelsReached: { id: string; students: string[] }[];
  kept: { id: string; students: string[] }[];
  flagged: { id: string; students: string[] }[];
  revoked: { id: string; students: string[] }[];
  restored: { id: string; students: string[] }[];
  applicationsRefused: { id: string; students: string[] }[];
};

type PublishEffect = keyof PublishEffects;

/**
 * Replays the same history under two rule sets and lists who would gain or
 * lose which badge or level (held and valid at `at`), with counts: the
 * what-if preview before publishing a rule change. The history is cut at
 * `at`: facts recorded after it are not replayed (as in `replay`).
 * `before` undefined: a program never published, where everyone holds
 * nothing; `onPublish` then says what its first publication would award.
 *
 * @example
 * const diff = diffRuleSets(published, draft, histories, new Date());
 * for (const b of diff.badges) console.log(b.id, `+${b.gained.length}`, `-${b.lost.length}`);
 */
export function diffRuleSets(before: RuleSet | undefined, after: RuleSet, histories: Iterable<StudentHistory>, at: Date): RuleSetDiff {
  const differ = ruleSetDiffer(before, after, at);
  for (const h of histories) differ.add(h);
  return differ.result();
}

/**
 * {@link diffRuleSets} one student at a time: for a caller that must let
 * other work run between students (a server, where replaying a whole
 * program's history twice takes seconds).
 *
 * @example
 * const differ = ruleSetDiffer(published, draft, new Date());
 * for (const h of histories) { differ.add(h); if (sliceIsOver()) await nextTurn(); }
 * const diff = differ.result();
 */
export function ruleSetDiffer(before: RuleSet | undefined, after: RuleSet, at: Date): { add(history: StudentHistory): void; result(): RuleSetDiff } {
  const badges = new Map<string, DiffEntry>();
  const levels = new Map<string, DiffEntry>();
  const entry = (map: Map<string, DiffEntry>, id: string): DiffEntry => {
    let e = map.get(id);
    if (!e) map.set(id, (e = { id, gained: [], lost: [] }));
    return e;
  };
  const changed: StudentDiff[] = [];
  const effects: Record<PublishEffect, Map<string, string[]>> = {
    awarded: new Map(),
    levelsReached: new Map(),
    kept: new Map(),
    flagged: new Map(),
    revoked: new Map(),
    restored: new Map(),
    applicationsRefused: new Map(),
  };
  let students = 0;
  let facts = 0;
  const add = (h: StudentHistory): void => {
    const known = h.facts.filter((f) => recordedBy(f, at));
    if (known.length === 0) return;
    students += 1;
    facts += known.length;
    // Never published: the engine's first publication folds everyone's history, then evaluates once, at publication.
    const a = before ? replay(before, h.studentId, known, at).state : folded(after, h.studentId, known);
    const b = replay(after, h.studentId, known, at).state;
    const [oldBadges, newBadges] = [new Set(heldBadges(a, at)), new Set(heldBadges(b, at))];
    const [oldLevels, newLevels] = [new Set(Object.keys(a.levels)), new Set(Object.keys(b.levels))];
    const d: StudentDiff = {
      studentId: h.studentId,
      gainedBadges: [...newBadges].filter((x) => !oldBadges.has(x)),
      lostBadges: [...oldBadges].filter((x) => !newBadges.has(x)),
      gainedLevels: [...newLevels].filter((x) => !oldLevels.has(x)),
      lostLevels: [...oldLevels].filter((x) => !newLevels.has(x)),
    };
    d.gainedBadges.forEach((x) => entry(badges, x).gained.push(h.studentId));
    d.lostBadges.forEach((x) => entry(badges, x).lost.push(h.studentId));
    d.gainedLevels.forEach((x) => entry(levels, x).gained.push(h.studentId));
    d.lostLevels.forEach((x) => entry(levels, x).lost.push(h.studentId));
    if (d.gainedBadges.length + d.lostBadges.length + d.gainedLevels.length + d.lostLevels.length > 0) changed.push(d);
    // Last: it changes the student as they stand under the old rules.
    const standing = h.current ?? a;
    const approvable = before ? waitingApprovable(before, standing, at) : [];
    const refused = (): [PublishEffect, string][] =>
      approvable.filter((id) => !eligibilityStands(after, standing, id, at)).map((id) => ['applicationsRefused', id]);
    for (const [effect, id] of [...publishEffects(after, standing, at), ...refused()]) {
      const list = effects[effect].get(id);
      if (list) list.push(h.studentId);
      else effects[effect].set(id, [h.studentId]);
    }
  };
  const order = (ids: string[]) => (x: DiffEntry, y: DiffEntry) => rank(ids, x.id) - rank(ids, y.id) || x.id.localeCompare(y.id);
  const badgeIds = [...(before?.badges ?? []), ...after.badges].map((x) => x.id);
  const levelIds = [...(before?.levels ?? []), ...after.levels].map((x) => x.id);
  const result = (): RuleSetDiff => ({
    at: at.toISOString(),
    before: before ? { programId: before.programId, sha256: before.sha256, fileName: before.fileName } : null,
    after: { programId: after.programId, sha256: after.sha256, fileName: after.fileName },
    students,
    facts,
    badges: [...badges.values()].sort(order(badgeIds)).map(sortIds),
    levels: [...levels.values()].sort(order(levelIds)).map(sortIds),
    changed: changed.sort((a, b) => a.studentId.localeCompare(b.studentId)),
    onPublish: {
      awarded: listed(effects.awarded, badgeIds),
      levelsReached: listed(effects.levelsReached, levelIds),
      kept: listed(effects.kept, badgeIds),
      flagged: listed(effects.flagged, badgeIds),
      revoked: listed(effects.revoked, badgeIds),
      restored: listed(effects.restored, badgeIds),
      applicationsRefused: listed(effects.applicationsRefused, badgeIds),
    },
  });
  return { add, result };
}

/** The badges of the applications a student has waiting that an approval would take under `ruleSet` at `at`. */
function waitingApprovable(ruleSet: RuleSet, state: StudentState, at: Date): string[] {
  return Object.entries(state.applications)
    .filter(([badgeId, application]) => application.status === 'submitted' && eligibilityStands(ruleSet, state, badgeId, at))
    .map(([badgeId]) => badgeId);
}

/** A student's facts folded under `ruleSet` without evaluating: what the engine holds of a student when a program is first published. */
function folded(ruleSet: RuleSet, studentId: string, facts: TimedFact[]): StudentState {
  const state = initialState(studentId);
  for (const { fact } of facts) fold(ruleSet, state, fact);
  return state;
}

/**
 * What the engine does to one student's state (built under the old rules)
 * when `after` is published at `at`: re-checks the support of every award,
 * then evaluates until nothing changes. Changes `state`.
 */
function publishEffects(after: RuleSet, state: ReplayResult['state'], at: Date): [PublishEffect, string][] {
  recheckSupport(after, state, at);
  const log: ReplayResult['outcomes'] = [];
  let n = 0;
  settle(after, state, at, log, () => `publish-${state.studentId}-${(n += 1)}`);
  return log.flatMap(({ outcome: o }): [PublishEffect, string][] => {
    switch (o.type) {
      case 'badge-earned':
        return [['awarded', o.badgeId]];
      case 'level-reached':
        return [['levelsReached', o.levelId]];
      case 'support-lost':
        return [[o.policy === 'keep' ? 'kept' : o.policy === 'flag' ? 'flagged' : 'revoked', o.badgeId]];
      case 'support-restored':
        return [['restored', o.badgeId]];
      case 'badge-eligible':
        return [];
      default: {
        const never: never = o;
        return never;
      }
    }
  });
}

const listed = (byId: Map<string, string[]>, order: string[]) =>
  [...byId]
    .sort(([x], [y]) => rank(order, x) - rank(order, y) || x.localeCompare(y))
    .map(([id, students]) => ({ id, students: [...new Set(students)].sort() }));

const sortIds = (e: DiffEntry): DiffEntry => ({ id: e.id, gained: [...e.gained].sort(), lost: [...e.lost].sort() });

function rank(ids: string[], id: string): number {
  const i = ids.indexOf(id);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}
