import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE, WrongExpectedVersion, type EventStore, type NewEvent, type RecordedEvent } from '@laurel/event-store';
import { studentStream, toRuleFact, type RuleSetPublished } from '@laurel/progression';
import { applyOutcome, evaluate, fold, initialState, loadRuleSet, recheckSupport, type Outcome, type RuleSet, type StudentState } from '@laurel/rules';
import { AwardQueue, type AwardJob } from '../awards/award-queue';
import { derivedId, eventsForOutcome } from './derived-events';
import type { Projection } from './projection-runner';
import { ReadModels } from './read-models';

interface ActiveProgram {
  ruleSet: RuleSet;
  version: number;
}

/** Everything the projection holds about one student. */
interface StudentRecord {
  studentId: string;
  /** Rule state per program. */
  programs: Map<string, StudentState>;
  /** Awards made so far per `programId/badgeId` (award ids in order; the last is current). */
  awards: Map<string, string[]>;
  /**
   * Ids of the events of {@link REMEMBERED} types known to be in the stream
   * (folded or not): deterministic appends already made are skipped, and
   * awards already signed get no job.
   */
  ids: Set<string>;
  /** Ids of {@link REMEMBERED} events already folded into the state (our own appends are folded when made, before the subscription brings them). */
  folded: Set<string>;
  /** Last revision known in the stream. */
  head: bigint | null;
  /**
   * The stream has been read to its end at least once. Until then only what
   * the subscription delivered is known: the rest (derived events a previous
   * run appended further on) is read at the next flush that needs it.
   */
  tailKnown: boolean;
  /** Awards whose credential is issued, and awards revoked: no signing job for them. */
  settled: Set<string>;
  /** Derived events decided but not yet appended: they are appended together at the next flush (group commit). */
  pending: NewEvent[];
}

const CREDENTIAL_ISSUED = (awardId: string) => derivedId('CredentialIssued', awardId);

/**
 * The event types whose ids a student record keeps: those the projection
 * appends itself, and CredentialIssued. Participations and the other
 * commands' events are folded exactly once as the subscription brings them,
 * so their ids (most of a stream) are not held in memory.
 */
const REMEMBERED = new Set(['BadgeEarned', 'LevelReached', 'EligibilityReached', 'AwardSupportLost', 'AwardSupportRestored', 'AwardRevoked', 'CredentialIssued']);

function remember(record: StudentRecord, event: { id: string; type: string }): void {
  if (REMEMBERED.has(event.type)) record.ids.add(event.id);
}

/** The rule projection's name: its checkpoint key is `checkpointKeyOf(prefix, RULE_PROJECTION_NAME)`. */
export const RULE_PROJECTION_NAME = 'rules';

/**
 * The rule projection: folds every student event into that student's rule
 * state, evaluates the rule set active at that point of the log (with the
 * event's own time as the clock, so a replay decides exactly as the live run
 * did), and appends what follows (BadgeEarned, LevelReached,
 * EligibilityReached, AwardSupportLost, AwardSupportRestored, AwardRevoked)
 * with deterministic ids at the expected revision. Each (student, badge) award is therefore written
 * once even if the projection restarts mid-way or runs twice. Each
 * BadgeEarned is handed to the award queue (jobId = award id).
 */
@Injectable()
export class RuleProjection implements Projection {
  readonly name = RULE_PROJECTION_NAME;
  /** Everything: the checkpoint then tracks the log's head, which makes "caught up" a plain comparison. */
  readonly filter = {};
  private readonly logger = new Logger('rule-projection');
  private readonly programs = new Map<string, ActiveProgram>();
  private readonly students = new Map<string, StudentRecord>();
  private readonly withPending = new Set<StudentRecord>();
  /**
   * The log's head when this run started (reset or resume). A previous run
   * could have appended derived events only below it, so a student first met
   * at an event above it has nothing of ours further on in the stream: its
   * tail need not be read (a concurrent instance's appends still show as a
   * conflict at the append).
   */
  private startHead = -1n;
  /** Awards to hand to the queue at the next flush, unless the stream shows them signed or revoked by then. */
  private jobs: { job: AwardJob; record: StudentRecord }[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModels,
    private readonly awards: AwardQueue,
  ) {}

