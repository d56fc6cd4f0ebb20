import type { StudentState } from '../evaluate/state';
import { replay } from '../replay/replay';
import { badge, day, program, ruleSetFrom, took } from '../test-support/rule-set';
import { explain } from './explain';

const levels =
  '  - { id: participation, name: { lt: Dalyvavimas, en: Participation }, reached-when: { participations: 1 } }\n' +
  '  - { id: activity, name: { lt: Aktyvumas, en: Activity }, reached-when: { badges: { at-least: 1, level: participation } } }\n' +
  '  - { id: meta, name: { lt: META, en: META }, reached-when: { badges: { at-least: 2, level: activity, category: science, within: { before: 2027-06-30 } } } }';

const ruleSet = ruleSetFrom(
  program(
    badge('starter', 'participations: 1') +
      badge('robot-builder', 'participations: { at-least: 2, activity: robotics }', '    category: science\n', 'activity') +
      badge('hacker', 'participations: { at-least: 3, activity: hackathon }', '    category: science\n', 'activity') +
      badge('explorer', 'any:\n  - distinct-categories: { at-least: 3 }\n  - participations: { at-least: 6, category: sports }', '', 'activity') +
      badge('meta-science', 'holds-badge: robot-builder\nhours: { at-least: 10, category: science }', '    award: on-application\n', 'meta'),
    { levels },
  ),
);

function student(...facts: Parameters<typeof took>[]): StudentState {
  return replay(
    ruleSet,
    's',
    facts.map((f) => ({ fact: took(...f), at: `${f[1]}T12:00:00.000Z` })),
  ).state;
}

describe('explain', () => {
  describe('when a student is one badge short of a level', () => {
    const state = student(['robotics', '2025-10-01'], ['robotics', '2025-10-02'], ['hackathon', '2025-10-03']);
    const why = explain(ruleSet, state, day('2026-01-10'));

    it('says which level the student is at and what the next one needs, with the deadline', () => {
      expect(why.currentLevel).toBe('activity');
      expect(why.next.level?.levelId).toBe('meta');
      expect(why.next.level?.missing.map((s) => s.text)).toEqual([
        '1 more badge of level Activity in Science before 2027-06-30 (closest: «hacker», needs 2 more participations in Hackathon)',
      ]);
      expect(why.next.level?.missing[0]).toMatchObject({ kind: 'earn-badges', amount: 1, deadline: '2027-06-30', suggestions: ['hacker'] });
    });

    it('gives each condition its current and required value', () => {
      const meta = why.levels.find((l) => l.levelId === 'meta')!;
      expect(meta).toMatchObject({ reached: false, met: false, condition: { current: 1, required: 2, window: { before: '2027-06-30' } } });
      const hacker = why.badges.find((b) => b.badgeId === 'hacker')!;
      expect(hacker).toMatchObject({ status: 'in-progress', met: false, condition: { current: 1, required: 3 } });
    });

    it('takes the cheaper branch of an `any`', () => {
      const explorer = why.badges.find((b) => b.badgeId === 'explorer')!;
      expect(explorer.missing.map((s) => s.text)).toEqual(['participations in 2 more categories (e.g. Sports, Art)']);
    });

    it('lists an application step for a badge on application', () => {
      const meta = why.badges.find((b) => b.badgeId === 'meta-science')!;
      expect(meta.status).toBe('locked');
      expect(meta.missing.map((s) => s.kind)).toEqual(['reach-level', 'earn-badges', 'log-hours', 'apply']);
    });
  });

  describe('when a time window has closed', () => {
    it('says so and gives no way forward for that level', () => {
      const state = student(['robotics', '2025-10-01'], ['robotics', '2025-10-02']);
      const why = explain(ruleSet, state, day('2027-07-01'));
      const meta = why.levels.find((l) => l.levelId === 'meta')!;
      expect(meta.cost).toBe(Number.POSITIVE_INFINITY);
      expect(meta.missing.map((s) => s.kind)).toEqual(['blocked']);
    });
  });

  describe('when a held award lost its support', () => {
    it('marks it held with support lost', () => {
      const after = replay(ruleSet, 'v', [
        { at: '2025-10-01T12:00:00.000Z', fact: took('robotics', '2025-10-01', { id: 'v1' }) },
        { at: '2025-10-02T12:00:00.000Z', fact: took('robotics', '2025-10-02', { id: 'v2' }) },
        { at: '2025-10-05T12:00:00.000Z', fact: { type: 'participation-voided', participationId: 'v2' } },
      ]).state;
      const robot = explain(ruleSet, after, day('2025-10-06')).badges.find((b) => b.badgeId === 'robot-builder')!;
      expect(robot).toMatchObject({ status: 'held', supportLost: true, met: false });
    });
  });
});
