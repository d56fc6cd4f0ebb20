import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { RecordedEvent } from '@laurel/event-store';
import { LAUREL_CONFIG, REDIS, type LaurelConfig } from '@laurel/platform';
import type { StudentEvent } from '@laurel/progression';
import type { RuleSet, StudentState } from '@laurel/rules';

/** One badge a student holds (or held), as the progression read model shows it. */
export interface ProgressionBadge {
  badgeId: string;
  awardId: string;
  earnedAt: string;
  expiresAt?: string;
  status: 'active' | 'revoked' | 'flagged';
  credentialId?: string;
  basis: string[];
}

export interface ProgressionApplication {
  applicationId: string;
  badgeId: string;
  status: 'pending' | 'approved' | 'rejected';
  submittedAt: string;
  decidedAt?: string;
  comment?: string;
}

/** The per-student, per-program document in Redis (`<prefix>:rm:progression:<program>` field = student id). */
export interface ProgressionDocument {
  studentId: string;
  programId: string;
  ruleSetVersion: number;
  ruleSetHash: string;
  /** The highest level reached, if any. */
  level: { levelId: string; reachedAt: string } | null;
  levels: { levelId: string; reachedAt: string }[];
  badges: ProgressionBadge[];
  eligible: { badgeId: string; since: string }[];
  applications: ProgressionApplication[];
  /** Log position the document reflects. */
  position: string;
}

/** What the rule state does not carry: application ids and comments, credentials, review flags. */
interface Extras {
  applications: Map<string, ProgressionApplication>;
  credentials: Map<string, string>;
  flagged: Set<string>;
  position: bigint;
}

export const readModelKeys = (prefix: string) => ({
  progression: (programId: string) => `${prefix}:rm:progression:${programId}`,
  roster: (programId: string, levelId: string) => `${prefix}:rm:roster:${programId}:${levelId}`,
  holders: (programId: string, badgeId: string) => `${prefix}:rm:holders:${programId}:${badgeId}`,
  students: `${prefix}:rm:students`,
  participations: `${prefix}:index:participations`,
  applications: `${prefix}:index:applications`,
  all: `${prefix}:rm:*`,
});

/**
 * Redis read models, written in batches by the rule projection: per-student
 * progression documents, rosters per level, badge holders (program
 * statistics are their sizes), the student list, and the lookup indexes.
 * Every write sets a value computed from state, so replaying a batch after a
 * crash leaves the same result.
 */
