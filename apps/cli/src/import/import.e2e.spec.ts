import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startTestEngine, type TestEngine } from '../../../../test/support/test-engine';
import { main } from '../main';

describe('when a coordinator imports an attendance CSV', () => {
  let engine: TestEngine;
  let url: string;
  let token: string;
  const dir = mkdtempSync(join(tmpdir(), 'laurel-import-'));
  const file = join(dir, 'attendance.csv');

  beforeAll(async () => {
    engine = await startTestEngine();
    await engine.app.listen(0, '127.0.0.1');
    url = await engine.app.getUrl();
    token = (await engine.as('coordinator')).authorization!.slice('Bearer '.length);
    writeFileSync(
      file,
      [
        'studentId,activityId,occurredAt,role,hours',
        'imp-1,robotics-club,2026-10-01,participant,2',
        'imp-1,hackathon,2026-10-02,volunteer,',
        'imp-2,robotics-clb,2026-10-03,,',
        'imp-2,photo-club,03/10/2026,,',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<{ out: string; exitCode: number }> {
    let out = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const previous = process.exitCode;
    process.exitCode = 0;
    try {
      // Through the CLI's entry point, which decides the process's exit code.
      const exitCode = await main(['import', file, '--url', url, '--token', token, ...args]);
      return { out, exitCode };
    } finally {
      write.mockRestore();
      process.exitCode = previous;
    }
  }

  it('checks every line on --dry-run and records nothing', async () => {
    const before = await engine.store.lastPosition();
    const { out, exitCode } = await run('--dry-run');
    expect(out).toContain(`${file}:4: activity "robotics-clb" is not in any published rule set; did you mean "robotics-club"?`);
    expect(out).toContain(`${file}:5: occurredAt "03/10/2026" is not a date`);
    expect(out).toContain('2 would be created, 0 already recorded, 2 rejected');
    expect(exitCode).toBe(1);
    expect(await engine.store.lastPosition()).toBe(before);
  });

  it('records the good lines, and a second run records nothing new', async () => {
    expect((await run()).out).toContain('2 created, 0 already recorded, 2 rejected');
    expect((await run()).out).toContain('0 created, 2 already recorded, 2 rejected');
    const timeline = await request(engine.http).get('/students/imp-1/timeline').set(await engine.as('coordinator'));
    expect(timeline.body.events.filter((e: { type: string }) => e.type === 'ParticipationRecorded')).toHaveLength(2);
  });
});
