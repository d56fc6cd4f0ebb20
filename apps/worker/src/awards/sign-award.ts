import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import { EVENT_STORE, WrongExpectedVersion, type EventStore, type RecordedEvent } from '@laurel/event-store';
import { buildAchievementCredential, signCredential } from '@laurel/credentials';
import { LAUREL_CONFIG, LookupIndex, RuleSetRegistry, SigningKeys, type LaurelConfig } from '@laurel/platform';
import { programStream, studentStream, type BadgeEarned, type CredentialIssued, type RuleSetPublished } from '@laurel/progression';
import { loadRuleSet, type RuleSet } from '@laurel/rules';
import { awardCredentialInput, credentialIssuedIdOf } from './award-credential';
import type { AwardJob } from './award-queue';
import { StatusListAllocator, type StatusEntry } from './status-list-allocator';
import { StudentHistory } from './student-history';

export type SignOutcome =
  | { outcome: 'issued' | 'already-issued'; credentialId: string; kid: string; statusListId: string; statusListIndex: number }
  | { outcome: 'revoked'; awardId: string };

/** How often the append is retried when other writers keep moving the student's stream. */
const APPEND_ATTEMPTS = 20;

/**
 * Turns one award into its signed credential, at most once: the
 * CredentialIssued id is derived from the award id and appended at the
 * revision the decision was made on, so a retried, duplicated or concurrent
 * job finds the credential already issued instead of issuing a second one.
 *
 * Per award it costs one read of what is new in the student's stream
 * ({@link StudentHistory}), one signature and one append (and a second read
 * when the store cannot say whether that append wrote); the status list
 * index comes from a block reserved in advance ({@link StatusListAllocator}).
 */