@Injectable()
export class ReadModels {
  private readonly keys: ReturnType<typeof readModelKeys>;
  private readonly extras = new Map<string, Extras>();
  private readonly dirty = new Map<string, Map<string, StudentState>>();
  private readonly indexes: { kind: 'participations' | 'applications'; id: string; studentId: string }[] = [];

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LAUREL_CONFIG) config: LaurelConfig,
  ) {
    this.keys = readModelKeys(config.redisPrefix);
  }

  async reset(): Promise<void> {
    this.extras.clear();
    this.dirty.clear();
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', this.keys.all, 'COUNT', 1000);
      if (found.length > 0) await this.redis.unlink(...found);
      cursor = next;
    } while (cursor !== '0');
  }

  async knownStudents(): Promise<string[]> {
    return this.redis.smembers(this.keys.students);
  }

  /** Records what the rule state does not hold; called for every student event, in log order. */
  observe(studentId: string, stored: RecordedEvent): void {
    const extras = this.extras.get(studentId) ?? { applications: new Map(), credentials: new Map(), flagged: new Set(), position: 0n };
    this.extras.set(studentId, extras);
    if (stored.position > extras.position) extras.position = stored.position;
    const event = { type: stored.type, data: stored.data } as StudentEvent;
    switch (event.type) {
      case 'ParticipationRecorded':
        this.indexes.push({ kind: 'participations', id: event.data.participationId, studentId });
        return;
      case 'ApplicationSubmitted':
        this.indexes.push({ kind: 'applications', id: event.data.applicationId, studentId });
        extras.applications.set(event.data.applicationId, {
          applicationId: event.data.applicationId,
          badgeId: event.data.badgeId,
          status: 'pending',
          submittedAt: event.data.submittedAt,
        });
        return;
      case 'ApplicationApproved':
      case 'ApplicationRejected': {
        const app = extras.applications.get(event.data.applicationId);
        if (app) {
          app.status = event.type === 'ApplicationApproved' ? 'approved' : 'rejected';
          app.decidedAt = event.data.decidedAt;
          if (event.data.comment !== undefined) app.comment = event.data.comment;
        }
        return;
      }
      case 'CredentialIssued':
        extras.credentials.set(event.data.awardId, event.data.credentialId);
        return;
      case 'AwardSupportLost':
        if (event.data.policy === 'flag') extras.flagged.add(event.data.awardId);
        return;
      case 'ParticipationVoided':
      case 'BadgeEarned':
      case 'AwardRevoked':
      case 'LevelReached':
      case 'EligibilityReached':
        return;
      default: {
        const _unknown: never = event;
        return;
      }
    }
  }

  /** The student's document must be rewritten at the next flush. */
  touch(studentId: string, programs: Map<string, StudentState>): void {
    this.dirty.set(studentId, programs);
  }

  async flush(ruleSetOf: (programId: string) => { ruleSet: RuleSet; version: number } | undefined): Promise<void> {
    if (this.dirty.size === 0 && this.indexes.length === 0) return;
    const multi = this.redis.multi();
    for (const [studentId, programs] of this.dirty) {
      multi.sadd(this.keys.students, studentId);
      for (const [programId, state] of programs) {
        const program = ruleSetOf(programId);
        if (!program) continue;
        const doc = this.document(studentId, program, state);
        multi.hset(this.keys.progression(programId), studentId, JSON.stringify(doc));
        for (const level of program.ruleSet.levels) {
          if (doc.level?.levelId === level.id) multi.sadd(this.keys.roster(programId, level.id), studentId);
          else multi.srem(this.keys.roster(programId, level.id), studentId);
        }
        for (const badge of program.ruleSet.badges) {
          if (doc.badges.some((b) => b.badgeId === badge.id && b.status !== 'revoked')) multi.sadd(this.keys.holders(programId, badge.id), studentId);
          else multi.srem(this.keys.holders(programId, badge.id), studentId);
        }
      }
    }
    for (const { kind, id, studentId } of this.indexes) multi.hset(this.keys[kind], id, studentId);
    this.dirty.clear();
    this.indexes.length = 0;
    await multi.exec();
  }

  private document(studentId: string, program: { ruleSet: RuleSet; version: number }, state: StudentState): ProgressionDocument {
    const extras = this.extras.get(studentId);
    const iso = (t: number) => new Date(t).toISOString();
    const levels = program.ruleSet.levels
      .filter((l) => state.levels[l.id] !== undefined)
      .map((l) => ({ levelId: l.id, reachedAt: iso(state.levels[l.id] ?? 0) }));
    const badges: ProgressionBadge[] = Object.entries(state.badges).map(([badgeId, held]) => {
      const credentialId = extras?.credentials.get(held.eventId);
      return {
        badgeId,
        awardId: held.eventId,
        earnedAt: iso(held.at),
        ...(held.expiresAt !== undefined && { expiresAt: iso(held.expiresAt) }),
        status: held.revoked ? 'revoked' : extras?.flagged.has(held.eventId) ? 'flagged' : 'active',
        ...(credentialId && { credentialId }),
        basis: held.basis,
      };
    });
    return {
      studentId,
      programId: program.ruleSet.programId,
      ruleSetVersion: program.version,
      ruleSetHash: program.ruleSet.sha256,
      level: levels.at(-1) ?? null,
      levels,
      badges,
      eligible: Object.entries(state.eligible)
        .filter(([badgeId]) => !state.badges[badgeId] || state.badges[badgeId]?.revoked)
        .map(([badgeId, since]) => ({ badgeId, since: iso(since) })),
      applications: [...(extras?.applications.values() ?? [])],
      position: String(extras?.position ?? 0n),
    };
  }
}