  async reset(): Promise<void> {
    this.programs.clear();
    this.students.clear();
    this.withPending.clear();
    this.jobs = [];
    this.startHead = await this.store.lastPosition();
    await this.readModels.reset();
  }

  /**
   * After a restart, or a failure in this process: everything applied since
   * the checkpoint is dropped, the rule sets published before it are in
   * force, and students load lazily from their streams again.
   */
  async resume(checkpoint: bigint): Promise<void> {
    this.programs.clear();
    this.students.clear();
    this.withPending.clear();
    this.jobs = [];
    this.readModels.forget();
    this.startHead = await this.store.lastPosition();
    const published = await this.store.readAll({ filter: { streamPrefixes: ['program-'], eventTypes: ['RuleSetPublished'] } });
    for (const event of published as RecordedEvent<'RuleSetPublished', RuleSetPublished['data']>[]) {
      if (event.position > checkpoint) break;
      const loaded = loadRuleSet(event.data.content, event.data.fileName);
      if (loaded.ok) this.programs.set(event.data.programId, { ruleSet: loaded.ruleSet, version: event.data.version });
    }
  }

  async apply(event: RecordedEvent): Promise<void> {
    if (event.stream.startsWith('program-')) {
      if (event.type === 'RuleSetPublished') await this.rulesChanged(event as RecordedEvent<'RuleSetPublished', RuleSetPublished['data']>);
      return;
    }
    if (!event.stream.startsWith('student-')) return;
    const studentId = event.stream.slice('student-'.length);
    const record = await this.student(studentId, event);
    remember(record, event);
    if (record.head === null || event.revision > record.head) record.head = event.revision;
    const unfolded = !record.folded.has(event.id);
    if (unfolded) {
      this.foldEvent(record, event);
      for (const program of this.programs.values()) this.settle(record, program, event.recordedAt);
    }
    if (event.type === 'BadgeEarned' || event.type === 'CredentialIssued' || event.type === 'AwardRevoked') this.awardStep(record, event);
    // Our own appends come back already folded: neither the state nor the extras changed since the flush that
    // wrote the student's document, so it is not built and sent again.
    if (unfolded) this.readModels.touch(record.studentId, record.programs);
  }

  /**
   * Appends the derived events of every student touched since the last flush
   * (one append per student, all at once, so the store commits them in one
   * transaction), then hands the new awards to the queue in one call while
   * it writes the read models. Only then does the runner move the checkpoint.
   */
  async flush(): Promise<void> {
    const records = [...this.withPending];
    this.withPending.clear();
    const candidates = this.jobs;
    this.jobs = [];
    // What lies beyond the subscription in these streams: derived events already appended, credentials already issued.
    const unread = new Set([...records, ...candidates.map((c) => c.record)].filter((r) => !r.tailKnown));
    await Promise.all([...unread].map((r) => this.learnTail(r)));
    await Promise.all(records.map((r) => this.appendPending(r)));
    const jobs = candidates
      .filter(({ job, record }) => !record.settled.has(job.awardId) && !record.ids.has(CREDENTIAL_ISSUED(job.awardId)))
      .map(({ job }) => job);
    // Both only after the append: a job's worker reads its BadgeEarned from the stream, and the read models show only what is stored.
    const written = await Promise.allSettled([
      jobs.length > 0 ? this.awards.enqueueMany(jobs) : undefined,
      this.readModels.flush((programId) => this.programs.get(programId)),
    ]);
    // Settled, not all: a failure must not leave the other write running into the next attempt's.
    for (const result of written) if (result.status === 'rejected') throw result.reason;
  }

  /** The rule set of a program as the projection last saw it. */
  program(programId: string): ActiveProgram | undefined {
    return this.programs.get(programId);
  }

