import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kill9, spawnEngine } from './support/spawn-engine';
import { REPO_ROOT } from './support/test-engine';
import { removeRedisKeys } from './support/redis-keys';

describe('when a rule file in LAUREL_RULES_DIR has a failing example', () => {
  const dir = mkdtempSync(join(tmpdir(), 'laurel-startup-'));
  const rulesDir = join(dir, 'rules');
  const file = join(rulesDir, 'vilnius-tech.yaml');
  const env = { LAUREL_DATA_DIR: join(dir, 'data'), LAUREL_RULES_DIR: rulesDir, LAUREL_REDIS_PREFIX: `laurel-test-${randomUUID()}` };

  beforeAll(() => {
    mkdirSync(rulesDir);
    // Three sports participations for the badge, where the file's first example shows two earning it.
    const source = readFileSync(join(REPO_ROOT, 'rules/vilnius-tech.yaml'), 'utf8').replace(
      'participations: { at-least: 2, category: sports }',
      'participations: { at-least: 3, category: sports }',
    );
    writeFileSync(file, source);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await removeRedisKeys(env.LAUREL_REDIS_PREFIX);
  });

  it('stops with one line per failed example, file:line:column first, and no stack trace', async () => {
    const failure = await spawnEngine(env).then(
      () => new Error('the engine started'),
      (err: Error) => err,
    );
    expect(failure.message).toMatch(/^engine exited with 1 before listening/);
    // Counted as examples, as `laurel rules test` counts them: four fail, with six failures between them (the META
    // example stops at its application, which the engine would refuse).
    expect(failure.message).toMatch(
      new RegExp(
        `Laurel did not start: ${file.replace(/[.]/g, '\\.')} fails 4 of its \\d+ examples \\(6 failures between them\\); nothing was published\n`,
      ),
    );
    expect(failure.message).toMatch(
      new RegExp(
        `\\n${file.replace(/[.]/g, '\\.')}:\\d+:5 Example "Two sports activities earn the sports participation badge": expected badges \\[sports-participant\\]`,
      ),
    );
    expect(failure.message).toContain('`laurel rules check` and `laurel rules test` show the same errors');
    expect(failure.message).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('when a rule file in LAUREL_RULES_DIR has a warning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'laurel-startup-'));
  const rulesDir = join(dir, 'rules');
  const file = join(rulesDir, 'vilnius-tech.yaml');
  const env = { LAUREL_DATA_DIR: join(dir, 'data'), LAUREL_RULES_DIR: rulesDir, LAUREL_REDIS_PREFIX: `laurel-test-${randomUUID()}` };
  // Sports participants are also asked for `at-least: 0` art participations: always true, so the checks warn.
  const source = readFileSync(join(REPO_ROOT, 'rules/vilnius-tech.yaml'), 'utf8').replace(
    'participations: { at-least: 2, category: sports }\n',
    'participations: { at-least: 2, category: sports }\n      all:\n        - participations: { at-least: 0, category: art }\n',
  );
  const lines = source.split('\n');
  const line = lines.findIndex((l) => l.includes('at-least: 0')) + 1;
  const column = lines[line - 1]!.indexOf('at-least: 0') + 'at-least: '.length + 1;

  beforeAll(() => {
    mkdirSync(rulesDir);
    writeFileSync(file, source);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await removeRedisKeys(env.LAUREL_REDIS_PREFIX);
  });

  it('publishes it and logs the warning as file:line:column, as `laurel rules check` prints it', async () => {
    const engine = await spawnEngine(env);
    try {
      const logged = engine.output();
      expect(logged).toMatch(/published vilnius-tech v1 /);
      const warning = `${file}:${line}:${column} warning: \`at-least: 0\` always holds, so this condition changes nothing; use at least 1 or remove it. [always-true-condition]`;
      // Once: the worker process the engine starts finds the file published and says nothing of it.
      expect(logged.split(warning).length - 1).toBe(1);
      expect(logged).toMatch(/worker process \d+ at nice/);
      expect(logged).not.toMatch(/vilnius-tech\.yaml is unchanged since it was published/);
    } finally {
      await kill9(engine.child);
    }
  }, 60_000);
});
