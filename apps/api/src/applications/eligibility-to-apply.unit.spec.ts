import { eligibilityStands, explain, replay, type TimedFact } from '@laurel/rules';
import { application, certifiedRuleSet as ruleSet, hackathon } from '../../../../libs/rules/src/test-support/renewal';
import { badge, ONE_LEVEL, program, ruleSetFrom, took } from '../../../../libs/rules/src/test-support/rule-set';
import { eligibilityToApply } from './eligibility-to-apply';

describe('eligibilityToApply', () => {
  describe('when the badge stopped being valid (`valid-until` has come)', () => {
    it('refuses, saying that it can no longer be awarded (no "yet": more participations will not help)', () => {
      const rules = ruleSetFrom(
        program(
          badge('summer-school', 'participations: { at-least: 2, category: science }', '    award: on-application\n    valid-until: 2026-06-30\n'),
          {
            levels: ONE_LEVEL,
          },
        ),
      );
      const facts = ['2026-07-01', '2026-07-02'].map((on) => ({ at: `${on}T12:00:00.000Z`, fact: took('hackathon', on) }));
      const explained = explain(rules, replay(rules, '20231234', facts).state, new Date('2026-07-03T12:00:00.000Z')).badges.find(
        (b) => b.badgeId === 'summer-school',
      );
      expect(eligibilityToApply(explained, '20231234', 'summer-school')).toMatchObject({
        eligible: false,
        message:
          'student 20231234 is not eligible for summer-school: «summer-school» stopped being valid on 2026-06-30 (its `valid-until`), so it can no longer be awarded',
      });
    });
  });

  describe('when the award on application has expired', () => {
    // Approved on 2025-10-06, so expired on 2026-10-06.
    const awarded = [
      hackathon('h1', '2025-10-01'),
      hackathon('h2', '2025-10-02'),
      application('application-submitted', '2025-10-05T12:00:00.000Z'),
      application('application-approved', '2025-10-06T12:00:00.000Z'),
    ];
    const applyOn = (facts: TimedFact[]) => {
      const rules = ruleSet();
      const explained = explain(rules, replay(rules, '20231234', facts).state, new Date('2026-11-01T12:00:00.000Z')).badges.find(
        (b) => b.badgeId === 'certified',
      );
      return eligibilityToApply(explained, '20231234', 'certified');
    };

    it('refuses a new application on the evidence of the expired award, saying that it expired and what renewing it needs', () => {
      expect(applyOn(awarded)).toMatchObject({
        eligible: false,
        message:
          'student 20231234 is not eligible for certified yet: «certified» expired on 2026-10-06; renewing it needs new participations after its award on 2025-10-06 (earlier ones counted towards that award); 2 more participations in Hackathon after 2025-10-06',
      });
    });

    it('takes it once participations after the award meet the criteria', () => {
      expect(applyOn([...awarded, hackathon('h3', '2026-10-20'), hackathon('h4', '2026-10-21')])).toEqual({ eligible: true });
    });

    describe('and a re-application waits for approval', () => {
      const renewedOn = [...awarded, hackathon('h3', '2026-10-20'), hackathon('h4', '2026-10-21')];
      const reapplied = (facts: TimedFact[]) => {
        const rules = ruleSet();
        return {
          rules,
          state: replay(rules, '20231234', [...facts, application('application-submitted', '2026-10-22T12:00:00.000Z', 'again')]).state,
        };
      };
      const approvalOn = (facts: TimedFact[]) => {
        const { rules, state } = reapplied(facts);
        return eligibilityStands(rules, state, 'certified', new Date('2026-11-01T12:00:00.000Z'));
      };

      it('lets the approval stand on participations after the award', () => {
        expect(approvalOn(renewedOn)).toBe(true);
      });

      it('refuses it once one of those is voided, though the evidence of the expired award still meets the criteria', () => {
        expect(approvalOn([...renewedOn, { at: '2026-10-23T12:00:00.000Z', fact: { type: 'participation-voided', participationId: 'h4' } }])).toBe(
          false,
        );
      });

      it('shows the badge as applied for, with why renewing it needs new participations', () => {
        const { rules, state } = reapplied(renewedOn);
        const explained = explain(rules, state, new Date('2026-11-01T12:00:00.000Z')).badges.find((b) => b.badgeId === 'certified');
        expect(explained).toMatchObject({ status: 'applied', met: true, renewal: expect.stringContaining('«certified» expired on 2026-10-06') });
        expect(explained?.missing.map((m) => m.text)).toEqual(['wait for a coordinator to decide on the application for «certified»']);
      });
    });
  });
});
