import { explain } from '../explain/explain';
import { replay } from '../replay/replay';
import { badge, day, ONE_LEVEL, program, ruleSetFrom, took } from '../test-support/rule-set';
import { evaluate, type Evaluation } from './evaluate';
import { recheckSupport } from './recheck';
import { fold, initialState, type Fact, type StudentState } from './state';

const ruleSet = ruleSetFrom(
  program(
    badge('sporty', 'participations: { at-least: 2, category: sports }', '    category: sports\n') +
      badge('science-fan', 'participations: { at-least: 2, category: science }', '    category: science\n    on-rule-change: revoke\n') +
      badge('all-rounder', 'holds-badge: sporty\ndistinct-categories: { at-least: 2 }') +
      badge('captain', 'participations: { at-least: 2, category: sports, roles: [organiser, leader] }', '    category: sports\n', 'activity') +
      badge('this-year', 'participations: { at-least: 3, within: { academic-year: current } }', '', 'activity') +
      badge('recent', 'participations: { at-least: 2, within: { last-months: 6 } }', '', 'activity') +
      badge('early-bird', 'participations: { at-least: 1, within: { before: 2025-10-01 } }', '', 'activity') +
      badge('helper', 'hours: { at-least: 10, roles: [volunteer] }', '    valid-for: 2 years\n', 'activity') +
      badge('team-builder', 'distinct-competencies: { at-least: 2 }', '', 'activity') +
      badge('not-only-sports', 'participations: { at-least: 1 }\nnot:\n  distinct-categories: { at-least: 3 }', '', 'activity') +
      badge('leader', 'badges: { at-least: 1, level: activity, category: sports }', '    award: on-application\n    on-rule-change: flag\n', 'meta'),
  ),
);

/** Folds facts and evaluates after each one, feeding back what the engine would record; returns every evaluation. */
function run(state: StudentState, steps: Array<[Fact, string]>): Evaluation[] {
  const out: Evaluation[] = [];
  for (const [fact, at] of steps) {
    fold(ruleSet, state, fact);
    const result = evaluate(ruleSet, state, day(at));
    out.push(result);
    for (const o of result.outcomes) {
      const iso = result.at;
      if (o.type === 'badge-earned')
        fold(ruleSet, state, {
          type: 'badge-awarded',
          badgeId: o.badgeId,
          at: iso,
          basis: o.basis,
          eventId: `award-${o.badgeId}`,
          ...(o.expiresAt ? { expiresAt: o.expiresAt } : {}),
        });
      if (o.type === 'level-reached') fold(ruleSet, state, { type: 'level-reached', levelId: o.levelId, at: iso });
      if (o.type === 'badge-eligible') fold(ruleSet, state, { type: 'eligibility-reached', badgeId: o.badgeId, at: iso });
      if (o.type === 'support-lost') fold(ruleSet, state, { type: 'award-support-lost', badgeId: o.badgeId });
      if (o.type === 'support-restored') fold(ruleSet, state, { type: 'award-support-restored', badgeId: o.badgeId, basis: o.basis });
    }
  }
  return out;
}

const ids = (e: Evaluation): string[] => e.outcomes.map((o) => `${o.type}:${'badgeId' in o ? o.badgeId : o.levelId}`);

