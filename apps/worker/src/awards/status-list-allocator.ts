import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { EVENT_STORE, WrongExpectedVersion, type EventStore, type RecordedEvent } from '@laurel/event-store';

/** Entries per Bitstring Status List (the spec's minimum, 16 KB uncompressed). */
export const STATUS_LIST_SIZE = 131_072;
const NAMESPACE = '4d8e2f1a-6b3c-4e5d-8a9f-0b1c2d3e4f5a';
/** Most allocations written in one append. */
const MAX_BATCH = 500;
/** Appends tried per list before giving up on contention with other processes. */
const ATTEMPTS = 20;

export const statusListStream = (listId: string): string => `credential-status-${listId}`;

type Allocated = RecordedEvent<'StatusEntryAllocated', { awardId: string; listId: string; index: number }>;
type Entry = { listId: string; index: number };

interface Waiting {
  resolve(entry: Entry): void;
  reject(err: unknown): void;
  promise: Promise<Entry>;
}

/**
 * Hands each award one index in a revocation status list, exactly once even
 * when award jobs are retried or run twice: the allocation is an event in
 * `credential-status-<list>` whose index is its stream revision, appended at
 * an expected revision with an id derived from the award.
 *
 * Requests arriving together in one process are written in one append (one
 * fsync): concurrent jobs would otherwise all race for the same next index
 * and mostly lose. The expected revision still settles races with other
 * processes.
 */
@Injectable()
export class StatusListAllocator {
  private readonly known = new Map<string, Entry>();
  private readonly heads = new Map<string, bigint>();
  private readonly waiting = new Map<string, Waiting>();
  private running = false;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  allocate(awardId: string): Promise<Entry> {
    const known = this.known.get(awardId);
    if (known) return Promise.resolve(known);
    let entry = this.waiting.get(awardId);
    if (!entry) {
      let resolve!: (value: Entry) => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<Entry>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      entry = { resolve, reject, promise };
      this.waiting.set(awardId, entry);
      if (!this.running) {
        this.running = true;
        // Next turn of the event loop: lets the other jobs running now join the batch.
        setImmediate(() => void this.drain());
      }
    }
    return entry.promise;
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.size > 0) {
        const batch = [...this.waiting.keys()].slice(0, MAX_BATCH);
        const settle = (awardId: string, outcome: { entry: Entry } | { err: unknown }) => {
          const w = this.waiting.get(awardId);
          this.waiting.delete(awardId);
          if ('entry' in outcome) w?.resolve(outcome.entry);
          else w?.reject(outcome.err);
        };
        try {
          await this.allocateBatch(batch);
          for (const awardId of batch) {
            const entry = this.known.get(awardId);
            settle(awardId, entry ? { entry } : { err: new Error(`no status list index was allocated for award ${awardId}`) });
          }
        } catch (err) {
          for (const awardId of batch) settle(awardId, { err });
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async allocateBatch(awardIds: string[]): Promise<void> {
    for (let listNumber = 1; ; listNumber++) {
      const listId = String(listNumber);
      let full = false;
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        await this.catchUp(listId);
        const wanted = awardIds.filter((awardId) => !this.known.has(awardId));
        if (wanted.length === 0) return;
        const head = this.heads.get(listId);
        const first = head === undefined ? 0 : Number(head) + 1;
        const room = STATUS_LIST_SIZE - first;
        if (room <= 0) {
          full = true;
          break;
        }
        const events = wanted.slice(0, room).map((awardId, i) => ({
          id: uuidv5(awardId, NAMESPACE),
          type: 'StatusEntryAllocated',
          data: { awardId, listId, index: first + i },
          metadata: { actor: 'system:award-worker' },
        }));
        try {
          await this.store.append(statusListStream(listId), events, { expectedRevision: head ?? 'no_stream' });
        } catch (err) {
          if (!(err instanceof WrongExpectedVersion)) throw err;
          // Another process allocated meanwhile: read what it took and try again after it.
        }
      }
      if (!full) throw new Error(`could not allocate status list indexes in list ${listId}: too much contention with other workers`);
    }
  }

  /** Reads what was allocated (here or by other workers) since we last looked. */
  private async catchUp(listId: string): Promise<void> {
    const head = this.heads.get(listId);
    const events = await this.store.readStream(statusListStream(listId), head === undefined ? {} : { fromRevision: head + 1n });
    for (const e of events as Allocated[]) {
      this.known.set(e.data.awardId, { listId, index: Number(e.revision) });
      this.heads.set(listId, e.revision);
    }
  }
}
