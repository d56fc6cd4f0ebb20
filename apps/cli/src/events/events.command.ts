import { createWriteStream, type WriteStream } from 'node:fs';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import type { ReadableStream } from 'node:stream/web';
import { Command } from 'commander';
import { CliError } from '../cli-error';
import { adminToken, engineUrl, openEngine } from '../engine-request';

type ExportOptions = { url: string; out?: string; after?: string; stream?: string };

/** Passes the bytes on and counts the lines, remembering the last complete one (where the export ended). */
function lineCounter(): Transform & { lines: number; last: string | undefined } {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  const counter = Object.assign(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        const lines = (partial + decoder.write(chunk)).split('\n');
        partial = lines.pop()!;
        counter.lines += lines.length;
        if (lines.length > 0) counter.last = lines[lines.length - 1];
        done(null, chunk);
      },
    }),
    { lines: 0, last: undefined as string | undefined },
  );
  return counter;
}

/** A file stream once it is open, or a CliError naming the file and why it cannot be written. */
function openForWriting(path: string, flags: 'w' | 'a'): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(path, { flags });
    stream.once('open', () => resolve(stream));
    stream.once('error', (e: NodeJS.ErrnoException) =>
      reject(new CliError(`cannot write ${path}: ${e.code === 'ENOENT' ? 'its folder does not exist' : e.message}; nothing was exported`, { cause: e })),
    );
  });
}

/**
 * `laurel events export`: the running engine's event log as newline-delimited
 * JSON (admin token from `$LAUREL_TOKEN` or the local key), the file
 * `laurel rules explain|diff --events` replay.
 */
export function eventsCommand(): Command {
  const command = new Command('events').description('the event log');
  command
    .command('export')
    .description('write the event log as newline-delimited JSON, for `laurel rules explain|diff --events`')
    .option('--url <url>', 'the engine', process.env.LAUREL_URL ?? 'http://127.0.0.1:3000')
    .option('--out <file>', 'write here (default: standard output)')
    .option('--after <position>', 'only events after this position (the last line of an earlier export): append to it')
    .option('--stream <prefix>', 'only streams whose name starts with this, e.g. student-')
    .action(async (options: ExportOptions) => {
      // Opened before asking the engine, so a path that cannot be written is said as such, not as an export cut short.
      const file = options.out === undefined ? undefined : await openForWriting(options.out, options.after === undefined ? 'w' : 'a');
      const target = engineUrl(options.url, '/admin/events');
      if (options.after !== undefined) target.searchParams.set('after', options.after);
      if (options.stream !== undefined) target.searchParams.set('stream', options.stream);
      const res = await openEngine(target, { headers: { authorization: `Bearer ${await adminToken()}` } }, 'admin').catch((e: unknown) => {
        file?.destroy();
        throw e;
      });
      if (res.body === null) throw new CliError('the engine answered without a body');
      const counter = lineCounter();
      const out: Writable = file ?? process.stdout;
      try {
        await pipeline(Readable.fromWeb(res.body as ReadableStream<Uint8Array>), counter, out, { end: file !== undefined });
      } catch (e) {
        // `laurel events export | head`: the reader has what it wanted; that is not a failed export.
        if (file === undefined && (e as NodeJS.ErrnoException).code === 'EPIPE') return;
        throw new CliError(
          `the export stopped after ${counter.lines} events (${e instanceof Error ? e.message : String(e)}); ` +
            `run it again, or continue with --after <position of the last complete line>`,
          { cause: e },
        );
      }
      const last = counter.last === undefined ? undefined : (JSON.parse(counter.last) as { position: number }).position;
      process.stderr.write(
        `${counter.lines} events${options.out === undefined ? '' : ` written to ${options.out}`}` +
          `${last === undefined ? '' : `, up to position ${last}: continue later with --after ${last}`}\n`,
      );
    });
  return command;
}