describe('evaluate', () => {
  describe('when the first participations satisfy a badge', () => {
    it('reaches the level, then earns the badge, in dependency order, with the events as basis', () => {
      const state = initialState('s1');
      const [first, second] = run(state, [
        [took('basketball', '2025-10-01', { id: 'a' }), '2025-10-01'],
        [took('running', '2025-10-02', { id: 'b' }), '2025-10-02'],
      ]);
      expect(ids(first!)).toEqual(['level-reached:participation']);
      expect(ids(second!)).toEqual(['badge-earned:sporty']);
      expect(second!.earned[0]).toMatchObject({ badgeId: 'sporty', basis: ['e-a', 'e-b'], via: 'criteria', renewal: false });
      expect(second!.earned[0]!.explanation).toMatchObject({ status: 'held', met: true, missing: [] });
    });
  });

  describe('when an earned badge completes another badge and a level', () => {
    it('cascades to the fixpoint in one evaluation', () => {
      const state = initialState('s2');
      const results = run(state, [
        [took('robotics', '2025-10-01', { id: 'r' }), '2025-10-01'],
        [took('basketball', '2025-10-02', { id: 'b' }), '2025-10-02'],
        [took('running', '2025-10-03', { id: 'u' }), '2025-10-03'],
      ]);
      expect(ids(results[2]!).slice(0, 3)).toEqual(['badge-earned:sporty', 'badge-earned:all-rounder', 'level-reached:activity']);
      const allRounder = results[2]!.earned[1]!;
      // Sporty had no award event yet: its own basis stands in.
      expect(allRounder.basis.sort()).toEqual(['e-b', 'e-r', 'e-u']);
    });

    it('returns a level before the badges it unlocks', () => {
      const state = initialState('s3');
      const results = run(state, [
        [took('basketball', '2025-10-01', { role: 'organiser' }), '2025-10-01'],
        [took('robotics', '2025-10-02'), '2025-10-02'],
        [took('hackathon', '2025-10-03'), '2025-10-03'],
        [took('running', '2025-10-04', { role: 'leader' }), '2025-10-04'],
      ]);
      const last = ids(results[3]!);
      expect(last.indexOf('level-reached:activity')).toBeLessThan(last.indexOf('badge-earned:captain'));
      expect(last).toEqual(expect.arrayContaining(['badge-earned:sporty', 'level-reached:activity', 'badge-earned:captain']));
    });
  });

  describe('when the state already holds every outcome', () => {
    it('reports nothing and leaves the state untouched', () => {
      const state = initialState('s4');
      run(state, [
        [took('basketball', '2025-10-01'), '2025-10-01'],
        [took('running', '2025-10-02'), '2025-10-02'],
      ]);
      const before = JSON.stringify(state);
      const again = evaluate(ruleSet, state, day('2025-10-03'));
      expect(again.outcomes).toEqual([]);
      expect(JSON.stringify(state)).toBe(before);
    });
  });

  describe('when a badge belongs to a level not reached yet', () => {
    it('is not earned even though its criteria hold', () => {
      const state = initialState('s5');
      const results = run(state, [
        [took('basketball', '2025-10-01', { role: 'organiser' }), '2025-10-01'],
        [took('running', '2025-10-02', { role: 'leader' }), '2025-10-02'],
      ]);
      expect(results.flatMap(ids)).not.toContain('badge-earned:captain');
    });
  });

  describe('when a badge is awarded on application', () => {
    const climb: Array<[Fact, string]> = [
      [took('basketball', '2025-10-01', { role: 'organiser' }), '2025-10-01'],
      [took('running', '2025-10-02', { role: 'organiser' }), '2025-10-02'],
      [took('robotics', '2025-10-03'), '2025-10-03'],
      [took('hackathon', '2025-10-04'), '2025-10-04'],
    ];

    it('makes the student eligible once, not earned', () => {
      const state = initialState('s6');
      const results = run(state, climb);
      expect(results.flatMap(ids)).toContain('badge-eligible:leader');
      expect(results.flatMap(ids)).not.toContain('badge-earned:leader');
      expect(evaluate(ruleSet, state, day('2025-10-05')).outcomes).toEqual([]);
      expect(state.eligible.leader).toBeDefined();
    });

    it('earns it when the application is approved, with the approval in the basis', () => {
      const state = initialState('s7');
      run(state, climb);
      const [approved] = run(state, [[{ type: 'application-approved', badgeId: 'leader', eventId: 'approval-1' }, '2025-10-10']]);
      expect(approved!.earned).toHaveLength(1);
      expect(approved!.earned[0]).toMatchObject({ badgeId: 'leader', via: 'application' });
      expect(approved!.earned[0]!.basis).toContain('approval-1');
    });

    it('does not earn it on an approval before the criteria hold', () => {
      const state = initialState('s8');
      const [early] = run(state, [[{ type: 'application-approved', badgeId: 'leader', eventId: 'x' }, '2025-09-20']]);
      expect(early!.earned).toEqual([]);
    });
  });

  describe('when a participation an award rests on is voided', () => {
    it('reports the lost support once, with the policy, and only for awards that rested on it', () => {
      const state = initialState('s9');
      run(state, [
        [took('robotics', '2025-10-01', { id: 'r1' }), '2025-10-01'],
        [took('hackathon', '2025-10-02', { id: 'r2' }), '2025-10-02'],
        [took('choir', '2025-10-03', { id: 'c1' }), '2025-10-03'],
      ]);
      const [unrelated] = run(state, [[{ type: 'participation-voided', participationId: 'c1' }, '2025-10-04']]);
      expect(unrelated!.supportLost).toEqual([]);
      const [voided, later] = run(state, [
        [{ type: 'participation-voided', participationId: 'r2' }, '2025-10-05'],
        [took('choir', '2025-10-06'), '2025-10-06'],
      ]);
      expect(voided!.supportLost).toEqual([expect.objectContaining({ badgeId: 'science-fan', policy: 'revoke' })]);
      // Which award, and that the count is as of its date (not now: a participation recorded since does not count).
      expect(voided!.supportLost[0]!.cause).toBe(
        '«science-fan» (awarded 2025-10-02) no longer meets its criteria as of its award date: at least 2 participations in Science (1 of 2 by then).',
      );
      expect(later!.supportLost).toEqual([]);
    });

    it('reports the support back when the participation is recorded again, and lost again when that is voided: each time', () => {
      const state = initialState('s12');
      run(state, [
        [took('basketball', '2025-10-01', { id: 'k1' }), '2025-10-01'],
        [took('running', '2025-10-02', { id: 'k2' }), '2025-10-02'],
      ]);
      const [lost, later, back, again] = run(state, [
        [{ type: 'participation-voided', participationId: 'k2' }, '2025-10-03'],
        // After the award: it does not hold the award up as of its date.
        [took('running', '2025-10-20', { id: 'k3' }), '2025-10-20'],
        // The same participation recorded again (the void was a mistake).
        [took('running', '2025-10-02', { id: 'k4' }), '2025-10-21'],
        [{ type: 'participation-voided', participationId: 'k4' }, '2025-10-22'],
      ]);
      expect(lost!.supportLost).toEqual([expect.objectContaining({ badgeId: 'sporty', policy: 'keep' })]);
      expect(later!.supportRestored).toEqual([]);
      expect(back!.supportRestored).toEqual([
        expect.objectContaining({ badgeId: 'sporty', policy: 'keep', basis: expect.arrayContaining(['e-k1', 'e-k4']) }),
      ]);
      expect(back!.supportRestored[0]!.cause).toBe(
        '«sporty» (awarded 2025-10-02) meets its criteria again as of its award date: at least 2 participations in Sports.',
      );
      expect(again!.supportLost).toEqual([expect.objectContaining({ badgeId: 'sporty', policy: 'keep' })]);
      expect(state.badges['sporty']).toMatchObject({ supportLost: true, lossReported: true, losses: 2 });
    });

    it('rests the award on what still supports it, so voiding that later is noticed too', () => {
      const state = initialState('s11');
      run(state, [
        [took('robotics', '2025-10-01', { id: 'y1' }), '2025-10-01'],
        [took('hackathon', '2025-10-02', { id: 'y2' }), '2025-10-02'],
        // Recorded late: it took place before the award, so it can stand in for either.
        [took('hackathon', '2025-09-20', { id: 'y3' }), '2025-10-03'],
      ]);
      expect(state.badges['science-fan']!.basis).toEqual(['e-y1', 'e-y2']);
      const [first] = run(state, [[{ type: 'participation-voided', participationId: 'y1' }, '2025-10-04']]);
      expect(first!.supportLost).toEqual([]);
      expect(state.badges['science-fan']!.basis).toEqual(['e-y2', 'e-y3']);
      const [second] = run(state, [[{ type: 'participation-voided', participationId: 'y3' }, '2025-10-05']]);
      expect(second!.supportLost).toEqual([expect.objectContaining({ badgeId: 'science-fan', policy: 'revoke' })]);
    });

    it('re-earns a badge revoked for lost support when the criteria hold again, but not one a coordinator revoked', () => {
      const { state } = replay(ruleSet, 's10', [
        { at: '2025-10-01T12:00:00Z', fact: took('robotics', '2025-10-01', { id: 'x1' }) },
        { at: '2025-10-02T12:00:00Z', fact: took('hackathon', '2025-10-02', { id: 'x2' }) },
        { at: '2025-10-03T12:00:00Z', fact: { type: 'participation-voided', participationId: 'x2' } },
      ]);
      expect(state.badges['science-fan']?.revoked).toBe('support-lost');
      fold(ruleSet, state, took('hackathon', '2025-10-04'));
      expect(evaluate(ruleSet, state, day('2025-10-04')).earned.map((e) => e.badgeId)).toEqual(['science-fan']);
      fold(ruleSet, state, { type: 'badge-revoked', badgeId: 'sporty', cause: 'coordinator' });
      fold(ruleSet, state, { type: 'badge-revoked', badgeId: 'science-fan' });
      fold(ruleSet, state, took('robotics', '2025-10-05'));
      expect(evaluate(ruleSet, state, day('2025-10-05')).earned).toEqual([]);
    });
  });

  describe('when a badge expires', () => {
    it('gives the expiry date, stops counting after it, and renews only with new evidence', () => {
      const state = initialState('s11');
      const results = run(state, [
        [took('basketball', '2025-10-01', { role: 'volunteer', hours: 4 }), '2025-10-01'],
        [took('running', '2025-10-02', { role: 'volunteer', hours: 4 }), '2025-10-02'],
        [took('robotics', '2025-10-03', { role: 'volunteer', hours: 4 }), '2025-10-03'],
      ]);
      const helper = results.flatMap((r) => r.earned).find((e) => e.badgeId === 'helper');
      expect(helper?.expiresAt).toBe('2027-10-03T12:00:00.000Z');
      const helperOnly = (e: Evaluation) => e.earned.filter((x) => x.badgeId === 'helper');
      expect(helperOnly(evaluate(ruleSet, state, day('2027-11-01')))).toEqual([]);
      fold(ruleSet, state, took('hackathon', '2027-11-02', { role: 'volunteer', hours: 10 }));
      const renewed = helperOnly(evaluate(ruleSet, state, day('2027-11-02')));
      expect(renewed).toEqual([expect.objectContaining({ badgeId: 'helper', renewal: true, expiresAt: '2029-11-02T12:00:00.000Z' })]);
    });
  });

  describe('when a badge has a `valid-until` date', () => {
    const closing = ruleSetFrom(
      program(
        badge('season', 'participations: { at-least: 2, category: sports }', '    valid-until: 2026-06-30\n') +
          badge('season-captain', 'participations: { at-least: 2, category: sports }', '    award: on-application\n    valid-until: 2026-06-30\n'),
        { levels: ONE_LEVEL },
      ),
    );
    const named = (e: Evaluation) => e.outcomes.filter((o) => o.type !== 'level-reached').map((o) => `${o.type}:${'badgeId' in o ? o.badgeId : ''}`);
    const sporty = (state: StudentState, on: string) => {
      fold(closing, state, took('basketball', on));
      fold(closing, state, took('running', on));
      fold(closing, state, { type: 'level-reached', levelId: 'participation', at: `${on}T12:00:00.000Z` });
    };

    it('awards it before the date, valid until then', () => {
      const state = initialState('vu-1');
      sporty(state, '2026-06-01');
      const result = evaluate(closing, state, day('2026-06-01'));
      expect(named(result)).toEqual(['badge-earned:season', 'badge-eligible:season-captain']);
      expect(result.earned[0]!.expiresAt).toBe('2026-06-30T00:00:00.000Z');
    });

    it('neither awards it nor makes anyone eligible once the date has passed, and the explanation says why', () => {
      const state = initialState('vu-2');
      sporty(state, '2026-07-01');
      expect(named(evaluate(closing, state, day('2026-07-01')))).toEqual([]);
      const badges = explain(closing, state, day('2026-07-01')).badges;
      const why = (id: string) => badges.find((b) => b.badgeId === id)!;
      expect(why('season')).toMatchObject({ status: 'in-progress', met: true });
      expect(why('season')).not.toHaveProperty('cost');
      expect(why('season').missing).toEqual([
        { kind: 'blocked', amount: 0, text: '«season» stopped being valid on 2026-06-30 (its `valid-until`), so it can no longer be awarded' },
      ]);
      expect(why('season-captain')).toMatchObject({ status: 'in-progress', met: true });
      expect(why('season-captain').missing.map((m) => m.kind)).toEqual(['blocked']);
    });

    it('does not award it on an approval after the date', () => {
      const state = initialState('vu-3');
      sporty(state, '2026-06-01');
      fold(closing, state, { type: 'eligibility-reached', badgeId: 'season-captain', at: '2026-06-01T12:00:00.000Z' });
      fold(closing, state, { type: 'application-submitted', badgeId: 'season-captain', eventId: 'app-1', at: '2026-06-02T12:00:00.000Z' });
      fold(closing, state, { type: 'application-approved', badgeId: 'season-captain', eventId: 'ok-1', at: '2026-07-02T12:00:00.000Z' });
      expect(evaluate(closing, state, day('2026-07-02')).earned.map((e) => e.badgeId)).not.toContain('season-captain');
      // Evaluated again at a clock before the date (a replay), it is awarded as it would have been then.
      expect(evaluate(closing, state, day('2026-06-20')).earned.map((e) => e.badgeId)).toContain('season-captain');
    });

    it('reads an award that has expired on that date as expired, not as one to renew', () => {
      const state = initialState('vu-4');
      sporty(state, '2026-06-01');
      fold(closing, state, {
        type: 'badge-awarded',
        badgeId: 'season',
        at: '2026-06-01T12:00:00.000Z',
        eventId: 'aw-1',
        expiresAt: '2026-06-30T00:00:00.000Z',
      });
      fold(closing, state, took('basketball', '2026-07-05'));
      fold(closing, state, took('running', '2026-07-06'));
      expect(named(evaluate(closing, state, day('2026-07-06')))).toEqual([]);
      const season = explain(closing, state, day('2026-07-06')).badges.find((b) => b.badgeId === 'season')!;
      expect(season.status).toBe('expired');
      expect(season.renewal).toBeUndefined();
      expect(season.missing.map((m) => m.text)).toEqual([
        '«season» stopped being valid on 2026-06-30 (its `valid-until`), so it can no longer be awarded',
      ]);
    });
  });

  describe('when evaluated at an earlier clock than the evaluation before', () => {
    it('counts a badge as held then, though it has expired since', () => {
      const state = initialState('s12');
      run(state, [
        [took('basketball', '2025-10-01', { role: 'volunteer', hours: 4 }), '2025-10-01'],
        [took('running', '2025-10-02', { role: 'volunteer', hours: 4 }), '2025-10-02'],
        [took('robotics', '2025-10-03', { role: 'volunteer', hours: 4 }), '2025-10-03'],
      ]);
      fold(ruleSet, state, took('hackathon', '2027-11-02', { role: 'volunteer', hours: 10 }));
      const helperOnly = (e: Evaluation) => e.earned.filter((x) => x.badgeId === 'helper').map((x) => x.renewal);
      expect(helperOnly(evaluate(ruleSet, state, day('2027-11-02')))).toEqual([true]);
      expect(helperOnly(evaluate(ruleSet, state, day('2026-01-01')))).toEqual([]);
      expect(helperOnly(evaluate(ruleSet, state, day('2027-11-03')))).toEqual([true]);
    });
  });

  describe('when a condition has a time window', () => {
    const windows = ruleSetFrom(
      program(
        badge('this-year', 'participations: { at-least: 3, within: { academic-year: current } }') +
          badge('recent', 'participations: { at-least: 2, within: { last-months: 6 } }') +
          badge('early-bird', 'participations: { at-least: 1, within: { before: 2025-10-01 } }'),
        { levels: ONE_LEVEL },
      ),
    );
    const earned = (facts: Fact[], at: string): string[] => {
      const state = initialState('w');
      for (const f of facts) fold(windows, state, f);
      return evaluate(windows, state, day(at)).earned.map((e) => e.badgeId);
    };

    it('counts only the current academic year', () => {
      const june = [took('choir', '2025-06-01'), took('choir', '2025-06-02')];
      expect(earned([...june, took('choir', '2025-09-10')], '2025-09-10')).not.toContain('this-year');
      expect(earned([...june, took('choir', '2025-06-03')], '2025-06-03')).toContain('this-year');
      expect(earned([took('choir', '2025-09-10'), took('choir', '2025-10-10'), took('choir', '2026-08-31')], '2026-08-31')).toContain('this-year');
    });

    it('counts only the last months', () => {
      expect(earned([took('choir', '2025-06-01'), took('choir', '2026-01-20')], '2026-01-20')).not.toContain('recent');
      expect(earned([took('choir', '2025-08-01'), took('choir', '2026-01-20')], '2026-01-20')).toContain('recent');
    });

    it('counts only dates before a deadline', () => {
      expect(earned([took('choir', '2025-09-30')], '2025-12-01')).toContain('early-bird');
      expect(earned([took('choir', '2025-10-01')], '2025-12-01')).not.toContain('early-bird');
    });
  });

  describe('when criteria combine distinct counts, competencies and `not`', () => {
    const mixed = ruleSetFrom(
      program(
        badge('team-builder', 'distinct-competencies: { at-least: 2 }') +
          badge('specialist', 'participations: { at-least: 2 }\nnot:\n  distinct-categories: { at-least: 2 }') +
          badge('either', 'any:\n  - hours: { at-least: 5, category: art }\n  - distinct-activities: { at-least: 2, category: science }'),
        { levels: ONE_LEVEL },
      ),
    );
    const earned = (facts: Fact[]): string[] => {
      const state = initialState('m');
      for (const f of facts) fold(mixed, state, f);
      return evaluate(mixed, state, day('2025-12-01')).earned.map((e) => e.badgeId);
    };

    it('counts distinct competencies across activities', () => {
      expect(earned([took('basketball', '2025-10-01')])).not.toContain('team-builder');
      expect(earned([took('robotics', '2025-10-01')])).toContain('team-builder');
    });

    it('holds a `not` only while its opposite does not', () => {
      expect(earned([took('basketball', '2025-10-01'), took('running', '2025-10-02')])).toContain('specialist');
      expect(earned([took('basketball', '2025-10-01'), took('choir', '2025-10-02')])).not.toContain('specialist');
    });

    it('holds an `any` when one branch holds', () => {
      expect(earned([took('choir', '2025-10-01', { hours: 5 })])).toContain('either');
      expect(earned([took('robotics', '2025-10-01'), took('hackathon', '2025-10-02')])).toContain('either');
      expect(earned([took('robotics', '2025-10-01'), took('robotics', '2025-10-02')])).not.toContain('either');
    });
  });
});

