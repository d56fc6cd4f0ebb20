import { Logger } from '@nestjs/common';
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
    expect(published).toEqual({ published: true, programId: 'vilnius-tech', version: 2, sha256: published.sha256, warnings: [] });
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

  describe('when a rule file has a warning', () => {
    // Sports participants also need `at-least: 0` art participations: always true, so `laurel rules check` warns.
    const warned = original.replace(
      'participations: { at-least: 2, category: sports }\n',
      'participations: { at-least: 2, category: sports }\n      all:\n        - participations: { at-least: 0, category: art }\n',
    );
    const lines = warned.split('\n');
    const line = lines.findIndex((l) => l.includes('at-least: 0')) + 1;
    const column = lines[line - 1]!.indexOf('at-least: 0') + 'at-least: '.length + 1;
    const message = '`at-least: 0` always holds, so this condition changes nothing; use at least 1 or remove it.';
    let warn: jest.SpyInstance;
    beforeEach(() => {
      warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });
    afterEach(() => warn.mockRestore());

    it('publishes it, answers the warning with its line and column, and logs it as file:line:column at every start', async () => {
      const path = join(rulesDir, FILE);
      writeFileSync(path, warned);
      const logged = `${path}:${line}:${column} warning: ${message} [always-true-condition]`;
      const registry = new RuleSetRegistry(store, config);
      await registry.start();
      const [first] = await registry.publishDirectory(rulesDir, { actor: 'system:startup' });
      expect(first).toMatchObject({ published: true, version: 1 });
      expect(first?.warnings).toEqual([{ file: path, line, column, code: 'always-true-condition', message, severity: 'warning' }]);
      expect(warn.mock.calls).toEqual([[logged]]);

      // Unchanged at the next start: nothing is published, and the warning is still there to fix.
      warn.mockClear();
      const [again] = await registry.publishDirectory(rulesDir, { actor: 'system:startup' });
      expect(again).toMatchObject({ published: false, version: 1, warnings: first?.warnings });
      expect(warn.mock.calls).toEqual([[logged]]);

      const viaApi = await registry.publish(warned, 'draft.yaml', { actor: 'designer:d-1' });
      expect(viaApi).toMatchObject({ published: false, version: 1, warnings: [expect.objectContaining({ file: 'draft.yaml', line, column })] });
      await registry.onApplicationShutdown();
    });

    it('logs no warning for a clean file', async () => {
      expect(await start()).toBe(1);
      expect(warn).not.toHaveBeenCalled();
    });
  });
});