@Injectable()
export class AwardSigner {
  private readonly logger = new Logger('award-signer');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
    private readonly registry: RuleSetRegistry,
    private readonly keys: SigningKeys,
    private readonly allocator: StatusListAllocator,
    private readonly index: LookupIndex,
    private readonly history: StudentHistory,
  ) {}

  async sign(job: AwardJob): Promise<SignOutcome> {
    const issuedId = credentialIssuedIdOf(job.awardId);
    let signed: { credentialId: string; jwt: string; kid: string; alg: string; status: StatusEntry } | undefined;
    // Written while our append commits: if another worker's credential got there first, it is rewritten below.
    let indexed: Promise<void> | undefined;
    for (let attempt = 1; ; attempt++) {
      const { events, head } = await this.history.read(job.studentId);
      const issued = events.find((e) => e.id === issuedId) as RecordedEvent<'CredentialIssued', CredentialIssued['data']> | undefined;
      if (issued) {
        const { credentialId, kid, statusListId, statusListIndex } = issued.data;
        // Ours only if the stored credential is the one this run signed: an append of the same event id at
        // the same revision "succeeds" without writing when another worker got there first.
        const ours = signed?.credentialId === credentialId;
        // The status lists learn the credential's index from the stored credential, never from what this run
        // signed; a worker that died right after the append left this undone, so every run (re)writes it.
        await Promise.all([
          this.allocator.record(job.awardId, { listId: statusListId, index: statusListIndex }),
          ours && indexed ? indexed : this.index.remember('credentials', credentialId, job.studentId),
        ]);
        return { outcome: ours ? 'issued' : 'already-issued', credentialId, kid, statusListId, statusListIndex };
      }
      const earned = events.find((e) => e.type === 'BadgeEarned' && (e.data as BadgeEarned['data']).awardId === job.awardId) as
        RecordedEvent<'BadgeEarned', BadgeEarned['data']> | undefined;
      if (!earned) throw new UnrecoverableError(`award ${job.awardId} is not in student-${job.studentId}: nothing to sign`);
      if (events.some((e) => e.type === 'AwardRevoked' && (e.data as { awardId: string }).awardId === job.awardId)) {
        // Revoked before it was signed: no credential is ever issued for it.
        return { outcome: 'revoked', awardId: job.awardId };
      }
      signed ??= await this.build(earned.data, events);
      const data: CredentialIssued['data'] = {
        credentialId: signed.credentialId,
        awardId: job.awardId,
        studentId: job.studentId,
        programId: earned.data.programId,
        badgeId: earned.data.badgeId,
        kid: signed.kid,
        alg: signed.alg,
        jwt: signed.jwt,
        statusListId: signed.status.listId,
        statusListIndex: signed.status.index,
        issuedAt: new Date().toISOString(),
      };
      const appended = this.store.append(
        studentStream(job.studentId),
        [{ id: issuedId, type: 'CredentialIssued', data, metadata: { actor: 'system:award-worker', causationId: job.awardId } }],
        { expectedRevision: head ?? 'no_stream' },
      );
      if (!indexed) {
        // An index entry for a credential that ends up not stored points at nothing and is never looked up.
        indexed = this.index.remember('credentials', signed.credentialId, job.studentId);
        // Awaited only if the credential is ours; a failure then fails the job (and it is retried).
        indexed.catch(() => undefined);
      }
      try {
        if ((await appended).written === true) {
          // This call stored it (not an idempotent replay of another worker's append): no need to read it back.
          await Promise.all([this.allocator.record(job.awardId, signed.status), indexed]);
          return {
            outcome: 'issued',
            credentialId: signed.credentialId,
            kid: signed.kid,
            statusListId: signed.status.listId,
            statusListIndex: signed.status.index,
          };
        }
      } catch (err) {
        if (!(err instanceof WrongExpectedVersion) || attempt >= APPEND_ATTEMPTS) throw err;
        // Someone wrote to the stream meanwhile (perhaps this very credential, or a revocation): decide again.
      }
      // Refused, or a store that cannot say whether it wrote: either way the stream now says which credential the award has.
    }
  }

  private async build(award: BadgeEarned['data'], events: readonly RecordedEvent[]) {
    const program = await this.ruleSet(award.programId, award.ruleSetHash);
    if (!program) {
      throw new UnrecoverableError(`award ${award.awardId}: rule set ${award.ruleSetHash} of program ${award.programId} was never published`);
    }
    const badge = program.ruleSet.badges.find((b) => b.id === award.badgeId);
    if (!badge) throw new UnrecoverableError(`award ${award.awardId}: badge ${award.badgeId} is not in rule set ${award.ruleSetHash}`);
    const status = await this.allocator.take();
    // Random, not derived from the award: award ids can be computed from a student's id, and the
    // credential id is what lets anyone fetch the credential (only one CredentialIssued is ever stored).
    const credentialId = randomUUID();
    const credential = buildAchievementCredential(
      awardCredentialInput({
        config: this.config,
        credentialId,
        ruleSet: program.ruleSet,
        ruleSetVersion: program.version,
        badge,
        award,
        events,
        status,
      }),
    );
    const key = await this.keys.activeKey();
    const jwt = await signCredential(credential, { privateKey: key.privateKey, kid: key.kid, alg: key.alg });
    return { credentialId, jwt, kid: key.kid, alg: key.alg, status };
  }

  /** The rule set that made the award: from the registry, or (if this process has not caught up yet) from the program's stream. */
  private async ruleSet(programId: string, sha256: string): Promise<{ ruleSet: RuleSet; version: number } | undefined> {
    const known = this.registry.bySha256(programId, sha256);
    if (known) return known;
    const published = (await this.store.readStream(programStream(programId))) as RecordedEvent<'RuleSetPublished', RuleSetPublished['data']>[];
    const match = published.find((e) => e.type === 'RuleSetPublished' && e.data.sha256 === sha256);
    if (!match) return undefined;
    const loaded = loadRuleSet(match.data.content, match.data.fileName);
    if (!loaded.ok) {
      this.logger.error(`rule set ${programId} v${match.data.version} no longer loads`);
      return undefined;
    }
    return { ruleSet: loaded.ruleSet, version: match.data.version };
  }
}
