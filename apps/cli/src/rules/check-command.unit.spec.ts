import { join } from 'node:path';
import { main, memoryIo } from '../main';

const root = join(__dirname, '..', '..', '..', '..');

async function laurel(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(root);
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('when `laurel rules check` or `rules test` finds nothing to read', () => {
  it.each(['check', 'test'])('%s says a directory holds no rule files and exits 1', async (command) => {
    const { code, out, err } = await laurel('rules', command, 'rules/schema');
    expect(code).toBe(1);
    expect(err).toBe('laurel: rules/schema: no rule files (*.yaml, *.yml) found in this directory\n');
    expect(out).toBe('');
  });

  it.each(['check', 'test'])('%s prints only the error for a missing file, and exits 2', async (command) => {
    const { code, out, err } = await laurel('rules', command, 'rules/nope.yaml');
    expect(code).toBe(2);
    expect(err).toBe('laurel: rules/nope.yaml: no such file or directory\n');
    expect(out).toBe('');
  });

  it('does not call the files it read clean when another path is missing', async () => {
    const { code, out } = await laurel('rules', 'check', 'rules/', 'rules/nope.yaml');
    expect(code).toBe(2);
    expect(out).toContain('1 file checked: all clean (0 errors, 0 warnings), but not every path could be read');
  });
});
