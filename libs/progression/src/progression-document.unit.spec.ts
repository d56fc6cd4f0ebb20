import { replay } from '@laurel/rules';
import { application, certifiedRuleSet as ruleSet, hackathon } from '../../rules/src/test-support/renewal';
import { documentAt, emptyExtras, progressionDocument, reviewItems } from './progression-document';

describe('progressionDocument', () => {
  describe('when a student re-applies for an expired award on participations after it', () => {
    // Approved on 2025-10-06, expired on 2026-10-06; two hackathons after the award, then a new application.
    const facts = [
      hackathon('h1', '2025-10-01'),
      hackathon('h2', '2025-10-02'),
      application('application-submitted', '2025-10-05T12:00:00.000Z', 'a1'),
      application('application-approved', '2025-10-06T12:00:00.000Z', 'a1-approved'),
      hackathon('h3', '2026-10-20'),
      hackathon('h4', '2026-10-21'),
      application('application-submitted', '2026-10-22T12:00:00.000Z', 'a2'),
    ];

    it('lists the eligibility to renew it, so the review shows the application as one approval would accept', () => {
      const rules = ruleSet();
      const { state } = replay(rules, '20231234', facts);
      const extras = emptyExtras();
      extras.applications.set('a2', { applicationId: 'a2', badgeId: 'certified', status: 'pending', submittedAt: '2026-10-22T12:00:00.000Z' });
      const doc = progressionDocument('20231234', { ruleSet: rules, version: 1 }, state, extras, new Date('2026-11-01T12:00:00.000Z'));
      expect(doc.badges.map((b) => [b.badgeId, b.status])).toEqual([['certified', 'expired']]);
      expect(doc.eligible.map((e) => e.badgeId)).toEqual(['certified']);
      expect(reviewItems(doc)).toMatchObject([{ kind: 'application', applicationId: 'a2', eligible: true }]);
    });
  });

  describe("when the award expires after the student's last event", () => {
    // Approved on 2025-10-06 (valid a year); two hackathons in September 2026, while it was still valid; nothing since.
    const facts = [
      hackathon('h1', '2025-10-01'),
      hackathon('h2', '2025-10-02'),
      application('application-submitted', '2025-10-05T12:00:00.000Z', 'a1'),
      application('application-approved', '2025-10-06T12:00:00.000Z', 'a1-approved'),
      hackathon('h3', '2026-09-01'),
      hackathon('h4', '2026-09-02'),
    ];

    it('reads the stored document as if written at the time asked: the award expired', () => {
      const rules = ruleSet();
      const { state } = replay(rules, '20231234', facts);
      const stored = progressionDocument('20231234', { ruleSet: rules, version: 1 }, state, emptyExtras(), new Date('2026-09-02T12:00:00.000Z'));
      expect(stored.badges.map((b) => [b.badgeId, b.status])).toEqual([['certified', 'active']]);
      expect(stored.eligible).toEqual([]);

      const later = new Date('2026-11-01T12:00:00.000Z');
      const read = documentAt(stored, rules, state, later);
      expect(read).toEqual(progressionDocument('20231234', { ruleSet: rules, version: 1 }, state, emptyExtras(), later));
      expect(read.badges.map((b) => [b.badgeId, b.status])).toEqual([['certified', 'expired']]);
      // The same instant as written changes nothing.
      expect(documentAt(stored, rules, state, new Date('2026-09-02T12:00:00.000Z'))).toEqual(stored);
    });
  });

  describe("when the badge's `valid-until` date comes while an application waits", () => {
    // Eligible on 2026-10-02, applied on 2026-10-05; the badge stops being valid on 2026-11-01.
    const facts = [
      hackathon('h1', '2026-10-01'),
      hackathon('h2', '2026-10-02'),
      application('application-submitted', '2026-10-05T12:00:00.000Z', 'a1'),
    ];

    it('no longer lists the eligibility, so the review shows the application as one an approval would refuse', () => {
      const rules = ruleSet('valid-until: 2026-11-01');
      const { state } = replay(rules, '20231234', facts);
      const extras = emptyExtras();
      extras.applications.set('a1', { applicationId: 'a1', badgeId: 'certified', status: 'pending', submittedAt: '2026-10-05T12:00:00.000Z' });
      const before = progressionDocument('20231234', { ruleSet: rules, version: 1 }, state, extras, new Date('2026-10-31T12:00:00.000Z'));
      expect(before.eligible.map((e) => e.badgeId)).toEqual(['certified']);
      expect(reviewItems(before)).toMatchObject([{ kind: 'application', applicationId: 'a1', eligible: true }]);

      const after = progressionDocument('20231234', { ruleSet: rules, version: 1 }, state, extras, new Date('2026-11-01T12:00:00.000Z'));
      expect(after.eligible).toEqual([]);
      expect(reviewItems(after)).toMatchObject([{ kind: 'application', applicationId: 'a1', eligible: false }]);
      expect(documentAt(before, rules, state, new Date('2026-11-01T12:00:00.000Z')).eligible).toEqual([]);
    });
  });
});
