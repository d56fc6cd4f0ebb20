import request from 'supertest';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { startTestEngine, type TestEngine } from './test-engine';

/**
 * An engine with its worker (projections and awards), `rules` published as
 * a designer would publish them: for tests of a rule file of their own.
 *
 * @example
 * engine = await startEngineWithRules(RULES.replace('level: meta\n', 'level: meta\n    valid-for: 1 year\n'));
 */
export async function startEngineWithRules(rules: string): Promise<TestEngine> {
  const engine = await startTestEngine({ modules: [WorkerModule.forRoot()] });
  await request(engine.http)
    .post('/programs/vilnius-tech/rules')
    .set(await engine.as('designer'))
    .set('content-type', 'text/yaml')
    .send(rules)
    .expect(201);
  return engine;
}
