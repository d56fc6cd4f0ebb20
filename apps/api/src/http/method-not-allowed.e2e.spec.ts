import request from 'supertest';
import { startTestEngine, type TestEngine } from '../../../../test/support/test-engine';

describe('when a known path is asked with a method it does not serve', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine();
  }, 60_000);
  afterAll(() => engine.close());

  it.each([
    ['post', '/health', 'GET, HEAD', 'POST is not served at /health; use GET or HEAD'],
    [
      'delete',
      '/credentials/3f0c6a52-2d8e-4c1e-9a51-2b8f1f0c9d11',
      'GET, HEAD',
      'DELETE is not served at /credentials/3f0c6a52-2d8e-4c1e-9a51-2b8f1f0c9d11; use GET or HEAD',
    ],
    // DELETE /participations/:id takes "batch" as an id too (and would answer 400 for it).
    ['get', '/participations/batch', 'POST, DELETE', 'GET is not served at /participations/batch; use POST or DELETE'],
    [
      'put',
      '/participations/3f0c6a52-2d8e-4c1e-9a51-2b8f1f0c9d11?x=1',
      'DELETE',
      'PUT is not served at /participations/3f0c6a52-2d8e-4c1e-9a51-2b8f1f0c9d11; use DELETE',
    ],
  ] as const)('%s %s answers 405 with Allow: %s', async (method, path, allow, message) => {
    const res = await request(engine.http)[method](path).expect(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.body).toMatchObject({ statusCode: 405, error: 'Method Not Allowed', message });
  });

  it('answers 404 for a path nothing serves, whatever the method', async () => {
    await request(engine.http).get('/nothing-here').expect(404);
    await request(engine.http).post('/students').expect(404);
  });
});
