import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@laurel/event-store';
import {
  buildStatusListCredential,
  createStatusList,
  signCredential,
  setStatus,
  type BitstringStatusListCredential,
  type StatusList,
} from '@laurel/credentials';
import { LAUREL_CONFIG, SigningKeys, type LaurelConfig } from '@laurel/platform';
import type { AwardRevoked } from '@laurel/progression';
import { credentialUrls } from '../../../worker/src/awards/award-credential';
import { STATUS_LIST_SIZE } from '../../../worker/src/awards/status-list-allocator';

interface ListState {
  list: StatusList;
  /** Bumped whenever a bit is set, so a signed copy knows it is stale. */
  version: number;
}

interface SignedList {
  version: number;
  kid: string;
  jwt: string;
  credential: BitstringStatusListCredential;
}

type Allocated = { awardId: string; listId: string; index: number };

/**
 * The revocation status lists, built from the log: every
 * StatusEntryAllocated says which award owns which bit, every AwardRevoked
 * sets its award's bit. Kept in memory and brought up to date from the log
 * before each answer (only the events since the last look are read), so a
 * revocation shows in the very next request, whichever process appended it.
 * The signed list is cached until a bit changes or the key rotates.
 */
@Injectable()
export class StatusLists {
  private position: bigint | undefined;
  private readonly allocations = new Map<string, { listId: string; index: number }>();
  private readonly revoked = new Set<string>();
  private readonly lists = new Map<string, ListState>();
  private readonly signed = new Map<string, SignedList>();
  private reading: Promise<void> = Promise.resolve();
  private next: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LAUREL_CONFIG) private readonly config: LaurelConfig,
    private readonly keys: SigningKeys,
  ) {}

  /** The decoded list, current as of this call; `undefined` for a list no award uses. */
  async list(listId: string): Promise<StatusList | undefined> {
    await this.catchUp();
    return this.lists.get(listId)?.list;
  }

  /** The list as a signed BitstringStatusListCredential (VC-JWT) and its payload. */
  async signedList(listId: string): Promise<SignedList | undefined> {
    await this.catchUp();
    const state = this.lists.get(listId);
    if (!state) return undefined;
    const key = await this.keys.activeKey();
    const cached = this.signed.get(listId);
    if (cached && cached.version === state.version && cached.kid === key.kid) return cached;
    const credential = buildStatusListCredential({
      id: credentialUrls(this.config.publicUrl).statusList(listId),
      issuer: this.config.issuer.id,
      list: state.list,
      validFrom: new Date(Math.floor(Date.now() / 1000) * 1000),
    });
    const jwt = await signCredential(credential, { privateKey: key.privateKey, kid: key.kid, alg: key.alg });
    const signed = { version: state.version, kid: key.kid, jwt, credential };
    this.signed.set(listId, signed);
    return signed;
  }

  /** For the verifier: one of this issuer's list URLs, resolved to the list itself (trusted: it is read from our own log). */
  async resolve(url: string): Promise<StatusList | undefined> {
    const prefix = credentialUrls(this.config.publicUrl).statusList('');
    return url.startsWith(prefix) ? this.list(url.slice(prefix.length)) : undefined;
  }

  /** Reads what was appended since the last look; concurrent callers share the next read, which starts after they asked. */
  private catchUp(): Promise<void> {
    this.next ??= this.reading.then(() => {
      this.next = undefined;
      return this.read();
    });
    this.reading = this.next.catch(() => undefined);
    return this.next;
  }

  private async read(): Promise<void> {
    // Everything up to the head is committed: the next look can start there even if no event matched.
    const head = await this.store.lastPosition();
    const events = await this.store.readAll({
      ...(this.position !== undefined && { fromPosition: this.position }),
      filter: { eventTypes: ['StatusEntryAllocated', 'AwardRevoked'] },
    });
    for (const event of events) {
      if (event.type === 'StatusEntryAllocated') {
        const { awardId, listId, index } = event.data as Allocated;
        this.allocations.set(awardId, { listId, index });
        if (!this.lists.has(listId)) this.lists.set(listId, { list: createStatusList(STATUS_LIST_SIZE), version: 0 });
        if (this.revoked.has(awardId)) this.setBit(listId, index);
      } else {
        const { awardId } = event.data as AwardRevoked['data'];
        this.revoked.add(awardId);
        const allocated = this.allocations.get(awardId);
        if (allocated) this.setBit(allocated.listId, allocated.index);
      }
    }
    const last = events.at(-1)?.position ?? -1n;
    const reached = last > head ? last : head;
    if (this.position === undefined || reached > this.position) this.position = reached;
  }

  private setBit(listId: string, index: number): void {
    const state = this.lists.get(listId);
    if (!state || index >= state.list.length) return;
    state.list = setStatus(state.list, index, true);
    state.version += 1;
  }
}
