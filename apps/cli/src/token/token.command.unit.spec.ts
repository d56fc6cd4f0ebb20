import { main, memoryIo } from '../main';

/** Runs `laurel token ...`; a refused command fails before it reads any configuration or key. */
async function token(...args: string[]): Promise<{ exitCode: number; err: string; out: string }> {
  let out = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const io = memoryIo();
    const exitCode = await main(['token', ...args], io);
    return { exitCode, err: io.stderr, out };
  } finally {
    write.mockRestore();
  }
}

describe('when `laurel token` is given a lifetime that makes no sense', () => {
  it.each([
    ['0', "error: option '--ttl <duration>' argument '0' is invalid. a token that lives 0 expires as it is minted; use a duration from 1s to 365d"],
    ['0h', 'a token that lives 0h expires as it is minted'],
    ['366d', '366d is longer than 365 days, and a local token cannot be revoked before it expires; use a duration from 1s to 365d'],
    ['1y', "argument '1y' is invalid. use a duration from 1s to 365d, e.g. 30m, 1h, 7d, or a number of seconds"],
  ])('refuses --ttl %s saying what is allowed, and prints no token', async (ttl, message) => {
    const result = await token('--role', 'coordinator', '--sub', 'c-1', '--ttl', ttl);
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain(message);
    expect(result.out).toBe('');
  });
});

describe('when `laurel token` is given a subject that cannot be one', () => {
  it.each([
    [
      ['student'],
      '2023 1234',
      'laurel: --sub "2023 1234" is not a student id: a student\'s token carries their student id (letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64 characters)\n',
    ],
    [['student'], '-20231234', 'laurel: --sub "-20231234" is not a student id'],
    [['coordinator', 'student'], 'ana@uni.lt', 'laurel: --sub "ana@uni.lt" is not a student id'],
    [['coordinator'], '', 'laurel: --sub "" is not valid: use the person\'s id, 1 to 128 characters without spaces or control characters\n'],
    [['admin'], 'ana\tadmin', 'laurel: --sub "ana\\tadmin" is not valid'],
    [['designer'], 'x'.repeat(129), `laurel: --sub "${'x'.repeat(80)}..." is not valid`],
  ])('refuses --role %p --sub %p naming what a subject must be, and prints no token', async (roles, sub, message) => {
    const result = await token('--role', ...roles, '--sub', sub);
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain(message);
    expect(result.out).toBe('');
  });
});
