import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnEngine } from './support/spawn-engine';
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
    expect(failure.message).toMatch(new RegExp(`Laurel did not start: ${file.replace(/[.]/g, '\\.')} fails 4 of its \\d+ examples \\(6 expectations not met\\); nothing was published\n`));
    expect(failure.message).toMatch(
      new RegExp(`\\n${file.replace(/[.]/g, '\\.')}:\\d+:5 Example "Two sports activities earn the sports participation badge": expected badges \\[sports-participant\\]`),
    );
    expect(failure.message).toContain('`laurel rules check` and `laurel rules test` show the same errors');
    expect(failure.message).not.toMatch(/\n\s+at /);
  }, 60_000);
});
