import type { RecordedEvent } from '@laurel/event-store';
import {
  buildStudentUrn,
  type AchievementCredentialInput,
  type AchievementInput,
  type AchievementType,
  type EvidenceInput,
  type IssuerConfig,
} from '@laurel/credentials';
import type { LaurelConfig } from '@laurel/platform';
import type { ApplicationApproved, BadgeEarned, CredentialIssued, ParticipationRecorded } from '@laurel/progression';
import { ACHIEVEMENT_TYPES, describeCondition, type Badge, type Level, type RuleSet } from '@laurel/rules';
import { derivedId } from '../projections/derived-events';

/** The URLs and ids every credential, status list and portfolio agree on. */
export const credentialUrls = (publicUrl: string) => ({
  badge: (programId: string, badgeId: string) => `${publicUrl}/programs/${programId}/badges/${badgeId}`,
  level: (programId: string, levelId: string) => `${publicUrl}/programs/${programId}/levels/${levelId}`,
  competency: (programId: string, competencyId: string) => `${publicUrl}/programs/${programId}/competencies/${competencyId}`,
  statusList: (listId: string) => `${publicUrl}/status-lists/${listId}`,
  credential: (credentialId: string) => `${publicUrl}/credentials/${credentialId}`,
});

/** The id of the award's CredentialIssued event, as the rule projection expects it. */
export const credentialIssuedIdOf = (awardId: string): string => derivedId('CredentialIssued', awardId);

export const issuerOf = (config: Pick<LaurelConfig, 'issuer'>): IssuerConfig => ({
  id: config.issuer.id,
  name: config.issuer.name,
  url: config.issuer.url,
  email: config.issuer.email,
});

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function achievementTypeOf(value: string): AchievementType {
  return (ACHIEVEMENT_TYPES as readonly string[]).includes(value) || value.startsWith('ext:') ? (value as AchievementType) : 'Badge';
}

/** A badge definition as an OB 3.0 achievement: English texts, criteria in words, image, competencies as alignments. */
export function badgeAchievement(publicUrl: string, ruleSet: RuleSet, badge: Badge): AchievementInput {
  const urls = credentialUrls(publicUrl);
  const level = ruleSet.levels.find((l) => l.id === badge.level);
  const criteria =
    badge.criteriaText?.en ??
    `${capitalise(describeCondition(ruleSet, badge.criteria))}${badge.award === 'application' ? ', then apply and be approved by a coordinator' : ''}.`;
  return {
    id: urls.badge(ruleSet.programId, badge.id),
    achievementType: achievementTypeOf(badge.achievementType),
    name: badge.name.en,
    description: badge.description.en,
    criteria: { narrative: level ? `${criteria} (${level.name.en} level of ${ruleSet.title.en}.)` : criteria },
    ...(badge.image ? { image: badge.image } : {}),
    alignments: badge.competencies.map((id) => ({
      targetName: ruleSet.competencies.find((c) => c.id === id)?.name.en ?? id,
      targetUrl: urls.competency(ruleSet.programId, id),
      targetType: 'ceasn:Competency' as const,
      targetCode: id,
      targetFramework: ruleSet.title.en,
    })),
    tags: [badge.level, ...(badge.category ? [badge.category] : [])],
  };
}

/** A level definition as an OB 3.0 achievement, for the portfolio. */
export function levelAchievement(publicUrl: string, ruleSet: RuleSet, level: Level): AchievementInput {
  return {
    id: credentialUrls(publicUrl).level(ruleSet.programId, level.id),
    achievementType: 'ext:Level',
    name: `${level.name.en} level`,
    description: level.description?.en ?? `The ${level.name.en} level of ${ruleSet.title.en}.`,
    criteria: { narrative: `${capitalise(describeCondition(ruleSet, level.reachedWhen))}.` },
    ...(level.image ? { image: level.image } : {}),
  };
}

/** The participations (and badges, approvals) named in the award's basis, as evidence with activity names. */
export function evidenceOf(publicUrl: string, ruleSet: RuleSet, basis: readonly string[], events: readonly RecordedEvent[]): EvidenceInput[] {
  const byId = new Map(events.map((e) => [e.id, e]));
  const evidence: EvidenceInput[] = [];
  for (const id of basis) {
    const event = byId.get(id);
    if (!event) continue;
    if (event.type === 'ParticipationRecorded') {
      const p = event.data as ParticipationRecorded['data'];
      const activity = ruleSet.activities.find((a) => a.id === p.activityId);
      const hours = p.hours === undefined ? '' : `, ${p.hours} h`;
      evidence.push({
        id: `urn:uuid:${p.participationId}`,
        name: `${activity?.name.en ?? p.activityId} (${p.role}${hours})`,
        narrative: `Took part in ${activity?.name.en ?? p.activityId} as ${p.role} on ${p.occurredAt.slice(0, 10)}.`,
        genre: 'Participation',
      });
    } else if (event.type === 'BadgeEarned') {
      const b = event.data as BadgeEarned['data'];
      const badge = ruleSet.badges.find((x) => x.id === b.badgeId);
      // The badge's own credential when it has one (a URL anyone can check), else the award.
      const credential = events.find((e) => e.type === 'CredentialIssued' && (e.data as CredentialIssued['data']).awardId === b.awardId);
      evidence.push({
        id: credential ? credentialUrls(publicUrl).credential((credential.data as CredentialIssued['data']).credentialId) : `urn:uuid:${b.awardId}`,
        name: `Badge: ${badge?.name.en ?? b.badgeId}`,
        genre: 'Badge',
      });
    } else if (event.type === 'ApplicationApproved') {
      const a = event.data as ApplicationApproved['data'];
      evidence.push({
        id: `urn:uuid:${a.applicationId}`,
        name: 'Application approved by a coordinator',
        ...(a.comment ? { narrative: a.comment } : {}),
        genre: 'Application',
      });
    }
  }
  return evidence;
}

/** Everything `buildAchievementCredential` needs for one award. */
export function awardCredentialInput(args: {
  config: Pick<LaurelConfig, 'publicUrl' | 'issuer'>;
  /** A fresh UUID: the credential's id is `urn:uuid:<this>`. */
  credentialId: string;
  ruleSet: RuleSet;
  ruleSetVersion: number;
  badge: Badge;
  award: BadgeEarned['data'];
  events: readonly RecordedEvent[];
  status: { listId: string; index: number };
}): AchievementCredentialInput {
  const { config, ruleSet, badge, award } = args;
  const issuer = issuerOf(config);
  return {
    id: `urn:uuid:${args.credentialId}`,
    issuer,
    student: { id: buildStudentUrn({ issuerId: issuer.id, studentId: award.studentId }) },
    achievement: badgeAchievement(config.publicUrl, ruleSet, badge),
    awardedAt: award.earnedAt,
    ...(award.expiresAt ? { validUntil: award.expiresAt } : {}),
    evidence: evidenceOf(config.publicUrl, ruleSet, award.basis, args.events),
    status: { statusListCredential: credentialUrls(config.publicUrl).statusList(args.status.listId), statusListIndex: args.status.index },
    provenance: { ruleSetHash: award.ruleSetHash, ruleSetVersion: args.ruleSetVersion },
    description: `${badge.description.en} Awarded by ${ruleSet.title.en}.`,
  };
}
