/**
 * A writer process for the crash and cross-process tests:
 *
 *   node -r @swc-node/register append-forever.ts <file> <stream-prefix> <writers> [count]
 *
 * Runs `writers` concurrent loops of single-event appends to the SQLite store
 * in `file` and prints `ack <event-id> <position>` once each append is
 * acknowledged. Without `count` it runs until it is killed.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../sqlite-event-store';

async function main(): Promise<void> {
  const [file, prefix, writersArg = '1', countArg] = process.argv.slice(2);
  if (!file || !prefix)
    throw new Error(
      'usage: append-forever.ts <file> <stream-prefix> <writers> [count]',
    );
  const store = SqliteEventStore.open(file, { synchronous: 'FULL' });
  const writers = Number(writersArg);
  let remaining =
    countArg === undefined ? Number.POSITIVE_INFINITY : Number(countArg);
  process.stdout.write('ready\n');
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      while (remaining > 0) {
        remaining -= 1;
        const id = randomUUID();
        const { position } = await store.append(`${prefix}${w}`, [
          { id, type: 'Acknowledged', data: { writer: w } },
        ]);
        process.stdout.write(`ack ${id} ${position}\n`);
      }
    }),
  );
  await store.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
