import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { EVENT_STORE, WrongExpectedVersion, type EventStore } from '@laurel/event-store';

/** Entries per Bitstring Status List (the spec's minimum, 16 KB uncompressed). */
export const STATUS_LIST_SIZE = 131_072;
/**
 * Indexes reserved per append. A worker that dies loses what is left of its
 * block, so this bounds the unused bits per crash; it also bounds how often
 * workers contend for the reservation stream.
 */
export const STATUS_BLOCK_SIZE = 1024;
/** When this few indexes are left in the block, the next one is reserved in the background. */
const LOW_WATER = STATUS_BLOCK_SIZE / 4;
/**
 * Namespace of the StatusEntryAllocated event ids. Not the one of the earlier
 * allocator (index = stream revision, written before signing): an award whose
 * old-style allocation was never used gets a second, later event here, and the
 * status lists keep the last allocation of each award.
 */
const NAMESPACE = '9a1c4e2b-7d3f-4b8a-9e6c-1f2d3c4b5a69';
/** Appends tried before giving up on contention with other workers for the reservation stream. */
const ATTEMPTS = 20;

export const statusListStream = (listId: string): string => `credential-status-${listId}`;
/** Every block of indexes ever reserved, in order: the last one says where the next starts. */
export const STATUS_RESERVATIONS_STREAM = 'credential-status-reservations';

export type StatusEntry = { listId: string; index: number };
type Reserved = { listId: string; from: number; count: number };

/**
 * Hands each credential an index in a revocation status list that no other
 * credential ever gets, without a store round trip per credential: one
 * `StatusEntriesReserved` append (at the reservation stream's expected
 * revision, so two workers never reserve the same block) reserves
 * {@link STATUS_BLOCK_SIZE} indexes, which this process then hands out from
 * memory. Indexes of a block a worker did not finish (it was killed or
 * stopped) are never used: a status list may have unused bits, never shared ones.
 *
 * Which award owns which bit is recorded by {@link record} once the award's
 * CredentialIssued is stored, from that stored event: two workers racing on
 * one award each take an index, only one credential is stored, and the
 * status lists must follow that one.
 */
@Injectable()
export class StatusListAllocator {
  /** The block being handed out, and the next one (reserved in the background before this one runs out). */
  private current: { listId: string; next: number; end: number } | undefined;
  private spare: Reserved | undefined;
  private reserving: Promise<void> | undefined;
  private reserveError: Error | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** An index of its own for a credential about to be signed. */
  async take(): Promise<StatusEntry> {
    for (;;) {
      const block = this.current;
      if (block && block.next < block.end) {
        const entry = { listId: block.listId, index: block.next++ };
        if (block.end - block.next <= LOW_WATER && !this.spare) void this.reserveSpare();
        return entry;
      }
      if (this.spare) {
        const { listId, from, count } = this.spare;
        this.current = { listId, next: from, end: from + count };
        this.spare = undefined;
        continue;
      }
      if (this.reserveError) {
        // Once to one caller; the next one tries again.
        const err = this.reserveError;
        this.reserveError = undefined;
        throw err;
      }
      await this.reserveSpare();
    }
  }

  /**
   * Records that `awardId`'s credential, as stored, holds `entry`: the
   * `StatusEntryAllocated` the status lists are built from. Idempotent (the
   * event id is derived from the award), so a retried job just writes it again.
   */
  async record(awardId: string, entry: StatusEntry): Promise<void> {
    await this.store.append(statusListStream(entry.listId), [
      {
        id: uuidv5(awardId, NAMESPACE),
        type: 'StatusEntryAllocated',
        data: { awardId, listId: entry.listId, index: entry.index },
        metadata: { actor: 'system:award-worker' },
      },
    ]);
  }

  /** One reservation at a time per process; concurrent callers share it. */
  private reserveSpare(): Promise<void> {
    this.reserving ??= this.reserve()
      .then(
        (reserved) => {
          this.spare = reserved;
        },
        (err: unknown) => {
          this.reserveError = err instanceof Error ? err : new Error(String(err));
        },
      )
      .finally(() => {
        this.reserving = undefined;
      });
    return this.reserving;
  }

  private async reserve(): Promise<Reserved> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const [last] = await this.store.readStream(STATUS_RESERVATIONS_STREAM, { direction: 'backwards', maxCount: 1 });
      let start = last ? endOf(last.data as Reserved) : await this.afterLegacyAllocations();
      if (start.index >= STATUS_LIST_SIZE) start = { listId: String(Number(start.listId) + 1), index: 0 };
      const reserved = { listId: start.listId, from: start.index, count: Math.min(STATUS_BLOCK_SIZE, STATUS_LIST_SIZE - start.index) };
      try {
        await this.store.append(
          STATUS_RESERVATIONS_STREAM,
          [{ id: randomUUID(), type: 'StatusEntriesReserved', data: reserved, metadata: { actor: 'system:award-worker' } }],
          { expectedRevision: last ? last.revision : 'no_stream' },
        );
        return reserved;
      } catch (err) {
        if (!(err instanceof WrongExpectedVersion)) throw err;
        // Another worker reserved meanwhile: start after its block.
      }
    }
    throw new Error('could not reserve status list indexes: too much contention with other workers');
  }

  /**
   * Where the first block starts in a store written by the earlier allocator,
   * which appended one StatusEntryAllocated per award at index = stream revision.
   */
  private async afterLegacyAllocations(): Promise<StatusEntry> {
    for (let list = 1; ; list++) {
      const listId = String(list);
      const [last] = await this.store.readStream(statusListStream(listId), { direction: 'backwards', maxCount: 1 });
      const next = last ? Number(last.revision) + 1 : 0;
      if (next < STATUS_LIST_SIZE) return { listId, index: next };
    }
  }
}

const endOf = (r: Reserved): StatusEntry => ({ listId: r.listId, index: r.from + r.count });
