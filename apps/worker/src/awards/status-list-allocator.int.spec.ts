import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@laurel/event-store';
import { STATUS_BLOCK_SIZE, StatusListAllocator, statusListStream, type StatusEntry } from './status-list-allocator';

const take = (allocator: StatusListAllocator, count: number): Promise<StatusEntry[]> =>
  Promise.all(Array.from({ length: count }, () => allocator.take()));

describe('when two worker processes take status list indexes from one store', () => {
  it('never hands out the same index twice, across blocks', async () => {
    const store = SqliteEventStore.open(':memory:');
    // Two allocators on one store behave like two processes: neither knows the other's blocks.
    const [a, b] = [new StatusListAllocator(store), new StatusListAllocator(store)];
    const taken = (await Promise.all([take(a, STATUS_BLOCK_SIZE + 10), take(b, STATUS_BLOCK_SIZE + 10)])).flat();
    expect(new Set(taken.map((e) => `${e.listId}#${e.index}`)).size).toBe(taken.length);
    await store.close();
  });
});

describe('when the store was written by the allocator that used stream revisions as indexes', () => {
  it('starts after the last index it allocated', async () => {
    const store = SqliteEventStore.open(':memory:');
    await store.append(
      statusListStream('1'),
      [0, 1, 2].map((index) => ({ id: randomUUID(), type: 'StatusEntryAllocated', data: { awardId: randomUUID(), listId: '1', index } })),
    );
    expect(await new StatusListAllocator(store).take()).toEqual({ listId: '1', index: 3 });
    await store.close();
  });
});
