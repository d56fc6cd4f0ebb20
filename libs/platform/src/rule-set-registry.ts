import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { v5 as uuidv5 } from 'uuid';
import { EVENT_STORE, WrongExpectedVersion, type EventMetadata, type EventStore, type RecordedEvent, type Subscription } from '@laurel/event-store';
import { programStream, type RuleSetPublished } from '@laurel/progression';
import { LAUREL_CONFIG, type LaurelConfig } from './config';
import { formatIssue, loadRuleSet, runExamples, type RuleIssue, type RuleSet } from '@laurel/rules';

const PUBLISH_NAMESPACE = '0b6f3c1e-5d2a-4f7b-9a8e-3c4d5e6f7a8b';

export interface ActiveRuleSet {
  ruleSet: RuleSet;
  version: number;
  publishedAt: string;
  /** Global position of the RuleSetPublished event. */
  position: bigint;
  content: string;
}

/** A rule file failed the checks `laurel rules check` runs, or one of its own examples (`laurel rules test`); nothing was published. */
export class RuleSetRejected extends Error {
  readonly code = 'RULE_SET_INVALID';
  constructor(
    readonly fileName: string,
    readonly issues: RuleIssue[],
    /** When the issues are the file's own examples failing: how many examples failed, of how many (an example can miss several expectations, one issue each). */
    readonly examples?: { failed: number; run: number },
  ) {
    super(
      `${fileName} ${RuleSetRejected.summary(issues, examples)}: ${issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.message}`).join('; ')}`,
    );
  }

  /**
   * What is wrong, counted as the designer counts: errors, or examples (and
   * their failures between them: expectations not met, and steps the engine
   * would refuse, each an error of its own at its line).
   *
   * @example
   * RuleSetRejected.summary(issues, { failed: 4, run: 9 }) // 'fails 4 of its 9 examples (8 failures between them)'
   */
  static summary(issues: RuleIssue[], examples?: { failed: number; run: number }): string {
    if (examples === undefined) return `has ${issues.length} error(s)`;
    const unmet = issues.length === examples.failed ? '' : ` (${issues.length} failures between them)`;
    return `fails ${examples.failed} of its ${examples.run} example${examples.run === 1 ? '' : 's'}${unmet}`;
  }

  /** What an operator reads when a rule file stops start-up: one `file:line:column` line per error, and how to check the file. */
  report(): string {
    return [
      `Laurel did not start: ${this.fileName} ${RuleSetRejected.summary(this.issues, this.examples)}; nothing was published`,
      ...this.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.message}`),
      `Fix the file (\`laurel rules check\` and \`laurel rules test\` show the same errors), or move it out of LAUREL_RULES_DIR.`,
    ].join('\n');
  }
}

/** The actor of the RuleSetPublished events the engine appends for the rule files it finds at start-up. */
export const RULES_DIRECTORY_ACTOR = 'system:startup';

export type PublishOutcome = {
  published: boolean;
  programId: string;
  /** The version published, or the version that stays active. */
  version: number;
  sha256: string;
  /** Why nothing was published (`published: false`): which version already has the content, or that the file is unchanged since it was published. */
  reason?: string;
  /** What the checks warn about in the file (e.g. `at-least: 0`), as `laurel rules check` prints them; they do not stop publishing. Empty when there are none. */
  warnings: RuleIssue[];
};

/** Why publishing `sha256` changes nothing: `last`, the active version, has that content already. */
function alreadyActive(last: RecordedEvent<'RuleSetPublished', RuleSetPublished['data']>): string {
  const { programId, version, sha256, publishedAt } = last.data;
  return `version ${version} of ${programId}, active since ${publishedAt}, has this content already (sha256 ${sha256.slice(0, 12)}...); nothing was published: change the rule file to publish a new version`;
}

/**
 * The active rule set of every program, kept current from the `program-*`
 * streams (a rule set is published by appending RuleSetPublished, so every
 * process sees the same history). Also publishes rule files.
 */
