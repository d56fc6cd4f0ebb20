import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { EVENT_STORE, type EventStore } from '@laurel/event-store';
import {
  buildClrCredential,
  buildLevelAssociations,
  buildStudentUrn,
  signCredential,
  type AchievementInput,
  type ClrCredential,
} from '@laurel/credentials';
import { LAUREL_CONFIG, RuleSetRegistry, SigningKeys, type LaurelConfig } from '@laurel/platform';
import { DomainError, studentStream, type BadgeEarned, type CredentialIssued, type LevelReached } from '@laurel/progression';
import type { RuleSet } from '@laurel/rules';
import { issuerOf, levelAchievement } from '../../../worker/src/awards/award-credential';

/**
 * How long a downloaded portfolio stays valid. It has no status entry of its
 * own (the CLR 2.0 schema allows none that can be checked): Laurel's verifier
 * checks every badge inside it, and this bound is what any other verifier
 * sees of a later revocation. A fresh portfolio can be downloaded at any time.
 */
export const PORTFOLIO_VALIDITY_DAYS = 90;

export interface Portfolio {
  clr: ClrCredential;
  jwt: string;
}

/**
 * The graduation portfolio: a signed CLR 2.0 ClrCredential holding every
 * credential of the student neither revoked nor expired (each with its own JWT
 * as proof, so a verifier checks each badge's status list entry), valid for
 * {@link PORTFOLIO_VALIDITY_DAYS} days or until the first badge inside expires, the
 * levels reached as achievements, and associations that place each badge
 * under its level and order the levels (participation -> activity -> META -> UBER).
 */
@Injectable()
export class Portfolios {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
    private readonly registry: RuleSetRegistry,
    private readonly keys: SigningKeys,
  ) {}

  async build(studentId: string, now = new Date()): Promise<Portfolio> {
    const events = await this.store.readStream(studentStream(studentId));
    if (events.length === 0) throw new DomainError('STUDENT_NOT_FOUND', `no events are recorded for student ${studentId}; check the id`);
    const revoked = new Set(events.filter((e) => e.type === 'AwardRevoked').map((e) => (e.data as { awardId: string }).awardId));
    const awards = new Map(
      events.filter((e) => e.type === 'BadgeEarned').map((e) => [(e.data as BadgeEarned['data']).awardId, e.data as BadgeEarned['data']]),
    );
    const signed = events.filter((e) => e.type === 'CredentialIssued').map((e) => e.data as CredentialIssued['data']);
    // An expired badge is left out as a revoked one is: inside, it would fail the whole portfolio's verification
    // (embeddedCredentials) from the day it was downloaded.
    const issued = signed
      .filter((c) => !revoked.has(c.awardId))
      .map((c) => ({ ...c, expiresAt: expiryOf(c.jwt) }))
      .filter((c) => c.expiresAt === undefined || c.expiresAt > now.getTime());
    if (issued.length === 0) {
      const revokedCount = signed.filter((c) => revoked.has(c.awardId)).length;
      const gone = [
        revokedCount > 0 ? `${revokedCount} ${revokedCount === 1 ? 'was' : 'were'} revoked` : '',
        signed.length > revokedCount ? `${signed.length - revokedCount} ${signed.length - revokedCount === 1 ? 'has' : 'have'} expired` : '',
      ].filter(Boolean);
      throw new NotFoundException({
        code: 'PORTFOLIO_EMPTY',
        message:
          signed.length === 0
            ? `student ${studentId} holds no signed credential yet, so there is no portfolio to issue`
            : `student ${studentId} holds no credential that is still valid (of ${signed.length} issued, ${gone.join(' and ')}), so there is no portfolio to issue`,
      });
    }

    // Per program: the levels reached (and those of the badges held), each with the achievement ids of its badges.
    const programs = new Map<string, { ruleSet: RuleSet; levels: Map<string, string[]> }>();
    const programOf = (programId: string, ruleSetHash?: string) => {
      let entry = programs.get(programId);
      const ruleSet = this.registry.get(programId)?.ruleSet ?? (ruleSetHash ? this.registry.bySha256(programId, ruleSetHash)?.ruleSet : undefined);
      if (!entry && ruleSet) {
        entry = { ruleSet, levels: new Map() };
        programs.set(programId, entry);
      }
      return entry;
    };
    for (const e of events) {
      if (e.type !== 'LevelReached') continue;
      const { programId, levelId } = e.data as LevelReached['data'];
      const entry = programOf(programId);
      if (entry && !entry.levels.has(levelId)) entry.levels.set(levelId, []);
    }
    for (const credential of issued) {
      const award = awards.get(credential.awardId);
      if (!award) continue;
      const entry = programOf(award.programId, award.ruleSetHash);
      const levelId = entry?.ruleSet.badges.find((b) => b.id === award.badgeId)?.level;
      const achievementId = achievementIdOf(credential.jwt);
      if (!entry || !levelId || !achievementId) continue;
      entry.levels.set(levelId, [...(entry.levels.get(levelId) ?? []), achievementId]);
    }

    const levels: AchievementInput[] = [];
    const associations: ReturnType<typeof buildLevelAssociations> = [];
    for (const { ruleSet, levels: reached } of programs.values()) {
      const ordered = ruleSet.levels.filter((l) => reached.has(l.id));
      const achievements = ordered.map((l) => levelAchievement(this.config.publicUrl, ruleSet, l));
      levels.push(...achievements);
      associations.push(...buildLevelAssociations(ordered.map((l, i) => ({ id: achievements[i]!.id, badgeIds: reached.get(l.id) ?? [] }))));
    }

    const issuer = issuerOf(this.config);
    const validFrom = new Date(Math.floor(now.getTime() / 1000) * 1000);
    // Valid no longer than the first badge inside that expires: from then on it would fail embeddedCredentials.
    const firstExpiry = Math.min(...issued.map((c) => c.expiresAt ?? Infinity));
    const validUntil = Math.min(validFrom.getTime() + PORTFOLIO_VALIDITY_DAYS * 24 * 3600 * 1000, Math.floor(firstExpiry / 1000) * 1000);
    const clr = buildClrCredential({
      id: `urn:uuid:${randomUUID()}`,
      issuer,
      student: { id: buildStudentUrn({ issuerId: issuer.id, studentId }) },
      name: `Extra-curricular achievements of student ${studentId}`,
      description: `Every badge ${issuer.name} has awarded to student ${studentId}, not revoked and not expired, with the levels reached.`,
      validFrom,
      validUntil: new Date(validUntil),
      credentials: issued.map((c) => c.jwt),
      levels,
      associations,
    });
    const key = await this.keys.activeKey();
    const jwt = await signCredential(clr, { privateKey: key.privateKey, kid: key.kid, alg: key.alg });
    return { clr, jwt };
  }
}

/** When a credential stops being valid (its JWT `exp`, in milliseconds), or undefined for one with no end date. */
function expiryOf(jwt: string): number | undefined {
  const { exp } = decodeJwt(jwt);
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

function achievementIdOf(jwt: string): string | undefined {
  const subject = decodeJwt(jwt).credentialSubject as { achievement?: { id?: unknown } } | undefined;
  return typeof subject?.achievement?.id === 'string' ? subject.achievement.id : undefined;
}
