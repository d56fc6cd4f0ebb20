import { randomUUID } from 'node:crypto';
import { EventStoreDbEventStore } from './esdb-event-store';
import { eventStoreContract } from './test-support/event-store.contract';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

// No EventStoreDB server can run on the development machines; the contract
// runs against a real one when its address is given, and is reported as
// skipped (never faked) otherwise.
if (connectionString) {
  describe('EventStoreDB contract', () => {
    eventStoreContract(async () => {
      const store = EventStoreDbEventStore.connect(connectionString);
      await store.ping();
      return store;
    });
  });
} else {
  console.info(
    'EventStoreDB contract skipped: set EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false) to run it.',
  );
  describe.skip('EventStoreDB contract (skipped: set EVENTSTORE_CONNECTION_STRING to run)', () => {
    eventStoreContract(() => Promise.reject(new Error('not connected')));
  });
}

describe('EventStoreDbEventStore', () => {
  describe('when the server is unreachable', () => {
    // Port 1 on loopback refuses connections: a real client against no server, not a fake one.
    let store: EventStoreDbEventStore;
    beforeAll(() => {
      store = EventStoreDbEventStore.connect('esdb://127.0.0.1:1?tls=false');
    });
    afterAll(() => store.close());

    it('fails ping, append and reads with EVENT_STORE_UNAVAILABLE', async () => {
      const unavailable = { code: 'EVENT_STORE_UNAVAILABLE' };
      await expect(store.ping()).rejects.toMatchObject(unavailable);
      await expect(
        store.append('student-1', [{ id: randomUUID(), type: 'T', data: {} }]),
      ).rejects.toMatchObject(unavailable);
      await expect(store.readStream('student-1')).rejects.toMatchObject(
        unavailable,
      );
      await expect(store.readAll()).rejects.toMatchObject(unavailable);
      await expect(store.lastPosition()).rejects.toMatchObject(unavailable);
    });

    it('ends a subscription with EVENT_STORE_UNAVAILABLE', async () => {
      const subscription = store.subscribeToAll();
      await expect(
        subscription[Symbol.asyncIterator]().next(),
      ).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
      await subscription.close();
    });

    it('refuses invalid events before calling the server', async () => {
      await expect(
        store.append('student-1', [{ id: 'nope', type: 'T', data: {} }]),
      ).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    });
  });

  describe('when given a malformed connection string', () => {
    it('throws EVENT_STORE_UNAVAILABLE naming the problem', () => {
      expect(() => EventStoreDbEventStore.connect('http://nope')).toThrow(
        expect.objectContaining({ code: 'EVENT_STORE_UNAVAILABLE' }),
      );
    });
  });
});
