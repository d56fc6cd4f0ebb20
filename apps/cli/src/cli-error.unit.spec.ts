import { ConfigError } from '@laurel/platform';
import { CliError, describeError } from './cli-error';
import { main, memoryIo } from './main';

describe('when a command fails', () => {
  it('prints what the user can act on without a stack', () => {
    const refused = Object.assign(new Error("EACCES: permission denied, open 'a.csv'"), { code: 'EACCES', syscall: 'open' });
    expect(describeError(new CliError('file a.csv not found'), false)).toBe('file a.csv not found');
    expect(describeError(new ConfigError('LAUREL_PORT=x is not a TCP port (0-65535)'), false)).toBe('LAUREL_PORT=x is not a TCP port (0-65535)');
    expect(describeError(refused, false)).toBe("EACCES: permission denied, open 'a.csv'");
  });

  it('prints the stack of an unexpected error, which is a bug', () => {
    expect(describeError(new TypeError('x is undefined'), false)).toMatch(/^TypeError: x is undefined\n\s+at /);
  });

  it('prints the stack and the cause of every error when LAUREL_DEBUG is set', () => {
    const text = describeError(new CliError('cannot reach the engine', { cause: new Error('connect ECONNREFUSED 127.0.0.1:3098') }), true);
    expect(text).toMatch(/^CliError: cannot reach the engine\n\s+at /);
    expect(text).toContain('[cause]: Error: connect ECONNREFUSED 127.0.0.1:3098');
  });

  it('says in --help how to see stack traces', async () => {
    const io = memoryIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout).toContain('LAUREL_DEBUG=1');
  });
});
