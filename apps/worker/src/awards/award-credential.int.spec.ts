import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildAchievement, buildAchievementCredential, buildClrCredential, buildLevelAssociations, validateSchema } from '@laurel/credentials';
import { loadConfig } from '@laurel/platform';
import type { RecordedEvent } from '@laurel/event-store';
import { loadRuleSet, type RuleSet } from '@laurel/rules';
import { awardCredentialInput, badgeAchievement, evidenceOf, levelAchievement } from './award-credential';

const RULES = resolve(__dirname, '..', '..', '..', '..', 'rules');
const config = loadConfig({ LAUREL_PUBLIC_URL: 'https://badges.vilniustech.lt', LAUREL_DATA_DIR: '/nonexistent' });
const ruleSets: RuleSet[] = readdirSync(RULES)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => {
    const loaded = loadRuleSet(readFileSync(join(RULES, f), 'utf8'), f);
    if (!loaded.ok) throw new Error(`${f} does not load`);
    return loaded.ruleSet;
  });

const participation = (id: string, activityId: string): RecordedEvent => ({
  id,
  stream: 'student-20231234',
  type: 'ParticipationRecorded',
  data: {
    participationId: `0b7c3a52-3a4f-4a39-9a51-${id.slice(-12)}`,
    studentId: '20231234',
    activityId,
    occurredAt: '2026-09-10T16:00:00.000Z',
    role: 'volunteer',
    hours: 3,
  },
  metadata: {},
  revision: 0n,
  position: 1n,
  recordedAt: new Date('2026-09-10T16:00:01Z'),
});

describe.each(ruleSets.map((r) => [r.programId, r] as const))('when the badges of %s become credentials', (_id, ruleSet) => {
  it.each(ruleSet.badges.map((b) => [b.id, b] as const))('builds %s into an OpenBadgeCredential the OB 3.0 schema accepts', (_badgeId, badge) => {
    const activity = ruleSet.activities[0]!;
    const events = [participation('11111111-1111-4111-8111-111111111111', activity.id)];
    const credential = buildAchievementCredential(
      awardCredentialInput({
        config,
        credentialId: '0b7c3a52-3a4f-4a39-9a51-1d2c4e3f5a6b',
        ruleSet,
        ruleSetVersion: 3,
        badge,
        award: {
          awardId: '6f1d5b8e-4a43-4c6e-9d3c-7f1c2e9a8b10',
          studentId: '20231234',
          programId: ruleSet.programId,
          badgeId: badge.id,
          earnedAt: '2026-09-17T16:00:00.000Z',
          expiresAt: '2029-09-17T16:00:00.000Z',
          ruleSetHash: ruleSet.sha256,
          ruleSetVersion: 3,
          basis: events.map((e) => e.id),
        },
        events,
        status: { listId: '1', index: 42 },
      }),
    );
    expect(validateSchema('ob-achievement-credential', credential)).toEqual([]);
    expect(credential.credentialSubject.achievement).toMatchObject({
      id: `https://badges.vilniustech.lt/programs/${ruleSet.programId}/badges/${badge.id}`,
      name: badge.name.en,
      description: badge.description.en,
      criteria: { narrative: expect.stringMatching(/\S/) },
    });
    expect((credential.credentialSubject.achievement.alignment ?? []).map((a) => a.targetCode)).toEqual(badge.competencies);
    expect(credential.evidence).toEqual([
      expect.objectContaining({ name: `${activity.name.en} (volunteer, 3 h)`, genre: 'Participation', type: ['Evidence'] }),
    ]);
    expect(credential).toMatchObject({ validFrom: '2026-09-17T16:00:00Z', validUntil: '2029-09-17T16:00:00Z' });
  });

  it('describes each level as an achievement the CLR schema accepts', () => {
    const levels = ruleSet.levels.map((l) => levelAchievement(config.publicUrl, ruleSet, l));
    const badge = ruleSet.badges[0]!;
    const credential = {
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
      id: 'urn:uuid:6f1d5b8e-4a43-4c6e-9d3c-7f1c2e9a8b10',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: config.issuer.id, type: ['Profile'], name: config.issuer.name },
      validFrom: '2026-09-17T16:00:00Z',
      credentialSubject: {
        id: 'urn:laurel:student:badges.vilniustech.lt:20231234',
        type: ['AchievementSubject'],
        achievement: buildAchievement(badgeAchievement(config.publicUrl, ruleSet, badge)),
      },
    };
    const clr = buildClrCredential({
      id: 'urn:uuid:5d2f0c7a-9b2d-4e6f-8a0b-1c2d3e4f5a6b',
      issuer: { id: config.issuer.id, name: config.issuer.name },
      student: { id: 'urn:laurel:student:badges.vilniustech.lt:20231234' },
      name: 'Portfolio',
      validFrom: '2027-06-30T12:00:00Z',
      credentials: [credential],
      levels,
      associations: buildLevelAssociations(levels.map((l) => ({ id: l.id }))),
    });
    expect(validateSchema('clr-credential', clr)).toEqual([]);
  });
});

describe('when the award basis names events that are not participations', () => {
  it('keeps the badges and approvals behind it and skips what it does not know', () => {
    const ruleSet = ruleSets[0]!;
    const events: RecordedEvent[] = [
      { ...participation('22222222-2222-4222-8222-222222222222', 'x'), type: 'BadgeEarned', data: { awardId: 'a1', badgeId: ruleSet.badges[0]!.id } },
      {
        ...participation('33333333-3333-4333-8333-333333333333', 'x'),
        type: 'ApplicationApproved',
        data: { applicationId: '0b7c3a52-3a4f-4a39-9a51-1d2c4e3f5a6b', comment: 'Led the mentoring programme.' },
      },
    ];
    const evidence = evidenceOf(config.publicUrl, ruleSet, [...events.map((e) => e.id), 'unknown-event'], events);
    expect(evidence.map((e) => [e.genre, e.id, e.name])).toEqual([
      ['Badge', 'urn:uuid:a1', `Badge: ${ruleSet.badges[0]!.name.en}`],
      ['Application', 'urn:uuid:0b7c3a52-3a4f-4a39-9a51-1d2c4e3f5a6b', 'Application approved by a coordinator'],
    ]);
    const withCredential = [...events, { ...events[0]!, id: 'c1', type: 'CredentialIssued', data: { awardId: 'a1', credentialId: 'f00d' } }];
    expect(evidenceOf(config.publicUrl, ruleSet, [events[0]!.id], withCredential)[0]?.id).toBe('https://badges.vilniustech.lt/credentials/f00d');
  });
});
