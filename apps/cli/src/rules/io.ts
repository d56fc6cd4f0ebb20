/**
 * Where a command writes and how it ends. Commands never touch
 * `process.stdout` or `process.exitCode` directly, so tests run them in
 * process and read what they printed.
 */
export type CliIo = {
  out(text: string): void;
  err(text: string): void;
  /** The highest exit code any command asked for (0 = success). */
  exitCode: number;
  cwd: string;
  /** Terminal colours. */
  color: boolean;
};

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    exitCode: 0,
    cwd: process.cwd(),
    color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
  };
}

/** An io that keeps everything written, for tests. */
export function memoryIo(cwd = process.cwd()): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    exitCode: 0,
    cwd,
    color: false,
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
  };
  return io;
}

export function fail(io: CliIo, code = 1): void {
  io.exitCode = Math.max(io.exitCode, code);
}

export function paint(io: CliIo, color: 'red' | 'yellow' | 'green' | 'dim' | 'bold', text: string): string {
  if (!io.color) return text;
  const codes = { red: 31, yellow: 33, green: 32, dim: 2, bold: 1 } as const;
  return `\u001b[${codes[color]}m${text}\u001b[0m`;
}
