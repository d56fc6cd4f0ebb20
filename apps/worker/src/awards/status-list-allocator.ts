import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { EVENT_STORE, WrongExpectedVersion, type EventStore, type RecordedEvent } from '@laurel/event-store';

/** Entries per Bitstring Status List (the spec's minimum, 16 KB uncompressed). */
export const STATUS_LIST_SIZE = 131_072;
const NAMESPACE = '4d8e2f1a-6b3c-4e5d-8a9f-0b1c2d3e4f5a';

export const statusListStream = (listId: string): string => `credential-status-${listId}`;

type Allocated = RecordedEvent<'StatusEntryAllocated', { awardId: string; listId: string; index: number }>;

/**
 * Hands each award one index in a revocation status list, exactly once even
 * when award jobs are retried or run twice: the allocation is an event in
 * `credential-status-<list>` whose index is its stream revision, appended at
 * an expected revision with an id derived from the award.
 */
@Injectable()
export class StatusListAllocator {
  private readonly known = new Map<string, { listId: string; index: number }>();
  private readonly heads = new Map<string, bigint>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async allocate(awardId: string): Promise<{ listId: string; index: number }> {
    for (let listNumber = 1; ; listNumber++) {
      const listId = String(listNumber);
      for (let attempt = 0; attempt < 20; attempt++) {
        await this.catchUp(listId);
        const existing = this.known.get(awardId);
        if (existing) return existing;
        const head = this.heads.get(listId);
        const index = head === undefined ? 0 : Number(head) + 1;
        if (index >= STATUS_LIST_SIZE) break;
        try {
          await this.store.append(
            statusListStream(listId),
            [
              {
                id: uuidv5(awardId, NAMESPACE),
                type: 'StatusEntryAllocated',
                data: { awardId, listId, index },
                metadata: { actor: 'system:award-worker' },
              },
            ],
            { expectedRevision: head ?? 'no_stream' },
          );
          await this.catchUp(listId);
          const allocated = this.known.get(awardId);
          if (allocated) return allocated;
        } catch (err) {
          if (!(err instanceof WrongExpectedVersion)) throw err;
        }
      }
      if (this.heads.get(listId) === undefined || Number(this.heads.get(listId)) + 1 < STATUS_LIST_SIZE) {
        throw new Error(`could not allocate a status list index for award ${awardId}: too much contention`);
      }
    }
  }

  /** Reads what other workers allocated since we last looked. */
  private async catchUp(listId: string): Promise<void> {
    const head = this.heads.get(listId);
    const events = await this.store.readStream(statusListStream(listId), head === undefined ? {} : { fromRevision: head + 1n });
    for (const e of events as Allocated[]) {
      this.known.set(e.data.awardId, { listId, index: Number(e.revision) });
      this.heads.set(listId, e.revision);
    }
  }
}