describe('fold', () => {
  describe('when the same participation arrives twice', () => {
    it('counts it once', () => {
      const state = initialState('f1');
      const fact = took('basketball', '2025-10-01', { id: 'dup' });
      fold(ruleSet, state, fact);
      fold(ruleSet, state, fact);
      expect(state.participations).toHaveLength(1);
    });
  });

  describe('when a participation is voided', () => {
    it('subtracts it and ignores a second void', () => {
      const state = initialState('f2');
      fold(ruleSet, state, took('basketball', '2025-10-01', { id: 'a' }));
      fold(ruleSet, state, took('running', '2025-10-02', { id: 'b' }));
      fold(ruleSet, state, took('running', '2025-10-03', { id: 'c' }));
      fold(ruleSet, state, { type: 'participation-voided', participationId: 'a' });
      fold(ruleSet, state, { type: 'participation-voided', participationId: 'a' });
      expect(state.participations.map((p) => p.participationId).sort()).toEqual(['b', 'c']);
      fold(ruleSet, state, { type: 'participation-voided', participationId: 'c' });
      expect(evaluate(ruleSet, state, day('2025-10-04')).earned).toEqual([]);
    });
  });

  describe('when hundreds of participations are recorded and voided in any order', () => {
    it('finds each one by id, ignores repeats, and counts what is left', () => {
      const state = initialState('f4');
      const live = new Set<string>();
      // 'p-139599' and 'p-322382' share their 32-bit id hash: the id itself decides.
      const ids = ['p-139599', 'p-322382', ...Array.from({ length: 400 }, (_, i) => `id-${i}`)];
      ids.forEach((id, i) => {
        fold(ruleSet, state, took('running', `2025-10-${String((i % 28) + 1).padStart(2, '0')}`, { id }));
        live.add(id);
        if (i % 3 === 2) {
          const victim = ids[(i * 7) % (i + 1)]!;
          fold(ruleSet, state, { type: 'participation-voided', participationId: victim });
          live.delete(victim);
        }
        fold(ruleSet, state, took('running', '2025-10-01', { id }));
      });
      fold(ruleSet, state, { type: 'participation-voided', participationId: 'p-322382' });
      live.delete('p-322382');
      expect(state.participations.map((p) => p.participationId).sort()).toEqual([...live].sort());
      for (const id of live) fold(ruleSet, state, took('running', '2025-10-01', { id }));
      expect(state.participations).toHaveLength(live.size);
      const copy = JSON.parse(JSON.stringify(state)) as StudentState;
      // The copy's counters are rebuilt from its participations: they must agree with those kept up to date.
      expect(evaluate(ruleSet, copy, day('2025-11-01'))).toEqual(evaluate(ruleSet, state, day('2025-11-01')));
      fold(ruleSet, copy, took('running', '2025-10-01', { id: 'p-139599' }));
      expect(copy.participations).toHaveLength(live.size);
    });
  });

  describe('when a state comes back from JSON', () => {
    it('evaluates exactly as the original', () => {
      const state = initialState('f3');
      run(state, [
        [took('basketball', '2025-10-01'), '2025-10-01'],
        [took('robotics', '2025-10-02'), '2025-10-02'],
        [took('hackathon', '2025-10-03', { role: 'volunteer', hours: 12 }), '2025-10-03'],
      ]);
      const copy = JSON.parse(JSON.stringify(state)) as StudentState;
      fold(ruleSet, state, took('running', '2025-10-04', { id: 'same' }));
      fold(ruleSet, copy, took('running', '2025-10-04', { id: 'same' }));
      const a = evaluate(ruleSet, state, day('2025-10-04'));
      const b = evaluate(ruleSet, copy, day('2025-10-04'));
      expect(ids(b)).toEqual(ids(a));
      expect(ids(a).length).toBeGreaterThan(0);
    });
  });
});