  private foldEvent(record: StudentRecord, event: RecordedEvent): void {
    if (REMEMBERED.has(event.type)) record.folded.add(event.id);
    this.readModels.observe(record.studentId, event);
    if (event.type === 'BadgeEarned') {
      const d = event.data as { programId: string; badgeId: string; awardId: string };
      const key = `${d.programId}/${d.badgeId}`;
      const list = record.awards.get(key) ?? [];
      if (!list.includes(d.awardId)) record.awards.set(key, [...list, d.awardId]);
    }
    for (const [programId, state] of record.programs) {
      const program = this.programs.get(programId);
      const fact = toRuleFact(event, programId);
      if (program && fact) fold(program.ruleSet, state, fact);
    }
  }

  /** Evaluates until nothing changes, appending what each round decides. */
  private settle(record: StudentRecord, program: ActiveProgram, clock: Date): void {
    const { ruleSet } = program;
    const state = this.stateFor(record, ruleSet.programId);
    for (let round = 0; round < 10; round++) {
      const result = evaluate(ruleSet, state, clock);
      if (result.outcomes.length === 0) return;
      const events: NewEvent[] = [];
      for (const outcome of result.outcomes) {
        const made = eventsForOutcome(outcome, result.at, {
          ruleSet,
          ruleSetVersion: program.version,
          studentId: record.studentId,
          awardsSoFar: (badgeId) => record.awards.get(`${ruleSet.programId}/${badgeId}`)?.length ?? 0,
          currentAward: (badgeId) => record.awards.get(`${ruleSet.programId}/${badgeId}`)?.at(-1),
          lossesSoFar: (badgeId) => state.badges[badgeId]?.losses ?? 0,
        });
        this.applyLocally(record, ruleSet, state, result.at, outcome, made);
        events.push(...made);
      }
      const fresh = events.filter((e) => !record.ids.has(e.id));
      if (fresh.length > 0) {
        record.pending.push(...fresh);
        this.withPending.add(record);
      }
    }
    this.logger.warn(`student ${record.studentId}: rules did not settle in 10 rounds under ${ruleSet.programId}`);
  }

  private applyLocally(record: StudentRecord, ruleSet: RuleSet, state: StudentState, at: string, outcome: Outcome, made: NewEvent[]): void {
    const earned = made.find((e) => e.type === 'BadgeEarned');
    applyOutcome(ruleSet, state, at, outcome, () => earned?.id ?? derivedId('outcome', record.studentId, at));
    for (const e of made) {
      record.folded.add(e.id);
      this.readModels.observe(record.studentId, { ...e, position: 0n });
      if (e.type === 'BadgeEarned') {
        const key = `${ruleSet.programId}/${(e.data as { badgeId: string }).badgeId}`;
        record.awards.set(key, [...(record.awards.get(key) ?? []), e.id]);
      }
    }
  }

