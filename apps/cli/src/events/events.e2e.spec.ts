import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { daysAgo, ladder } from '../../../../test/support/ladder';
import { REPO_ROOT, startTestEngine, type TestEngine } from '../../../../test/support/test-engine';
import { WorkerModule } from '../../../worker/src/worker.module';
import { main, memoryIo } from '../main';

describe('when an admin exports the event log', () => {
  let engine: TestEngine;
  let url: string;
  let admin: Record<string, string>;
  let drive: ReturnType<typeof ladder>;
  const dir = mkdtempSync(join(tmpdir(), 'laurel-export-'));
  const file = join(dir, 'events.ndjson');
  const student = `s-${randomUUID().slice(0, 8)}`;
  const previousToken = process.env.LAUREL_TOKEN;

  beforeAll(async () => {
    engine = await startTestEngine({ modules: [WorkerModule.forRoot()] });
    await engine.app.listen(0, '127.0.0.1');
    url = await engine.app.getUrl();
    admin = await engine.as('admin');
    process.env.LAUREL_TOKEN = admin.authorization!.slice('Bearer '.length);
    drive = ladder(engine, await engine.as('coordinator'));
    // Two participation badges (sport, community) and the activity level they unlock.
    await drive.participate(student, 'basketball-league', daysAgo(30));
    await drive.participate(student, 'volleyball-tournament', daysAgo(25));
    await drive.participate(student, 'food-bank', daysAgo(20), { role: 'volunteer', hours: 12 });
    await drive.participate(student, 'student-union', daysAgo(15), { role: 'organiser', hours: 10 });
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
    if (previousToken === undefined) delete process.env.LAUREL_TOKEN;
    else process.env.LAUREL_TOKEN = previousToken;
  });

  const laurel = async (...args: string[]) => {
    const io = memoryIo();
    let stderr = '';
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      const exitCode = await main(args, io);
      return { exitCode, out: io.stdout, err: io.stderr + stderr };
    } finally {
      write.mockRestore();
    }
  };
  const lines = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; stream: string; type: string; position: number });

  it('writes every event of the log in order, one JSON object per line, and says where it ended', async () => {
    await drive.settle(Number(await engine.store.lastPosition()));
    const { exitCode, err } = await laurel('events', 'export', '--url', url, '--out', file);
    expect(exitCode).toBe(0);
    // The award worker may still be appending credentials: what was exported is the log up to some point.
    const exported = lines();
    const stored = (await engine.store.readAll()).slice(0, exported.length);
    const last = exported[exported.length - 1]!.position;
    expect(err).toBe(`${exported.length} events written to ${file}, up to position ${last}: continue later with --after ${last}\n`);
    expect(exported.map((e) => [e.id, e.stream, e.type, e.position])).toEqual(stored.map((e) => [e.id, e.stream, e.type, Number(e.position)]));
    expect(exported.filter((e) => e.type === 'ParticipationRecorded')).toHaveLength(4);
  });

  it('gives `laurel rules explain` the same level and badges as the engine', async () => {
    const progression = await drive.progression(student);
    const { exitCode, out } = await laurel(
      'rules',
      'explain',
      join(REPO_ROOT, 'rules/vilnius-tech.yaml'),
      '--events',
      file,
      '--student',
      student,
      '--json',
    );
    expect(exitCode).toBe(0);
    const explained = JSON.parse(out) as { currentLevel: string | null; badges: { badgeId: string; status: string }[] };
    expect(progression.level?.levelId).toBeDefined();
    expect(explained.currentLevel).toBe(progression.level!.levelId);
    const active = progression.badges
      .filter((b) => b.status === 'active')
      .map((b) => b.badgeId)
      .sort();
    expect(
      explained.badges
        .filter((b) => b.status === 'held')
        .map((b) => b.badgeId)
        .sort(),
    ).toEqual(active);
  });

  it('appends only what was recorded since, with --after', async () => {
    const before = lines();
    const last = before[before.length - 1]!.position;
    await drive.participate(student, 'photo-club', daysAgo(5));
    await drive.settle(Number(await engine.store.lastPosition()));
    const { exitCode } = await laurel('events', 'export', '--url', url, '--out', file, '--after', String(last));
    expect(exitCode).toBe(0);
    const after = lines();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).every((e) => e.position > last)).toBe(true);
    expect(after.map((e) => e.id)).toEqual((await engine.store.readAll()).slice(0, after.length).map((e) => e.id));
    expect(after.filter((e) => e.type === 'ParticipationRecorded')).toHaveLength(5);
  });

  it('filters by stream prefix', async () => {
    const res = await request(engine.http).get('/admin/events?stream=program-').set(admin).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const events = res.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { stream: string; type: string });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.stream.startsWith('program-'))).toBe(true);
  });

  it('filters one student whose id holds capitals, dots and underscores', async () => {
    const odd = `VT_${randomUUID().slice(0, 8)}.Ab`;
    await drive.participate(odd, 'photo-club', daysAgo(3));
    const res = await request(engine.http).get(`/admin/events?stream=student-${odd}`).set(admin).expect(200);
    const events = res.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { stream: string; type: string });
    expect(events.map((e) => [e.stream, e.type])).toContainEqual([`student-${odd}`, 'ParticipationRecorded']);
    expect(events.every((e) => e.stream === `student-${odd}`)).toBe(true);
  });

  it('says a file that cannot be written cannot be written, rather than an export cut short', async () => {
    const { exitCode, err } = await laurel('events', 'export', '--url', url, '--out', join(dir, 'missing', 'events.ndjson'));
    expect(exitCode).toBe(1);
    expect(err).toContain(`cannot write ${join(dir, 'missing', 'events.ndjson')}: its folder does not exist; nothing was exported`);
    expect(err).not.toContain('stopped after');
  });

  it('ends quietly, with exit code 0, when the program reading its output stops early (| true)', async () => {
    // Asynchronous: the engine answering the export runs in this process.
    const child = spawn('bash', ['-c', `set -o pipefail; node ${join(REPO_ROOT, 'bin/laurel.js')} events export --url ${url} | true`], {
      env: { ...process.env, LAUREL_TOKEN: admin.authorization!.slice('Bearer '.length) },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 30_000);

  it('refuses a malformed position, saying what to send', async () => {
    const res = await request(engine.http).get('/admin/events?after=last').set(admin).expect(400);
    expect(res.body.message).toBe(
      'after must be a position: a whole number of at most 19 digits, e.g. the position of the last line of an earlier export',
    );
  });

  it('is for admins only: a coordinator gets 403', async () => {
    await request(engine.http)
      .get('/admin/events')
      .set(await engine.as('coordinator'))
      .expect(403);
  });
});
