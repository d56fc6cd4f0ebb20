import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, loadConfig } from './config';
import { SigningKeys } from './signing-keys';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const run = promisify(execFile);

describe('credential signing keys', () => {
  let dataDir: string;
  const env = (extra: Record<string, string> = {}) => ({ LAUREL_DATA_DIR: dataDir, LAUREL_PUBLIC_URL: 'https://badges.example.edu', ...extra });
  const keysDir = () => join(dataDir, 'keys', 'credentials');
  const ring = () =>
    JSON.parse(readFileSync(join(keysDir(), 'key-ring.json'), 'utf8')) as { activeKid: string; keys: { kid: string; alg: string; d?: string }[] };
  const privateFiles = () => readdirSync(keysDir()).filter((f) => f.endsWith('.private.jwk.json'));

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'laurel-keys-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  describe('when the engine starts on an empty data folder', () => {
    it('generates an RS256 key whose kid is <publicUrl>/keys/<thumbprint>, private file 0600 in a 0700 folder', async () => {
      const keys = new SigningKeys(loadConfig(env()));
      await keys.ready();
      const active = await keys.activeKey();
      expect(active.alg).toBe('RS256');
      expect(active.kid).toMatch(/^https:\/\/badges\.example\.edu\/keys\/[A-Za-z0-9_-]{43}$/);
      expect(ring()).toEqual({ activeKid: active.kid, keys: [expect.objectContaining({ kid: active.kid, kty: 'RSA', alg: 'RS256', use: 'sig' })] });
      expect(ring().keys[0]).not.toHaveProperty('d');
      expect(privateFiles()).toEqual([`${active.kid.split('/').pop()}.private.jwk.json`]);
      expect(statSync(join(keysDir(), privateFiles()[0]!)).mode & 0o777).toBe(0o600);
      expect(statSync(keysDir()).mode & 0o777).toBe(0o700);
    });

    it('gives every process the same single key when several start at once', async () => {
      const script = join(REPO_ROOT, 'test/support/signing-keys-process.ts');
      const outputs = await Promise.all(
        Array.from({ length: 4 }, () =>
          run(process.execPath, ['-r', '@swc-node/register', '-r', 'tsconfig-paths/register', script], {
            cwd: REPO_ROOT,
            env: { ...process.env, ...env(), SWC_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json') },
          }),
        ),
      );
      const kids = outputs.map(({ stdout }) => /active (\S+)/.exec(stdout)?.[1]);
      expect(new Set(kids).size).toBe(1);
      expect(ring().keys).toHaveLength(1);
      expect(privateFiles()).toHaveLength(1);
    }, 60_000);

    it('keeps the keys of the previous start', async () => {
      const first = new SigningKeys(loadConfig(env()));
      await first.ready();
      const again = new SigningKeys(loadConfig(env()));
      expect((await again.activeKey()).kid).toBe((await first.activeKey()).kid);
    });
  });

  describe('when the key is rotated', () => {
    it('makes a new kid active, keeps the old public key, and other processes pick it up', async () => {
      const here = new SigningKeys(loadConfig(env()));
      const there = new SigningKeys(loadConfig(env()));
      await Promise.all([here.ready(), there.ready()]);
      const before = (await here.activeKey()).kid;
      const rotated = await here.rotate('ES256');
      expect(rotated).toEqual({ kid: expect.any(String), alg: 'ES256', previousKid: before, kids: [before, rotated.kid] });
      expect((await here.activeKey()).kid).toBe(rotated.kid);
      // The other process does not know the kid yet: asking for it re-reads the ring.
      expect(await there.publicKey(rotated.kid.split('/').pop()!)).toMatchObject({ kid: rotated.kid, kty: 'EC', crv: 'P-256' });
      await new Promise((r) => setTimeout(r, 1100));
      expect((await there.activeKey()).kid).toBe(rotated.kid);
      expect((await there.jwks()).keys.map((k) => k.kid)).toEqual([before, rotated.kid]);
      expect(privateFiles()).toHaveLength(2);
    });

    it('rotates to the configured algorithm when LAUREL_SIGNING_ALG changes between starts', async () => {
      const rs = new SigningKeys(loadConfig(env()));
      await rs.ready();
      const es = new SigningKeys(loadConfig(env({ LAUREL_SIGNING_ALG: 'ES256' })));
      expect((await es.activeKey()).alg).toBe('ES256');
      expect(ring().keys.map((k) => k.alg)).toEqual(['RS256', 'ES256']);
    });
  });

  describe('when the key comes from LAUREL_SIGNING_KEY_FILE', () => {
    const pemFile = (name: string, type: 'ec' | 'rsa') => {
      const file = join(dataDir, name);
      const { privateKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      return file;
    };

    it('signs with it, refuses rotation by API, and adds the next file key beside the old one', async () => {
      const first = new SigningKeys(loadConfig(env({ LAUREL_SIGNING_KEY_FILE: pemFile('a.pem', 'ec'), LAUREL_SIGNING_ALG: 'ES256' })));
      const firstKid = (await first.activeKey()).kid;
      expect(firstKid).toMatch(/^https:\/\/badges\.example\.edu\/keys\//);
      await expect(first.rotate()).rejects.toMatchObject({ code: 'ROTATION_UNAVAILABLE' });
      expect(privateFiles()).toEqual([]);

      const next = new SigningKeys(loadConfig(env({ LAUREL_SIGNING_KEY_FILE: pemFile('b.pem', 'ec'), LAUREL_SIGNING_ALG: 'ES256' })));
      const nextKid = (await next.activeKey()).kid;
      expect(ring()).toEqual({ activeKid: nextKid, keys: [expect.objectContaining({ kid: firstKid }), expect.objectContaining({ kid: nextKid })] });
    });

    it('stops start-up naming the variable when the key does not fit the algorithm', async () => {
      const keys = new SigningKeys(loadConfig(env({ LAUREL_SIGNING_KEY_FILE: pemFile('rsa.pem', 'rsa'), LAUREL_SIGNING_ALG: 'ES256' })));
      await expect(keys.ready()).rejects.toThrow(ConfigError);
      await expect(keys.ready()).rejects.toThrow(/LAUREL_SIGNING_KEY_FILE=.*rsa\.pem/);
    });
  });
});
