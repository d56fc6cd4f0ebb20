import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EventStore } from '@laurel/event-store';
import { loadConfig, type LaurelConfig } from './config';
import { openEventStore } from './open-event-store';
import { RuleSetRegistry, RuleSetRejected } from './rule-set-registry';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const FILE = 'vilnius-tech.yaml';

describe('when the engine starts with a rules directory', () => {
  let dataDir: string;
  let rulesDir: string;
  let config: LaurelConfig;
  let store: EventStore;

  /** What one engine start does with the directory; returns the active version afterwards. */
  const start = async (): Promise<number | undefined> => {
    const registry = new RuleSetRegistry(store, config);
    await registry.onModuleInit();
    const active = registry.get('vilnius-tech')?.version;
    await registry.onApplicationShutdown();
    return active;
  };
  const original = readFileSync(join(REPO_ROOT, 'rules', FILE), 'utf8');
  const edited = (marker: string) => `${original}\n# ${marker}\n`;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'laurel-registry-'));
    rulesDir = join(dataDir, 'rules');
    mkdirSync(rulesDir);
    copyFileSync(join(REPO_ROOT, 'rules', FILE), join(rulesDir, FILE));
    config = loadConfig({ LAUREL_DATA_DIR: dataDir, LAUREL_RULES_DIR: rulesDir, LAUREL_REDIS_PREFIX: 'laurel-test:unused' }, REPO_ROOT);
    store = openEventStore(config.eventStore);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes each file once, and again only when the file changes', async () => {
    expect(await start()).toBe(1);
    expect(await start()).toBe(1);
    writeFileSync(join(rulesDir, FILE), edited('(edited)'));
    expect(await start()).toBe(2);
    // Back to the first content: the file changed since it was last published from here.
    writeFileSync(join(rulesDir, FILE), original);
    expect(await start()).toBe(3);
  });

  it('refuses a file published to another program, pointing at its `id:`', async () => {
    const registry = new RuleSetRegistry(store, config);
    await registry.start();
    const published = registry.publish(original, 'vilnius-tech.yaml', { actor: 'designer:d-1' }, 'kaunas-tech');
    await expect(published).rejects.toBeInstanceOf(RuleSetRejected);
    const issues = (await published.catch((err: RuleSetRejected) => err)) as RuleSetRejected;
    await registry.onApplicationShutdown();
    // `program:` is on line 14; `  id: vilnius-tech` below it, its value at column 7.
    expect(original.split('\n')[14]).toBe('  id: vilnius-tech');
    expect(issues.issues).toEqual([
      expect.objectContaining({ line: 15, column: 7, message: expect.stringContaining('the file is for program "vilnius-tech", not "kaunas-tech"') }),
    ]);
  });

  it('says why nothing was published: the file is unchanged since it was published, or the active version has its content', async () => {
    expect(await start()).toBe(1);
    const registry = new RuleSetRegistry(store, config);
    await registry.start();
    const [again] = await registry.publishDirectory(rulesDir, { actor: 'system:startup' });
    expect(again).toMatchObject({ published: false, version: 1 });
    expect(again?.reason).toMatch(/^vilnius-tech\.yaml is unchanged since it was published as vilnius-tech v1 \(sha256 [0-9a-f]{12}\.\.\.\), the active version; nothing was published$/);

    const same = await registry.publish(original, 'copy.yaml', { actor: 'designer:d-1' });
    expect(same).toMatchObject({ published: false, version: 1 });
    expect(same.reason).toMatch(
      new RegExp(
        `^version 1 of vilnius-tech, active since \\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z, has this content already \\(sha256 ${same.sha256.slice(0, 12)}\\.\\.\\.\\); nothing was published: change the rule file to publish a new version$`,
      ),
    );
    const published = await registry.publish(edited('(from the API)'), 'draft.yaml', { actor: 'designer:d-1' });
    expect(published).toEqual({ published: true, programId: 'vilnius-tech', version: 2, sha256: published.sha256 });
    const [kept] = await registry.publishDirectory(rulesDir, { actor: 'system:startup' });
    expect(kept?.reason).toMatch(/is unchanged since it was published as vilnius-tech v1 .*; v2, published since by designer:d-1, stays active/);
    await registry.onApplicationShutdown();
  });

  it('keeps a version published through the API across restarts while the file stays as it was', async () => {
    expect(await start()).toBe(1);
    const registry = new RuleSetRegistry(store, config);
    await registry.start();
    const outcome = await registry.publish(edited('(from the API)'), 'draft.yaml', { actor: 'designer:d-1' });
    await registry.onApplicationShutdown();
    expect(outcome).toMatchObject({ published: true, version: 2 });

    expect(await start()).toBe(2);
    expect(await start()).toBe(2);
    // A designer who then edits the file means it: the file wins again.
    writeFileSync(join(rulesDir, FILE), edited('(edited file)'));
    expect(await start()).toBe(3);
  });
});