describe('recheckSupport', () => {
  describe('when a stricter rule set replaces the one an award was made under', () => {
    it('makes the next evaluation report the award with its policy', () => {
      const strict = ruleSetFrom(
        program(badge('sporty', 'participations: { at-least: 3, category: sports }', '    on-rule-change: flag\n'), { levels: ONE_LEVEL }),
      );
      const lenient = ruleSetFrom(program(badge('sporty', 'participations: { at-least: 2, category: sports }'), { levels: ONE_LEVEL }));
      const { state } = replay(lenient, 'r', [
        { at: '2025-10-01T12:00:00.000Z', fact: took('basketball', '2025-10-01') },
        { at: '2025-10-02T12:00:00.000Z', fact: took('running', '2025-10-02') },
      ]);
      expect(recheckSupport(strict, state)).toEqual(['sporty']);
      expect(evaluate(strict, state, day('2025-10-03')).supportLost).toEqual([expect.objectContaining({ badgeId: 'sporty', policy: 'flag' })]);
    });
  });

  describe('when a later rule set supports a flagged award again, and the next one does not', () => {
    it('reports the support back, then lost again, each time once', () => {
      const flagged = (n: number) =>
        ruleSetFrom(
          program(badge('sporty', `participations: { at-least: ${n}, category: sports }`, '    on-rule-change: flag\n'), { levels: ONE_LEVEL }),
        );
      const [lenient, strict] = [flagged(2), flagged(3)];
      const { state } = replay(lenient, 'r2', [
        { at: '2025-10-01T12:00:00.000Z', fact: took('basketball', '2025-10-01') },
        { at: '2025-10-02T12:00:00.000Z', fact: took('running', '2025-10-02') },
      ]);
      const publish = (rules: typeof strict, on: string) => {
        recheckSupport(rules, state, day(on));
        const result = evaluate(rules, state, day(on));
        for (const o of result.supportLost) fold(rules, state, { type: 'award-support-lost', badgeId: o.badgeId });
        for (const o of result.supportRestored) fold(rules, state, { type: 'award-support-restored', badgeId: o.badgeId, basis: o.basis });
        expect(evaluate(rules, state, day(on)).outcomes).toEqual([]);
        return result;
      };
      expect(publish(strict, '2025-10-03').supportLost).toEqual([expect.objectContaining({ badgeId: 'sporty', policy: 'flag' })]);
      const back = publish(lenient, '2025-10-04');
      expect(back.supportLost).toEqual([]);
      expect(back.supportRestored).toEqual([
        expect.objectContaining({
          badgeId: 'sporty',
          policy: 'flag',
          cause: expect.stringMatching(/^«sporty» \(awarded 2025-10-02\) meets its criteria again as of its award date: /),
        }),
      ]);
      expect(publish(strict, '2025-10-05').supportLost).toEqual([expect.objectContaining({ badgeId: 'sporty' })]);
      expect(state.badges['sporty']?.losses).toBe(2);
    });

    it('gives nothing back for criteria met only since the award date: a rule change restores as a void is judged, as of that date', () => {
      const flagged = (n: number) =>
        ruleSetFrom(
          program(badge('sporty', `participations: { at-least: ${n}, category: sports }`, '    on-rule-change: flag\n'), { levels: ONE_LEVEL }),
        );
      const { state } = replay(flagged(2), 'r3', [
        { at: '2025-10-01T12:00:00.000Z', fact: took('basketball', '2025-10-01') },
        { at: '2025-10-02T12:00:00.000Z', fact: took('running', '2025-10-02') },
      ]);
      recheckSupport(flagged(4), state, day('2025-10-03'));
      for (const o of evaluate(flagged(4), state, day('2025-10-03')).supportLost)
        fold(flagged(4), state, { type: 'award-support-lost', badgeId: o.badgeId });
      // A third sports participation after the award: a rule set asking for three is met when published, not as of the award.
      fold(flagged(4), state, took('basketball', '2025-10-04'));
      recheckSupport(flagged(3), state, day('2025-10-05'));
      expect(evaluate(flagged(3), state, day('2025-10-05')).supportRestored).toEqual([]);
      recheckSupport(flagged(2), state, day('2025-10-06'));
      expect(evaluate(flagged(2), state, day('2025-10-06')).supportRestored).toEqual([expect.objectContaining({ badgeId: 'sporty' })]);
    });
  });
});
