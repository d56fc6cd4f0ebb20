import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '@laurel/platform';
import { fold, initialState, loadRuleSet, type RuleSet, type StudentState } from '@laurel/rules';
import { readModelKeys } from '@laurel/progression';
import { ReadModels } from './read-models';

const file = join(__dirname, '../../../../rules/vilnius-tech.yaml');
const loaded = loadRuleSet(readFileSync(file, 'utf8'), file);
if (!loaded.ok) throw new Error('vilnius-tech.yaml does not load');
const ruleSet: RuleSet = loaded.ruleSet;
const program = { ruleSet, version: 1 };

describe('read models: rosters and badge holders', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const config = loadConfig({ ...process.env, LAUREL_REDIS_PREFIX: `laurel-test:${randomUUID()}` });
  const keys = readModelKeys(config.redisPrefix);
  const holders = () => redis.smembers(keys.holders(ruleSet.programId, 'sports-participant'));
  const roster = (level: string) => redis.smembers(keys.roster(ruleSet.programId, level));
  const write = async (models: ReadModels, state: StudentState) => {
    models.touch(state.studentId, new Map([[ruleSet.programId, state]]));
    await models.flush(() => program);
  };

  afterAll(async () => {
    await new ReadModels(redis, config).reset();
    redis.disconnect();
  });

  it('follows a student in and out of the sets as their badges and level change, also after a restart', async () => {
    const models = new ReadModels(redis, config);
    await models.reset();
    const state = initialState('s-1');
    fold(ruleSet, state, { type: 'level-reached', levelId: 'participation', at: '2025-10-01T00:00:00Z' });
    fold(ruleSet, state, { type: 'badge-awarded', badgeId: 'sports-participant', at: '2025-10-02T00:00:00Z', eventId: 'award-1' });
    await write(models, state);
    expect(await holders()).toEqual(['s-1']);
    expect(await roster('participation')).toEqual(['s-1']);

    fold(ruleSet, state, { type: 'badge-revoked', badgeId: 'sports-participant' });
    await write(models, state);
    expect(await holders()).toEqual([]);

    // Another process (a restart) knows nothing of what was written: it sets every set for the student.
    await redis.sadd(keys.holders(ruleSet.programId, 'sports-participant'), 's-1');
    await redis.sadd(keys.roster(ruleSet.programId, 'activity'), 's-1');
    await write(new ReadModels(redis, config), state);
    expect(await holders()).toEqual([]);
    expect(await roster('activity')).toEqual([]);
    expect(await roster('participation')).toEqual(['s-1']);
  });
});
