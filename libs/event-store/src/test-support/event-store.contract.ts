import { randomUUID } from 'node:crypto';
import {
  DuplicateEventId,
  EventStoreError,
  WrongExpectedVersion,
} from '../errors';
import type {
  AppendResult,
  EventStore,
  NewEvent,
  RecordedEvent,
  Subscription,
} from '../event-store';

/**
 * The behaviour every {@link EventStore} adapter must show. Each adapter's
 * spec calls this with a way to open a store; the store may hold other data
 * (a shared EventStoreDB), so every test works in its own streams, named
 * from a fresh UUID, and reads the global log through a prefix filter.
 */
export function eventStoreContract(open: () => Promise<EventStore>): void {
  let store: EventStore;

  beforeAll(async () => {
    store = await open();
  });

  afterAll(async () => {
    await store?.close();
  });

  /** A fresh prefix; streams named from it belong to one test. */
  const scope = () => `test${randomUUID().replaceAll('-', '')}-`;
  const event = (
    type = 'SomethingHappened',
    data: Record<string, unknown> = {},
  ): NewEvent => ({ id: randomUUID(), type, data });
  const ids = (events: { id: string }[]) => events.map((e) => e.id);

  async function rejection(promise: Promise<unknown>): Promise<unknown> {
    try {
      await promise;
    } catch (err) {
      return err;
    }
    throw new Error('expected a rejection');
  }

  /** Takes `count` events from a subscription, failing after `ms`. */
  async function take(
    subscription: Subscription,
    count: number,
    ms = 5000,
  ): Promise<RecordedEvent[]> {
    const got: RecordedEvent[] = [];
    if (count === 0) return got;
    const iterator = subscription[Symbol.asyncIterator]();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `received ${got.length} of ${count} events within ${ms} ms`,
            ),
          ),
        ms,
      );
    });
    try {
      while (got.length < count) {
        const next = await Promise.race([iterator.next(), timeout]);
        if (next.done)
          throw new Error(
            `subscription ended after ${got.length} of ${count} events`,
          );
        got.push(next.value);
      }
      return got;
    } finally {
      clearTimeout(timer);
    }
  }

  describe('when appending with an expected revision', () => {
    it("appends to a new or existing stream with 'any'", async () => {
      const stream = `${scope()}s`;
      const first = await store.append(stream, [event()], {
        expectedRevision: 'any',
      });
      const second = await store.append(stream, [event(), event()]);
      expect(first.nextRevision).toBe(0n);
      expect(second.nextRevision).toBe(2n);
      expect(second.position).toBeGreaterThan(first.position);
    });

    it("creates a stream with 'no_stream' and refuses it once the stream exists", async () => {
      const stream = `${scope()}s`;
      await expect(
        store.append(stream, [event()], { expectedRevision: 'no_stream' }),
      ).resolves.toMatchObject({ nextRevision: 0n });
      const err = await rejection(
        store.append(stream, [event()], { expectedRevision: 'no_stream' }),
      );
      expect(err).toBeInstanceOf(WrongExpectedVersion);
      expect(err).toBeInstanceOf(EventStoreError);
      expect(err).toMatchObject({
        code: 'WRONG_EXPECTED_VERSION',
        stream,
        expected: 'no_stream',
        actual: 0n,
      });
    });

    it("refuses 'stream_exists' on a new stream and accepts it on an existing one", async () => {
      const stream = `${scope()}s`;
      const err = await rejection(
        store.append(stream, [event()], { expectedRevision: 'stream_exists' }),
      );
      expect(err).toMatchObject({
        code: 'WRONG_EXPECTED_VERSION',
        stream,
        expected: 'stream_exists',
        actual: 'no_stream',
      });
      await store.append(stream, [event()], { expectedRevision: 'no_stream' });
      await expect(
        store.append(stream, [event()], { expectedRevision: 'stream_exists' }),
      ).resolves.toMatchObject({ nextRevision: 1n });
    });

    it('accepts the current revision and refuses a stale, a future or a missing one with expected and actual', async () => {
      const stream = `${scope()}s`;
      const missing = await rejection(
        store.append(stream, [event()], { expectedRevision: 0n }),
      );
      expect(missing).toMatchObject({
        code: 'WRONG_EXPECTED_VERSION',
        expected: 0n,
        actual: 'no_stream',
      });

      await store.append(stream, [event(), event()], {
        expectedRevision: 'no_stream',
      });
      await expect(
        store.append(stream, [event()], { expectedRevision: 1n }),
      ).resolves.toMatchObject({ nextRevision: 2n });

      const stale = await rejection(
        store.append(stream, [event()], { expectedRevision: 1n }),
      );
      expect(stale).toMatchObject({
        code: 'WRONG_EXPECTED_VERSION',
        stream,
        expected: 1n,
        actual: 2n,
      });
      const future = await rejection(
        store.append(stream, [event()], { expectedRevision: 7n }),
      );
      expect(future).toMatchObject({ expected: 7n, actual: 2n });
      expect(await store.readStream(stream)).toHaveLength(3);
    });
  });

  describe('when two writers append to one stream at the same expected revision', () => {
    it('accepts exactly one of them', async () => {
      const stream = `${scope()}s`;
      await store.append(stream, [event()], { expectedRevision: 'no_stream' });
      const a = event('A');
      const b = event('B');
      const results = await Promise.allSettled([
        store.append(stream, [a], { expectedRevision: 0n }),
        store.append(stream, [b], { expectedRevision: 0n }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toMatchObject({
        code: 'WRONG_EXPECTED_VERSION',
        expected: 0n,
        actual: 1n,
      });
      const stored = await store.readStream(stream);
      expect(stored).toHaveLength(2);
      expect([a.id, b.id]).toContain(stored[1]!.id);
    });
  });

  describe('when two writers create one stream at once', () => {
    // What a claim (a participation id for one student) rests on where event ids are unique per stream only.
    it("accepts exactly one of them at 'no_stream', and the winner's retry again", async () => {
      const stream = `${scope()}claim`;
      const a = event('Claimed', { by: 'a' });
      const b = event('Claimed', { by: 'b' });
      const results = await Promise.allSettled([
        store.append(stream, [a], { expectedRevision: 'no_stream' }),
        store.append(stream, [b], { expectedRevision: 'no_stream' }),
      ]);
      const lost = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toMatchObject({
        code: 'WRONG_EXPECTED_VERSION',
        expected: 'no_stream',
        actual: 0n,
      });
      const [stored] = await store.readStream(stream);
      const winner = stored!.id === a.id ? a : b;
      const loser = winner === a ? b : a;
      const retry = await store.append(stream, [winner], {
        expectedRevision: 'no_stream',
      });
      expect(retry.nextRevision).toBe(0n);
      expect(
        await rejection(
          store.append(stream, [loser], { expectedRevision: 'no_stream' }),
        ),
      ).toBeInstanceOf(WrongExpectedVersion);
      expect(ids(await store.readStream(stream))).toEqual([winner.id]);
    });
  });

  describe('when an event id stored in one stream is appended to another', () => {
    it('refuses it where an id names one event in the store, and stores it as another event where it does so per stream', async () => {
      const prefix = scope();
      const shared = event();
      await store.append(`${prefix}a`, [shared], {
        expectedRevision: 'no_stream',
      });
      if (store.eventIdScope === 'store') {
        const err = await rejection(
          store.append(`${prefix}b`, [shared], { expectedRevision: 'no_stream' }),
        );
        expect(err).toBeInstanceOf(DuplicateEventId);
        expect(err).toMatchObject({
          code: 'INVALID_EVENT',
          id: shared.id,
          storedIn: `${prefix}a`,
        });
        expect(await store.readStream(`${prefix}b`)).toEqual([]);
      } else {
        expect(store.eventIdScope).toBe('stream');
        const other = await store.append(`${prefix}b`, [shared], {
          expectedRevision: 'no_stream',
        });
        expect(other.nextRevision).toBe(0n);
        expect(ids(await store.readStream(`${prefix}b`))).toEqual([shared.id]);
      }
      expect(ids(await store.readStream(`${prefix}a`))).toEqual([shared.id]);
    });
  });

  describe('when an append is retried with the same event ids', () => {
    it('returns the original result without writing, at the same expected revision or with any', async () => {
      const stream = `${scope()}s`;
      const batch = [event(), event()];
      const original = await store.append(stream, batch, {
        expectedRevision: 'no_stream',
      });
      // Written says whether this call stored the events; a store that cannot tell leaves it out.
      expect(original.written).not.toBe(false);
      const same = (r: AppendResult) => ({ nextRevision: r.nextRevision, position: r.position });
      for (const expectedRevision of ['no_stream', 'any'] as const) {
        const retry = await store.append(stream, batch, { expectedRevision });
        expect(same(retry)).toEqual(same(original));
        expect(retry.written).not.toBe(true);
      }

      const next = [event()];
      const appended = await store.append(stream, next, {
        expectedRevision: 1n,
      });
      const retry = await store.append(stream, next, { expectedRevision: 1n });
      expect(same(retry)).toEqual(same(appended));
      expect(retry.written).not.toBe(true);
      expect(ids(await store.readStream(stream))).toEqual(
        ids([...batch, ...next]),
      );
    });

    it('refuses the same ids expected at a different position', async () => {
      const stream = `${scope()}s`;
      const a = event();
      const b = event();
      await store.append(stream, [a], { expectedRevision: 'no_stream' });
      await store.append(stream, [b], { expectedRevision: 0n });
      const err = await rejection(
        store.append(stream, [b], { expectedRevision: 'no_stream' }),
      );
      expect(err).toMatchObject({
        code: 'WRONG_EXPECTED_VERSION',
        expected: 'no_stream',
        actual: 1n,
      });
      expect(ids(await store.readStream(stream))).toEqual(ids([a, b]));
    });
  });

  describe('when events are invalid', () => {
    it('refuses them with INVALID_EVENT and writes nothing', async () => {
      const stream = `${scope()}s`;
      const cases: NewEvent[][] = [
        [],
        [{ id: 'not-a-uuid', type: 'T', data: {} }],
        [{ id: randomUUID(), type: '$system', data: {} }],
        [{ id: randomUUID(), type: 'T', data: 42 }],
        [event(), { id: randomUUID(), type: 'T', data: { n: 1n } }],
      ];
      for (const events of cases) {
        await expect(store.append(stream, events)).rejects.toMatchObject({
          code: 'INVALID_EVENT',
        });
      }
      const same = event();
      await expect(store.append(stream, [same, same])).rejects.toMatchObject({
        code: 'INVALID_EVENT',
      });
      expect(await store.readStream(stream)).toEqual([]);
    });
  });

  describe('when reading a stream', () => {
    it('reads forwards and backwards, from a revision, up to a count', async () => {
      const stream = `${scope()}s`;
      const events = [0, 1, 2, 3, 4].map((n) => event('Numbered', { n }));
      await store.append(stream, events, { expectedRevision: 'no_stream' });
      const revisions = (es: RecordedEvent[]) =>
        es.map((e) => Number(e.revision));

      expect(revisions(await store.readStream(stream))).toEqual([
        0, 1, 2, 3, 4,
      ]);
      expect(
        revisions(await store.readStream(stream, { fromRevision: 2n })),
      ).toEqual([2, 3, 4]);
      expect(
        revisions(await store.readStream(stream, { maxCount: 2 })),
      ).toEqual([0, 1]);
      expect(
        revisions(await store.readStream(stream, { direction: 'backwards' })),
      ).toEqual([4, 3, 2, 1, 0]);
      expect(
        revisions(
          await store.readStream(stream, {
            direction: 'backwards',
            fromRevision: 3n,
            maxCount: 2,
          }),
        ),
      ).toEqual([3, 2]);
      expect(await store.readStream(stream, { fromRevision: 9n })).toEqual([]);
      expect((await store.readStream(stream)).map((e) => e.data)).toEqual(
        [0, 1, 2, 3, 4].map((n) => ({ n })),
      );
    });

    it('reads a stream that does not exist as empty', async () => {
      await expect(store.readStream(`${scope()}missing`)).resolves.toEqual([]);
    });

    it('round-trips data, metadata, ids, types and the commit time', async () => {
      const stream = `${scope()}s`;
      const data = {
        text: 'Šiaulių dalyvavimas – ✓',
        nested: { list: [1, 2.5, null, true], empty: {} },
      };
      const metadata = {
        correlationId: randomUUID(),
        causationId: randomUUID(),
        actor: 'coordinator:jdoe',
        custom: { n: 1 },
      };
      const sent = {
        id: randomUUID(),
        type: 'ParticipationRecorded',
        data,
        metadata,
      };
      const bare = event('Bare', { x: 1 });
      const before = Date.now();
      const result = await store.append(stream, [sent, bare]);
      const [stored, storedBare] = await store.readStream(stream);
      expect(stored).toMatchObject({
        id: sent.id,
        stream,
        type: 'ParticipationRecorded',
        data,
        metadata,
        revision: 0n,
      });
      expect(storedBare).toMatchObject({
        metadata: {},
        revision: 1n,
        position: result.position,
      });
      expect(stored!.recordedAt).toBeInstanceOf(Date);
      expect(stored!.recordedAt.getTime()).toBeGreaterThanOrEqual(
        before - 60_000,
      );
      expect(stored!.recordedAt.getTime()).toBeLessThanOrEqual(
        Date.now() + 60_000,
      );
    });

    it('stores and reads a 1 MB event', async () => {
      const stream = `${scope()}s`;
      // 1,000,000 characters: "1 MB", inside EventStoreDB's default 1 MiB append limit.
      const blob = 'x'.repeat(999_000) + 'ė'.repeat(500);
      const big = event('Large', { blob });
      await store.append(stream, [big], { expectedRevision: 'no_stream' });
      const [stored] = await store.readStream(stream);
      expect(stored?.id).toBe(big.id);
      expect((stored?.data as { blob: string }).blob).toBe(blob);
    });
  });

  describe('when reading the global log', () => {
    it('orders events across streams by strictly increasing position', async () => {
      const prefix = scope();
      const appended: string[] = [];
      for (const s of ['a', 'b', 'a', 'c', 'b']) {
        const e = event();
        await store.append(`${prefix}${s}`, [e]);
        appended.push(e.id);
      }
      const all = await store.readAll({ filter: { streamPrefixes: [prefix] } });
      expect(ids(all)).toEqual(appended);
      all
        .slice(1)
        .forEach((e, i) =>
          expect(e.position).toBeGreaterThan(all[i]!.position),
        );
      expect(await store.lastPosition()).toBeGreaterThanOrEqual(
        all[all.length - 1]!.position,
      );
    });

    it('filters by stream prefix and event type, from an exclusive position, up to a count', async () => {
      const prefix = scope();
      await store.append(`${prefix}student-1`, [
        event('ParticipationRecorded'),
        event('BadgeEarned'),
      ]);
      await store.append(`${prefix}program-1`, [event('RuleSetPublished')]);
      await store.append(`${prefix}student-2`, [
        event('ParticipationRecorded'),
        event('LevelReached'),
      ]);

      const students = await store.readAll({
        filter: { streamPrefixes: [`${prefix}student-`] },
      });
      expect(students.map((e) => e.type)).toEqual([
        'ParticipationRecorded',
        'BadgeEarned',
        'ParticipationRecorded',
        'LevelReached',
      ]);

      const mixed = await store.readAll({
        filter: {
          streamPrefixes: [prefix],
          eventTypes: ['BadgeEarned', 'RuleSetPublished'],
        },
      });
      expect(mixed.map((e) => e.type)).toEqual([
        'BadgeEarned',
        'RuleSetPublished',
      ]);

      const afterSecond = await store.readAll({
        fromPosition: students[1]!.position,
        filter: { streamPrefixes: [`${prefix}student-`] },
      });
      expect(ids(afterSecond)).toEqual(ids(students.slice(2)));

      const firstTwo = await store.readAll({
        maxCount: 2,
        filter: { streamPrefixes: [prefix] },
      });
      expect(ids(firstTwo)).toEqual(ids(students.slice(0, 2)));
    });

    it('keeps every one of many concurrent appends, each at its reported position', async () => {
      const prefix = scope();
      const writes = Array.from({ length: 60 }, (_, i) => ({
        stream: `${prefix}${i % 6}`,
        e: event('Concurrent', { i }),
      }));
      const results = await Promise.all(
        writes.map((w) => store.append(w.stream, [w.e])),
      );
      const all = await store.readAll({ filter: { streamPrefixes: [prefix] } });
      expect(all).toHaveLength(60);
      all
        .slice(1)
        .forEach((e, i) =>
          expect(e.position).toBeGreaterThan(all[i]!.position),
        );
      const byId = new Map(all.map((e) => [e.id, e]));
      writes.forEach((w, i) => {
        const stored = byId.get(w.e.id);
        expect(stored).toMatchObject({
          stream: w.stream,
          position: results[i]!.position,
          revision: results[i]!.nextRevision,
        });
      });
      for (let s = 0; s < 6; s++) {
        const revisions = (await store.readStream(`${prefix}${s}`)).map((e) =>
          Number(e.revision),
        );
        expect(revisions).toEqual([...Array(10).keys()]);
      }
    });
  });

  describe('when subscribing to the global log', () => {
    it('catches up on stored events, then delivers new ones live, each once', async () => {
      const prefix = scope();
      const stored = [event(), event(), event()];
      await store.append(`${prefix}a`, stored.slice(0, 2));
      await store.append(`${prefix}b`, stored.slice(2));
      const subscription = store.subscribeToAll({
        filter: { streamPrefixes: [prefix] },
      });
      try {
        expect(ids(await take(subscription, 3))).toEqual(ids(stored));
        const live = [event(), event()];
        await store.append(`${prefix}a`, [live[0]!]);
        await store.append(`${prefix}c`, [live[1]!]);
        expect(ids(await take(subscription, 2))).toEqual(ids(live));
        const more = event();
        await store.append(`${prefix}a`, [more]);
        expect(ids(await take(subscription, 1))).toEqual([more.id]);
      } finally {
        await subscription.close();
      }
    });

    it('resumes after a checkpoint, excluding the checkpointed event', async () => {
      const prefix = scope();
      const events = [event(), event(), event(), event()];
      for (const e of events) await store.append(`${prefix}s`, [e]);
      const all = await store.readAll({ filter: { streamPrefixes: [prefix] } });
      const subscription = store.subscribeToAll({
        fromPosition: all[1]!.position,
        filter: { streamPrefixes: [prefix] },
      });
      try {
        expect(ids(await take(subscription, 2))).toEqual(ids(events.slice(2)));
      } finally {
        await subscription.close();
      }
    });

    it('delivers only events passing the filter', async () => {
      const prefix = scope();
      const subscription = store.subscribeToAll({
        fromPosition: await store.lastPosition(),
        filter: { streamPrefixes: [prefix], eventTypes: ['BadgeEarned'] },
      });
      try {
        const wanted = event('BadgeEarned');
        await store.append(`${prefix}s`, [
          event('ParticipationRecorded'),
          wanted,
        ]);
        await store.append(`other${prefix}s`, [event('BadgeEarned')]);
        const last = event('BadgeEarned');
        await store.append(`${prefix}t`, [event('LevelReached'), last]);
        expect(ids(await take(subscription, 2))).toEqual([wanted.id, last.id]);
      } finally {
        await subscription.close();
      }
    });

    it('ends a waiting for-await loop when closed', async () => {
      const subscription = store.subscribeToAll({
        fromPosition: await store.lastPosition(),
        filter: { streamPrefixes: [scope()] },
      });
      const loop = (async () => {
        let n = 0;
        for await (const _ of subscription) n += 1;
        return n;
      })();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await subscription.close();
      await expect(loop).resolves.toBe(0);
    });
  });
}
