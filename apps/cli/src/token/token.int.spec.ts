import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { main, memoryIo } from '../main';

describe('when `laurel token` is given a valid subject and lifetime', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-test-'));
  const previous = process.env.LAUREL_DATA_DIR;
  beforeAll(() => {
    process.env.LAUREL_DATA_DIR = dataDir;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.LAUREL_DATA_DIR;
    else process.env.LAUREL_DATA_DIR = previous;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [['student'], '20231234', '1s', 1],
    [['coordinator'], 'ana@uni.lt', '30m', 1800],
    [['admin'], 'a-1', '365d', 365 * 86400],
  ])('mints a token for --role %p --sub %p that lives %s', async (roles, sub, ttl, seconds) => {
    let out = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const io = memoryIo();
    try {
      expect(await main(['token', '--role', ...roles, '--sub', sub, '--ttl', ttl], io)).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(io.stderr).toBe('');
    const claims = decodeJwt(out.trim());
    expect(claims).toMatchObject({ sub, roles });
    expect(claims.exp! - claims.nbf!).toBe(seconds);
  });
});
