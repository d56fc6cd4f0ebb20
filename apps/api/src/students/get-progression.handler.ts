import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Redis } from 'ioredis';
import { EVENT_STORE, type EventStore } from '@laurel/event-store';
import { LAUREL_CONFIG, REDIS, RuleSetRegistry, type ActiveRuleSet, type LaurelConfig } from '@laurel/platform';
import {
  DomainError,
  emptyExtras,
  foldStudent,
  observeExtras,
  documentAt,
  progressionDocument,
  readModelKeys,
  studentStream,
  type ProgressionDocument,
} from '@laurel/progression';
import { explain, type Explanation } from '@laurel/rules';
import { withAwardBasis, type ProgressionBadgeView } from './award-basis';
import { unknownProgram } from '../programs/unknown-ids';

export interface ProgressionView extends Omit<ProgressionDocument, 'badges'> {
  /** Each award with its basis by participation, award and application ids. */
  badges: ProgressionBadgeView[];
  /** The instant the view describes: now, or the `asOf` asked for. */
  at: string;
  /** `read-model` (Redis, kept by the projection) or `log` (computed from the student's stream, for `asOf`). */
  source: 'read-model' | 'log';
  /** The next level and closest badge, with the shortest missing steps. */
  next: Explanation['next'];
  /** Every level and badge, condition by condition: current against required. */
  explanation: Pick<Explanation, 'levels' | 'badges'>;
}

export class GetProgression extends Query<ProgressionView> {
  constructor(
    readonly studentId: string,
    readonly programId: string | undefined,
    readonly asOf: Date | undefined,
  ) {
    super();
  }
}

/**
 * A student's progression. Now: the read model, with explanations computed
 * from the student's stream under the active rules. `asOf`: everything
 * computed from the log as it stood then, under the rules active then.
 */
@QueryHandler(GetProgression)
export class GetProgressionHandler implements IQueryHandler<GetProgression> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
    private readonly registry: RuleSetRegistry,
  ) {}

  async execute({ studentId, programId, asOf }: GetProgression): Promise<ProgressionView> {
    const now = asOf ?? new Date();
    const program = this.program(programId, asOf);
    const events = (await this.store.readStream(studentStream(studentId))).filter((e) => !asOf || e.recordedAt <= asOf);
    if (events.length === 0) {
      throw new DomainError(
        'STUDENT_NOT_FOUND',
        asOf
          ? `student ${studentId} had no recorded events by ${asOf.toISOString()}`
          : `no events are recorded for student ${studentId}; check the id`,
      );
    }
    const id = program.ruleSet.programId;
    const state = foldStudent(studentId, program.ruleSet, events);
    const extras = emptyExtras();
    for (const e of events) observeExtras(extras, e);
    const explanation = explain(program.ruleSet, state, now);
    let doc: ProgressionDocument | undefined;
    if (!asOf) {
      const stored = await this.redis.hget(readModelKeys(this.config.redisPrefix).progression(id), studentId);
      doc = stored ? (JSON.parse(stored) as ProgressionDocument) : undefined;
    }
    const view = doc ? documentAt(doc, program.ruleSet, state, now) : progressionDocument(studentId, program, state, extras, now);
    return {
      ...view,
      badges: withAwardBasis(view.badges, events),
      at: now.toISOString(),
      source: doc ? 'read-model' : 'log',
      next: explanation.next,
      explanation: { levels: explanation.levels, badges: explanation.badges },
    };
  }

  private program(programId: string | undefined, asOf: Date | undefined): ActiveRuleSet {
    const all = this.registry.all();
    const id = programId ?? (all.length === 1 ? all[0]?.ruleSet.programId : undefined);
    if (!id) {
      throw new DomainError(
        'NO_RULE_SET',
        all.length === 0
          ? 'no rule set is published yet'
          : `several programs exist (${all.map((a) => a.ruleSet.programId).join(', ')}); add ?programId=`,
      );
    }
    const found = asOf ? this.registry.activeAt(id, asOf) : this.registry.get(id);
    if (!found) {
      if (!asOf) throw unknownProgram(this.registry, id);
      const first = this.registry.versions(id)[0];
      throw new DomainError(
        'UNKNOWN_PROGRAM',
        first
          ? `program ${id} had no published rule set yet on ${asOf.toISOString()}: its first one was published on ${first.publishedAt}; ask for asOf on or after that (asOf follows when events were recorded in the log)`
          : `program ${id} had no published rule set on ${asOf.toISOString()}`,
      );
    }
    return found;
  }
}
