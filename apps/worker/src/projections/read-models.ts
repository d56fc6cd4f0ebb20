import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { RecordedEvent } from '@laurel/event-store';
import { LAUREL_CONFIG, REDIS, type LaurelConfig, type LookupKind } from '@laurel/platform';
import { emptyExtras, observeExtras, progressionDocument, readModelKeys, reviewItems, type ProgressionExtras } from '@laurel/progression';
import type { RuleSet, StudentState } from '@laurel/rules';

/** The level roster and badge-holder sets a student belongs to, and whether they are in the review list. */
interface Membership {
  level: string | null;
  holds: Set<string>;
  inReview: boolean;
}

const NOWHERE: Membership = { level: null, holds: new Set(), inReview: false };

/** Field-value strings per HSET (an even number): big enough to save commands, small enough not to hold Redis up. */
const HSET_CHUNK = 2_000;

/**
 * Redis read models, written in batches by the rule projection: per-student
 * progression documents, rosters per level, badge holders (program
 * statistics are their sizes), the student list, and the lookup indexes.
 * Every write sets a value computed from state, so replaying a batch after a
 * crash leaves the same result; a student's roster and holder sets are
 * written in full the first time this process writes them, then as changes.
 */
@Injectable()
export class ReadModels {
  private readonly keys: ReturnType<typeof readModelKeys>;
  private readonly extras = new Map<string, ProgressionExtras>();
  private readonly dirty = new Map<string, Map<string, StudentState>>();
  private readonly indexes: { kind: LookupKind; id: string; studentId: string }[] = [];
  /**
   * Per `programId/studentId`: the level roster and badge-holder sets the
   * student is in, as this process last wrote them. A flush then sends only
   * what changed (a student's document changes with every event; their
   * level and badges rarely do), instead of a command per level and badge.
   */
  private readonly written = new Map<string, Membership>();
  /** Redis holds no read models from before (just reset): nothing to remove for a student not yet written. */
  private fresh = false;
  /**
   * Students Redis holds nothing about, not yet written: their stream began
   * after this run started (see {@link ReadModels.isNew}). Their first write
   * sends only the sets they are in, not a removal from every other roster
   * and holder set of the program.
   */
  private readonly unwritten = new Set<string>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LAUREL_CONFIG) config: LaurelConfig,
  ) {
    this.keys = readModelKeys(config.redisPrefix);
  }

  async reset(): Promise<void> {
    this.forget();
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', this.keys.all, 'COUNT', 1000);
      if (found.length > 0) await this.redis.unlink(...found);
      cursor = next;
    } while (cursor !== '0');
    this.fresh = true;
  }

  /**
   * Drops everything observed and not yet written, and what this process
   * believes Redis holds: the projection is about to apply the events after
   * its checkpoint again (a restart after a failure), and `observe` must not
   * count them twice.
   */
  forget(): void {
    this.extras.clear();
    this.dirty.clear();
    this.indexes.length = 0;
    this.written.clear();
    this.unwritten.clear();
    this.fresh = false;
  }

  /**
   * The student's stream began after this run started: no earlier run of the
   * projection wrote anything about them (it could only have written what
   * the log held when this run started).
   */
  isNew(studentId: string): void {
    this.unwritten.add(studentId);
  }

  async knownStudents(): Promise<string[]> {
    return this.redis.smembers(this.keys.students);
  }

  /** Records what the rule state does not hold; called for every student event, in log order. */
  observe(studentId: string, stored: Pick<RecordedEvent, 'type' | 'data' | 'position'>): void {
    const extras = this.extras.get(studentId) ?? emptyExtras();
    this.extras.set(studentId, extras);
    observeExtras(extras, stored);
    if (stored.type === 'ParticipationRecorded') {
      this.indexes.push({ kind: 'participations', id: (stored.data as { participationId: string }).participationId, studentId });
    } else if (stored.type === 'ApplicationSubmitted') {
      this.indexes.push({ kind: 'applications', id: (stored.data as { applicationId: string }).applicationId, studentId });
    } else if (stored.type === 'CredentialIssued') {
      this.indexes.push({ kind: 'credentials', id: (stored.data as { credentialId: string }).credentialId, studentId });
    }
  }

  /** The student's document must be rewritten at the next flush. */
  touch(studentId: string, programs: Map<string, StudentState>): void {
    this.dirty.set(studentId, programs);
  }

  async flush(ruleSetOf: (programId: string) => { ruleSet: RuleSet; version: number } | undefined): Promise<void> {
    if (this.dirty.size === 0 && this.indexes.length === 0) return;
    const multi = this.redis.multi();
    const written: [string, Membership][] = [];
    // Hash fields and set members go out grouped, a command per key, not a command each: in a rebuild that is
    // a few hundred commands per flush instead of one per participation and per student, and live, one SADD per
    // roster instead of one per student who moved. A student is added to or removed from a set once per flush.
    const hashes = new Map<string, string[]>();
    const added = new Map<string, string[]>();
    const removed = new Map<string, string[]>();
    const unreviewed = new Map<string, string[]>();
    const add = (grouped: Map<string, string[]>, key: string, ...values: string[]) => {
      const list = grouped.get(key);
      if (list) list.push(...values);
      else grouped.set(key, values);
    };
    const field = (key: string, name: string, value: string) => add(hashes, key, name, value);
    if (this.dirty.size > 0) multi.sadd(this.keys.students, [...this.dirty.keys()]);
    for (const [studentId, programs] of this.dirty) {
      for (const [programId, state] of programs) {
        const program = ruleSetOf(programId);
        if (!program) continue;
        const doc = progressionDocument(studentId, program, state, this.extras.get(studentId) ?? emptyExtras(), new Date());
        field(this.keys.progression(programId), studentId, JSON.stringify(doc));
        const review = reviewItems(doc);
        const now: Membership = {
          level: doc.level?.levelId ?? null,
          holds: new Set(doc.badges.filter((b) => b.status !== 'revoked').map((b) => b.badgeId)),
          inReview: review.length > 0,
        };
        const key = `${programId}/${studentId}`;
        const before = this.written.get(key) ?? (this.fresh || this.unwritten.has(studentId) ? NOWHERE : undefined);
        if (now.inReview) field(this.keys.review(programId), studentId, JSON.stringify(review));
        else if (before === undefined || before.inReview) add(unreviewed, this.keys.review(programId), studentId);
        if (before === undefined) {
          // Not written by this process yet, and Redis may say anything (a restart): set every set.
          for (const level of program.ruleSet.levels) add(now.level === level.id ? added : removed, this.keys.roster(programId, level.id), studentId);
          for (const badge of program.ruleSet.badges)
            add(now.holds.has(badge.id) ? added : removed, this.keys.holders(programId, badge.id), studentId);
        } else {
          if (before.level !== now.level) {
            if (before.level !== null) add(removed, this.keys.roster(programId, before.level), studentId);
            if (now.level !== null) add(added, this.keys.roster(programId, now.level), studentId);
          }
          for (const badgeId of before.holds) if (!now.holds.has(badgeId)) add(removed, this.keys.holders(programId, badgeId), studentId);
          for (const badgeId of now.holds) if (!before.holds.has(badgeId)) add(added, this.keys.holders(programId, badgeId), studentId);
        }
        written.push([key, now]);
      }
    }
    for (const [key, members] of removed) multi.srem(key, members);
    for (const [key, fields] of unreviewed) multi.hdel(key, ...fields);
    for (const [key, members] of added) multi.sadd(key, members);
    for (const { kind, id, studentId } of this.indexes) field(this.keys[kind], id, studentId);
    for (const [key, pairs] of hashes) for (let i = 0; i < pairs.length; i += HSET_CHUNK) multi.hset(key, ...pairs.slice(i, i + HSET_CHUNK));
    const students = [...this.dirty.keys()];
    this.dirty.clear();
    this.indexes.length = 0;
    try {
      await multi.exec();
    } catch (err) {
      // Whatever Redis now holds, the next write of each student sets every set again.
      this.written.clear();
      this.unwritten.clear();
      this.fresh = false;
      throw err;
    }
    for (const [key, membership] of written) this.written.set(key, membership);
    for (const studentId of students) this.unwritten.delete(studentId);
  }
}