  /** Appends the pending events not already in the stream, at the known head; on a concurrent write, learns the new tail and retries. */
  private async appendPending(record: StudentRecord): Promise<void> {
    const events = record.pending;
    record.pending = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      const fresh = events.filter((e) => !record.ids.has(e.id));
      if (fresh.length === 0) return;
      try {
        const result = await this.store.append(studentStream(record.studentId), fresh, { expectedRevision: record.head ?? 'no_stream' });
        for (const e of fresh) record.ids.add(e.id);
        record.head = result.nextRevision;
        return;
      } catch (err) {
        if (!(err instanceof WrongExpectedVersion)) throw err;
        await this.learnTail(record);
      }
    }
    throw new Error(`could not append derived events for student ${record.studentId}: the stream keeps changing`);
  }

  private async learnTail(record: StudentRecord): Promise<void> {
    const tail = await this.store.readStream(studentStream(record.studentId), record.head === null ? {} : { fromRevision: record.head + 1n });
    for (const e of tail) {
      remember(record, e);
      record.head = e.revision;
    }
    record.tailKnown = true;
  }

  private awardStep(record: StudentRecord, event: RecordedEvent): void {
    const d = event.data as { awardId: string; programId: string; badgeId: string };
    if (event.type !== 'BadgeEarned') {
      record.settled.add(d.awardId);
      return;
    }
    // Whether its credential is already further on in the stream is checked at the flush, once the tail is known.
    if (record.settled.has(d.awardId)) return;
    this.jobs.push({ job: { awardId: d.awardId, studentId: record.studentId, programId: d.programId, badgeId: d.badgeId }, record });
  }

  private stateFor(record: StudentRecord, programId: string): StudentState {
    let state = record.programs.get(programId);
    if (!state) {
      state = initialState(record.studentId);
      record.programs.set(programId, state);
    }
    return state;
  }

  /**
   * The student's record, loading it on first touch. `at` is the event being
   * applied (or, for a rule change, the point in the log it happens at):
   * everything in the stream before it was applied before the last
   * checkpoint, so it is folded without evaluation. For a student event only
   * the events before it are read (none when it opens the stream, as in a
   * rebuild); what follows it is learnt when a flush needs it, unless the
   * event is newer than this run (see `startHead`).
   */
  private async student(studentId: string, at: RecordedEvent | bigint): Promise<StudentRecord> {
    const known = this.students.get(studentId);
    if (known) return known;
    const record: StudentRecord = {
      studentId,
      programs: new Map(),
      awards: new Map(),
      ids: new Set(),
      folded: new Set(),
      head: null,
      tailKnown: typeof at === 'bigint' || at.position > this.startHead,
      settled: new Set(),
      pending: [],
    };
    for (const programId of this.programs.keys()) this.stateFor(record, programId);
    if (typeof at !== 'bigint' && at.revision === 0n && at.position > this.startHead) this.readModels.isNew(studentId);
    const position = typeof at === 'bigint' ? at : at.position;
    const before =
      typeof at === 'bigint'
        ? await this.store.readStream(studentStream(studentId))
        : at.revision > 0n
          ? await this.store.readStream(studentStream(studentId), { maxCount: Number(at.revision) })
          : [];
    for (const e of before) {
      remember(record, e);
      record.head = e.revision;
      if (e.position < position) {
        this.foldEvent(record, e);
        if (e.type === 'CredentialIssued' || e.type === 'AwardRevoked') record.settled.add((e.data as { awardId: string }).awardId);
      }
    }
    this.students.set(studentId, record);
    return record;
  }

  private async rulesChanged(event: RecordedEvent<'RuleSetPublished', RuleSetPublished['data']>): Promise<void> {
    const { programId, version, content, fileName } = event.data;
    const loaded = loadRuleSet(content, fileName);
    if (!loaded.ok) {
      this.logger.error(`rule set ${programId} v${version} does not load; keeping the previous one`);
      return;
    }
    const program = { ruleSet: loaded.ruleSet, version };
    this.programs.set(programId, program);
    // Every student known so far is re-evaluated under the new rules (its policy applies to awards already made).
    for (const studentId of await this.readModels.knownStudents()) await this.student(studentId, event.position);
    for (const record of this.students.values()) {
      if (!record.programs.has(programId)) await this.refold(record, program, event.position);
      recheckSupport(program.ruleSet, this.stateFor(record, programId), event.recordedAt);
      this.settle(record, program, event.recordedAt);
      this.readModels.touch(record.studentId, record.programs);
    }
  }

  /** A program new to this student: fold the student's history so far into a fresh state for it. */
  private async refold(record: StudentRecord, program: ActiveProgram, position: bigint): Promise<void> {
    const programId = program.ruleSet.programId;
    const state = this.stateFor(record, programId);
    for (const e of await this.store.readStream(studentStream(record.studentId))) {
      // Everything before `position` is folded, except our own appends not yet made when the rules changed.
      if (e.position >= position || (REMEMBERED.has(e.type) && !record.folded.has(e.id))) continue;
      const fact = toRuleFact(e, programId);
      if (fact) fold(program.ruleSet, state, fact);
    }
  }
}