@Injectable()
export class RuleSetRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('rules');
  private readonly active = new Map<string, ActiveRuleSet>();
  /** Every version ever published, per program, for time travel and what-if. */
  private readonly history = new Map<string, ActiveRuleSet[]>();
  private subscription?: Subscription;
  private starting?: Promise<void>;
  private readonly listeners = new Set<(programId: string, active: ActiveRuleSet) => void>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
  ) {}

  /** Before the app serves anything: load what is published, then publish the rule files that changed (where this process does). */
  async onModuleInit(): Promise<void> {
    await this.start();
    if (this.config.publishesRuleFiles && existsSync(this.config.rulesDir)) {
      await this.publishDirectory(this.config.rulesDir, { actor: RULES_DIRECTORY_ACTOR, reason: `rule files in ${this.config.rulesDir}` });
    }
  }

  /** Loads every published rule set, then follows new publications live. Idempotent. */
  start(): Promise<void> {
    this.starting ??= (async () => {
      const published = await this.store.readAll({ filter: { streamPrefixes: ['program-'], eventTypes: ['RuleSetPublished'] } });
      for (const event of published) this.take(event);
      const from = published.at(-1)?.position;
      this.subscription = this.store.subscribeToAll({
        ...(from !== undefined && { fromPosition: from }),
        filter: { streamPrefixes: ['program-'], eventTypes: ['RuleSetPublished'] },
      });
      void this.follow(this.subscription);
    })();
    return this.starting;
  }

  private async follow(subscription: Subscription): Promise<void> {
    try {
      for await (const event of subscription) this.take(event);
    } catch (err) {
      this.logger.error(`rule set subscription ended: ${String(err)}`);
    }
  }

  private take(event: RecordedEvent): void {
    const { data } = event as RecordedEvent<'RuleSetPublished', RuleSetPublished['data']>;
    const current = this.active.get(data.programId);
    if (current && current.version >= data.version) return;
    const loaded = loadRuleSet(data.content, data.fileName);
    if (!loaded.ok) {
      // Published content passed the checks when it was published; a newer engine may be stricter.
      this.logger.error(`published rule set ${data.programId} v${data.version} no longer loads: ${loaded.errors.map((e) => e.message).join('; ')}`);
      return;
    }
    const entry: ActiveRuleSet = {
      ruleSet: loaded.ruleSet,
      version: data.version,
      publishedAt: data.publishedAt,
      position: event.position,
      content: data.content,
    };
    this.active.set(data.programId, entry);
    const versions = this.history.get(data.programId) ?? [];
    versions.push(entry);
    this.history.set(data.programId, versions);
    for (const listener of this.listeners) listener(data.programId, entry);
  }

  /** Called for every rule set that becomes active (after start). */
  onPublished(listener: (programId: string, active: ActiveRuleSet) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(programId: string): ActiveRuleSet | undefined {
    return this.active.get(programId);
  }

  /** Every version of a program published so far, oldest first. */
  versions(programId: string): readonly ActiveRuleSet[] {
    return this.history.get(programId) ?? [];
  }

  /** The version that was active at `date` (publication time), if any. */
  activeAt(programId: string, date: Date): ActiveRuleSet | undefined {
    return (this.history.get(programId) ?? []).filter((v) => new Date(v.publishedAt) <= date).at(-1);
  }

  /** The published version with this content hash (what an award's `ruleSetHash` names), if this process has seen it. */
  bySha256(programId: string, sha256: string): ActiveRuleSet | undefined {
    return (this.history.get(programId) ?? []).find((v) => v.ruleSet.sha256 === sha256);
  }

  /** The program whose active rule set defines `badgeId` (badge ids are unique per engine by convention). */
  programOfBadge(badgeId: string): ActiveRuleSet | undefined {
    return this.all().find((a) => a.ruleSet.badges.some((b) => b.id === badgeId));
  }

  all(): ActiveRuleSet[] {
    return [...this.active.values()];
  }

  /**
   * Checks `content` and runs its examples; when it passes and differs from
   * the active version, appends RuleSetPublished (version + 1) to
   * `program-<id>`. Concurrent publishers are serialised by the expected
   * revision; the same content twice is a no-op.
   */
  async publish(content: string, fileName: string, metadata: EventMetadata, expectedProgramId?: string): Promise<PublishOutcome> {
    const loaded = loadRuleSet(content, fileName);
    if (!loaded.ok) throw new RuleSetRejected(fileName, loaded.errors);
    // The examples say what the designer means the rules to do: a file that contradicts its own is not what they meant.
    const examples = runExamples(loaded.ruleSet);
    const failed = examples.flatMap((r) => r.failures);
    if (failed.length > 0) throw new RuleSetRejected(fileName, failed, { failed: examples.filter((r) => !r.passed).length, run: examples.length });
    const { programId, sha256 } = loaded.ruleSet;
    if (expectedProgramId !== undefined && programId !== expectedProgramId) {
      throw new RuleSetRejected(fileName, [
        {
          file: fileName,
          ...loaded.ruleSet.programIdPos,
          code: 'invalid-value',
          severity: 'error',
          message: `the file is for program "${programId}", not "${expectedProgramId}"; publish it to /programs/${programId}/rules or change its program id`,
        },
      ]);
    }
    for (let attempt = 0; ; attempt++) {
      const stream = await this.store.readStream(programStream(programId), { direction: 'backwards', maxCount: 1 });
      const last = stream[0] as RecordedEvent<'RuleSetPublished', RuleSetPublished['data']> | undefined;
      if (last && last.data.sha256 === sha256) {
        return { published: false, programId, version: last.data.version, sha256, reason: alreadyActive(last), warnings: loaded.warnings };
      }
      const version = (last?.data.version ?? 0) + 1;
      const data: RuleSetPublished['data'] = {
        programId,
        version,
        sha256,
        fileName: basename(fileName),
        content,
        publishedAt: new Date().toISOString(),
      };
      try {
        const result = await this.store.append(
          programStream(programId),
          [{ id: uuidv5(`${programId}:${version}:${sha256}`, PUBLISH_NAMESPACE), type: 'RuleSetPublished', data, metadata }],
          { expectedRevision: last ? last.revision : 'no_stream' },
        );
        this.take({
          id: '',
          stream: programStream(programId),
          type: 'RuleSetPublished',
          data,
          metadata,
          revision: result.nextRevision,
          position: result.position,
          recordedAt: new Date(),
        });
        this.logger.log(`published ${programId} v${version} (${sha256.slice(0, 12)}) from ${basename(fileName)}`);
        return { published: true, programId, version, sha256, warnings: loaded.warnings };
      } catch (err) {
        if (!(err instanceof WrongExpectedVersion) || attempt >= 3) throw err;
      }
    }
  }

  /**
   * Publishes every `*.yaml` in `dir` whose content changed since the rule
   * files were last published from here (`metadata.actor`); a file that
   * fails the checks stops start-up. A file left as it was does not undo a
   * version published since through the API: that version stays active, and
   * a warning says the file differs from it. Each file's warnings are
   * logged as `file:line:column warning: ...`, as `laurel rules check`
   * prints them, whether or not it was published.
   */
  async publishDirectory(dir: string, metadata: EventMetadata & { actor: string }): Promise<PublishOutcome[]> {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort();
    const outcomes: PublishOutcome[] = [];
    for (const f of files) {
      const path = join(dir, f);
      const content = readFileSync(path, 'utf8');
      const loaded = loadRuleSet(content, path);
      if (loaded.ok) {
        const { programId, sha256 } = loaded.ruleSet;
        const versions = (await this.store.readStream(programStream(programId))) as RecordedEvent<'RuleSetPublished', RuleSetPublished['data']>[];
        const fromHere = versions.filter((e) => e.metadata?.actor === metadata.actor).at(-1);
        const last = versions.at(-1);
        if (fromHere && last && fromHere.data.sha256 === sha256) {
          const unchanged = `${f} is unchanged since it was published as ${programId} v${fromHere.data.version} (sha256 ${sha256.slice(0, 12)}...)`;
          const reason =
            last.data.sha256 === sha256
              ? `${unchanged}, the active version; nothing was published`
              : `${unchanged}; v${last.data.version}, published since by ${String(last.metadata?.actor ?? 'someone')}, stays active. Edit the file (or publish through the API) to replace it`;
          if (last.data.sha256 === sha256) this.logger.log(reason);
          else this.logger.warn(reason);
          this.logWarnings(loaded.warnings);
          outcomes.push({ published: false, programId, version: last.data.version, sha256: last.data.sha256, reason, warnings: loaded.warnings });
          continue;
        }
      }
      const outcome = await this.publish(content, path, metadata);
      if (outcome.reason !== undefined) this.logger.log(`${f}: ${outcome.reason}`);
      this.logWarnings(outcome.warnings);
      outcomes.push(outcome);
    }
    return outcomes;
  }

  /** An operator who never runs `laurel rules check` reads the warnings here, where the file is published. */
  private logWarnings(warnings: readonly RuleIssue[]): void {
    for (const w of warnings) this.logger.warn(formatIssue(w));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
