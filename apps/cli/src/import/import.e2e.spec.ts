import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startTestEngine, type TestEngine } from '../../../../test/support/test-engine';
import { main, memoryIo } from '../main';
import { MAX_CSV_BYTES } from './import.command';

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

  async function laurel(...args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
    let out = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const previous = process.exitCode;
    process.exitCode = 0;
    try {
      // Through the CLI's entry point, which decides the process's exit code and prints errors.
      const io = memoryIo();
      const exitCode = await main(args, io);
      return { out, err: io.stderr, exitCode };
    } finally {
      write.mockRestore();
      process.exitCode = previous;
    }
  }
  const run = (...args: string[]) => laurel('import', file, '--url', url, '--token', token, ...args);

  it('says nothing was read when the header is wrong, instead of counting its problems as rejected lines', async () => {
    const badHeader = join(dir, 'bad-header.csv');
    writeFileSync(badHeader, 'student,activity,date\nimp-9,robotics-club,2026-10-01\nimp-9,hackathon,2026-10-02\n');
    const before = await engine.store.lastPosition();
    const { out, exitCode } = await laurel('import', badHeader, '--url', url, '--token', token, '--dry-run');
    expect(exitCode).toBe(1);
    expect(out).toContain(`${badHeader}:1: unknown column(s) student (did you mean studentId?), activity (did you mean activityId?), date;`);
    expect(out).toContain(`nothing checked: no line of ${badHeader} was read; fix what is said above and run it again\n`);
    expect(out).not.toContain('rejected');
    expect(await engine.store.lastPosition()).toBe(before);
  });

  it('names a date the engine refuses as the file writes it', async () => {
    const dates = join(dir, 'dates.csv');
    writeFileSync(dates, 'studentId,activityId,occurredAt\nimp-8,robotics-club,2099-01-01\nimp-8,robotics-club,1999-12-31 10:00Z\n');
    const { out } = await laurel('import', dates, '--url', url, '--token', token, '--dry-run');
    expect(out).toContain(`${dates}:2: occurredAt 2099-01-01 is in the future; record it once it has taken place\n`);
    expect(out).toContain(`${dates}:3: occurredAt 1999-12-31 10:00Z is before 2000; check the year\n`);
  });

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
    const timeline = await request(engine.http)
      .get('/students/imp-1/timeline')
      .set(await engine.as('coordinator'));
    expect(timeline.body.events.filter((e: { type: string }) => e.type === 'ParticipationRecorded')).toHaveLength(2);
  });

  it('names the line of the file, not the row of a batch, when two lines share a participationId', async () => {
    const shared = join(dir, 'shared-id.csv');
    const id = randomUUID();
    const student = `imp-${id.slice(0, 8)}`;
    writeFileSync(
      shared,
      [
        'participationId,studentId,activityId,occurredAt',
        `${id},${student},robotics-club,2026-10-01`,
        `${id},${student},robotics-club,2026-10-02`,
        `${id},${student}-b,robotics-club,2026-10-01`,
      ].join('\n'),
    );
    const { out } = await laurel('import', shared, '--url', url, '--token', token, '--dry-run');
    expect(out).toContain(`${shared}:3: participation ${id} is in line 2 of this file with different details`);
    expect(out).toContain(`${shared}:4: participation ${id} is given to student ${student} in line 2 of this file`);
  });

  it('gives each line its participationId in --json, a line the engine finds invalid included', async () => {
    const withIds = join(dir, 'with-ids.csv');
    const good = randomUUID();
    writeFileSync(
      withIds,
      [
        'participationId,studentId,activityId,occurredAt',
        `${good},imp-json,robotics-club,2026-10-01`,
        'ROW-17,imp-json,robotics-club,2026-10-02',
      ].join('\n'),
    );
    const { out } = await laurel('import', withIds, '--url', url, '--token', token, '--dry-run', '--json');
    expect(JSON.parse(out).lines).toEqual([
      { line: 2, participationId: good, status: 'created' },
      { line: 3, participationId: 'ROW-17', status: 'rejected', message: expect.stringMatching(/^participationId must be a UUID/) },
    ]);
  });

  describe('when the file has no participationId column', () => {
    it('says which line a repeated line repeats, and how to correct a line imported before, changing nothing', async () => {
      const repeated = join(dir, 'repeated.csv');
      const student = `imp-${randomUUID().slice(0, 8)}`;
      const header = 'studentId,activityId,occurredAt,role,hours';
      writeFileSync(
        repeated,
        [header, `${student},photo-club,2026-10-05,,2`, `${student},photo-club,2026-10-05,,2`, `${student},photo-club,2026-10-05,,3`].join('\n'),
      );
      const dry = await laurel('import', repeated, '--url', url, '--token', token, '--dry-run');
      const same = 'the same student, activity, date and role as line 2';
      expect(dry.out).toContain(
        `${repeated}:3: ${same}, so it is recorded once; if both took place, give the lines a participationId each (add the column)\n`,
      );
      expect(dry.out).toContain(
        `${repeated}:4: ${same} but other details; if both took place, give the lines a participationId each (add the column), else remove one\n`,
      );

      writeFileSync(repeated, [header, `${student},photo-club,2026-10-05,,2`].join('\n'));
      expect((await laurel('import', repeated, '--url', url, '--token', token)).out).toContain('1 created');
      const before = await engine.store.lastPosition();
      writeFileSync(repeated, [header, `${student},photo-club,2026-10-05,,3`].join('\n'));
      const corrected = await laurel('import', repeated, '--url', url, '--token', token);
      const id = /participation ([0-9a-f-]{36})\)/.exec(corrected.out)?.[1];
      expect(corrected.out).toContain(
        `${repeated}:2: this line (student, activity, date and role) was imported before with other details (participation ${id}); ` +
          `to change it, void that participation (DELETE /participations/${id} with a reason), then give this line a participationId of its own (add the column)\n`,
      );
      expect(corrected.exitCode).toBe(1);
      expect(await engine.store.lastPosition()).toBe(before);
    });
  });

  it('says a file with only a header has no rows, and exits 0', async () => {
    const headerOnly = join(dir, 'header-only.csv');
    writeFileSync(headerOnly, 'studentId,activityId,occurredAt\n');
    const { out, exitCode } = await laurel('import', headerOnly, '--url', url, '--token', token);
    expect(out).toBe(`${headerOnly}: no rows below the header, nothing to import\n`);
    expect(exitCode).toBe(0);
  });

  describe('when the import cannot start', () => {
    // One plain line saying what to do, never a stack trace.
    it('says the engine cannot be reached at the address', async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      await new Promise((resolve) => server.close(resolve));
      const { err, exitCode } = await laurel('import', file, '--url', `http://127.0.0.1:${port}`, '--token', token);
      expect(err).toBe(
        `laurel: cannot reach the engine at http://127.0.0.1:${port} (connection refused): is it running? start it with \`npm start\`, or pass --url\n`,
      );
      expect(exitCode).toBe(1);
    });

    it('says the engine refused the token, in its own words, and how to mint one', async () => {
      const { err, exitCode } = await laurel('import', file, '--url', url, '--token', 'not-a-token');
      expect(err).toMatch(
        /^laurel: the engine refused the token \(401: [^)]+\): mint one with `laurel token --role coordinator --sub <your id>`.*\n$/,
      );
      expect(exitCode).toBe(1);
    });

    it('says which role is missing from a token', async () => {
      const student = (await engine.as('student')).authorization!.slice('Bearer '.length);
      const { err, exitCode } = await laurel('import', file, '--url', url, '--token', student);
      expect(err).toContain('laurel: the engine refused the request (403: this needs one of the roles coordinator, admin; your token has student)');
      expect(err).not.toMatch(/\n\s+at /);
      expect(exitCode).toBe(1);
    });

    it.each([
      ['a missing file', () => [join(dir, 'nope.csv')], `laurel: file ${join(dir, 'nope.csv')} not found\n`],
      [
        'a URL that is not one',
        () => [file, '--url', 'notaurl'],
        expect.stringMatching(/^laurel: the engine's address "notaurl" .*is not an http\(s\) URL: pass e\.g\. --url http:\/\/127\.0\.0\.1:3000\n$/),
      ],
      [
        'a file over 20 MB',
        () => {
          const big = join(dir, 'big.csv');
          writeFileSync(big, '');
          truncateSync(big, MAX_CSV_BYTES + 1);
          return [big];
        },
        `laurel: ${join(dir, 'big.csv')} is 20.0 MB; the limit is 20 MB, split the file\n`,
      ],
    ])('names %s', async (_what, args, message) => {
      const { err, exitCode } = await laurel('import', ...args(), '--token', token);
      expect(err).toEqual(message);
      expect(exitCode).toBe(1);
    });
  });
});
