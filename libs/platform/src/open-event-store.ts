import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EventStoreDbEventStore, SqliteEventStore, type EventStore } from '@laurel/event-store';
import type { LaurelConfig } from './config';

/** Opens the configured event store adapter: the embedded SQLite file by default, EventStoreDB in production. */
export function openEventStore(config: LaurelConfig['eventStore']): EventStore {
  switch (config.kind) {
    case 'sqlite':
      mkdirSync(dirname(config.file), { recursive: true });
      return SqliteEventStore.open(config.file, { synchronous: config.synchronous });
    case 'eventstoredb':
      return EventStoreDbEventStore.connect(config.connectionString);
    default: {
      const never: never = config;
      throw new Error(`unknown event store ${JSON.stringify(never)}`);
    }
  }
}
