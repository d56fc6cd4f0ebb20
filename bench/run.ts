/**
 * `npm run bench -- <name> [args]` runs bench/<name>.ts, which exports
 * `run(args: string[]): Promise<void>` and prints its figures. With no name it
 * lists the benchmarks.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

interface Bench {
  run(args: string[]): Promise<void>;
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const available = readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
    .map((f) => f.slice(0, -3));
  if (!name || !available.includes(name)) {
    console.error(`usage: npm run bench -- <${available.join('|')}> [options]`);
    process.exitCode = name ? 1 : 0;
    return;
  }
  const bench = (await import(join(__dirname, `${name}.ts`))) as Bench;
  await bench.run(args);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
