import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateLocalAuthKey, mintLocalToken } from '@laurel/platform';
import { kill9, spawnEngine } from './support/spawn-engine';
import { removeRedisKeys } from './support/redis-keys';

describe('when the engine is killed with SIGKILL and started again', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-crash-'));
  const env = { LAUREL_DATA_DIR: dataDir, LAUREL_REDIS_PREFIX: `laurel-test:${randomUUID()}` };
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    // The killed engines leave their read models, checkpoint and queue in Redis.
    await removeRedisKeys(env.LAUREL_REDIS_PREFIX);
  });

  it('still has every participation it acknowledged', async () => {
    // The engine verifies tokens with the key in its data folder; make it first and sign with it.
    const key = await loadOrCreateLocalAuthKey(join(dataDir, 'keys', 'auth-local.jwk.json'));
    const token = await mintLocalToken(
      key,
      { issuer: 'laurel-local', audience: 'laurel', rolesClaim: 'roles' },
      { sub: 'c-1', roles: ['coordinator'] },
    );
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const first = await spawnEngine(env);
    const studentId = `crash-${randomUUID().slice(0, 8)}`;
    const ids = Array.from({ length: 20 }, () => randomUUID());
    try {
      const health = await fetch(`${first.url}/health`);
      expect(health.status).toBe(200);
      const statuses = await Promise.all(
        ids.map(async (participationId) => {
          const res = await fetch(`${first.url}/participations`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ participationId, studentId, activityId: 'robotics-club', occurredAt: '2026-10-01T10:00:00Z' }),
          });
          return res.status;
        }),
      );
      expect(statuses).toEqual(Array(ids.length).fill(201));
    } finally {
      await kill9(first.child);
    }

    const second = await spawnEngine(env);
    try {
      const res = await fetch(`${second.url}/students/${studentId}/timeline`, { headers });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { events: { data: { participationId: string } }[] };
      expect(body.events.map((e) => e.data.participationId).sort()).toEqual([...ids].sort());
    } finally {
      await kill9(second.child);
    }
  }, 90_000);
});
