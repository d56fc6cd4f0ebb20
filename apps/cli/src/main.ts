/**
 * The `laurel` command. Each top-level command lives in its own folder and
 * is added in `buildProgram`: `registerRulesCommands(program, io)` today;
 * commands built as a `Command` join with `program.addCommand(xxxCommand())`.
 * Keep imports here light: every `laurel rules ...` run loads this file.
 */
import { basename, dirname } from 'node:path';
import { Command, CommanderError } from 'commander';
import { describeError } from './cli-error';
import { processIo, type CliIo } from './rules/io';
import { eventsCommand } from './events/events.command';
import { importCommand } from './import/import.command';
import { projectionsCommand } from './projections/projections.command';
import { registerRulesCommands } from './rules/register-rules';
import { tokenCommand } from './token/token.command';

export type { CliIo };
export { memoryIo, processIo } from './rules/io';

export function buildProgram(io: CliIo = processIo()): Command {
  const program = new Command('laurel')
    .description('Laurel: event-sourced progression engine for university digital badges')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .addHelpText('after', '\nEnvironment:\n  LAUREL_DEBUG=1  print the stack trace of every error, not only of unexpected ones\n');
  registerRulesCommands(program, io);
  // addCommand, unlike command(), leaves a command's settings as they are: copy the exit override and the output, so
  // a bad option of any command comes back to `main` as an exit code and goes to `io`, instead of calling process.exit.
  for (const command of [importCommand(), tokenCommand(), projectionsCommand(), eventsCommand()]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}

/** The exit code so far: the highest of what the `rules` commands report through `io` and what the others set in `process.exitCode`. */
function exitCodeSoFar(io: CliIo): number {
  return Math.max(io.exitCode, Number(process.exitCode ?? 0));
}

/**
 * Runs the command line and returns the exit code (never calls `process.exit`):
 * the highest of what the `rules` commands report through `io` and what the
 * other commands (import, token, projections, events) set in `process.exitCode`.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const reported = () => exitCodeSoFar(io);
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? reported() : Math.max(e.exitCode, 1);
    io.err(`laurel: ${describeError(e)}\n`);
    return 1;
  }
  return reported();
}

// Run when started as a program: directly, or through bin/laurel.js.
const entry = require.main?.filename;
if (entry !== undefined && (entry === __filename || (basename(entry) === 'laurel.js' && basename(dirname(entry)) === 'bin'))) {
  const io = processIo();
  // `laurel rules check rules/ | head -1`: the reader has what it wanted and closed the pipe. What is left to print has
  // nowhere to go, and Node's default is an uncaught EPIPE with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    // Ends now, quietly, with the exit code of what was done before the pipe closed.
    process.exit(exitCodeSoFar(io));
  });
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
