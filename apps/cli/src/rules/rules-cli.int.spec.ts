import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main, memoryIo } from '../main';

const root = join(__dirname, '..', '..', '..', '..');
const events = 'rules/examples/events.ndjson';

async function laurel(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(root);
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('laurel rules', () => {
  const dir = join(tmpdir(), `laurel-rules-${randomUUID()}`);
  const raised = join(dir, 'vilnius-tech-meta-4.yaml');

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    const source = readFileSync(join(root, 'rules', 'vilnius-tech.yaml'), 'utf8');
    const bumped = source.replace('- badges: { at-least: 3, level: activity }', '- badges: { at-least: 4, level: activity }');
    expect(bumped).not.toBe(source);
    writeFileSync(raised, bumped);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('when checking the program files', () => {
    it('passes with exit code 0 and a summary', async () => {
      const { code, out } = await laurel('rules', 'check', 'rules/');
      expect(code).toBe(0);
      expect(out).toContain('rules/vilnius-tech.yaml: ok - program `vilnius-tech`, 27 activities in 6 categories, 4 levels');
      expect(out).toContain('1 file checked: all clean (0 errors, 0 warnings)');
    });
  });

  describe('when a badge stopped being valid (`valid-until` in the past)', () => {
    it('warns at the date with a caret, and the file still passes (exit code 0)', async () => {
      const source = readFileSync(join(root, 'rules', 'vilnius-tech.yaml'), 'utf8');
      const retired = join(dir, 'vilnius-tech-retired.yaml');
      writeFileSync(
        retired,
        source.replace('  - id: meta-leadership\n    level: meta\n', '  - id: meta-leadership\n    level: meta\n    valid-until: 2020-06-30\n'),
      );
      const { code, out } = await laurel('rules', 'check', retired);
      expect(code).toBe(0);
      expect(out).toMatch(
        /vilnius-tech-retired\.yaml:\d+:18 warning: Badge `meta-leadership` stopped being valid on 2020-06-30 \(`valid-until: 2020-06-30`, today is \d{4}-\d{2}-\d{2}\), so it can no longer be awarded .* \[past-valid-until\]\n.*valid-until: 2020-06-30\n\s+\|\s+\^\n/,
      );
      expect(out).toContain('1 file checked: all clean (0 errors, 1 warning)');
    });
  });

  describe('when checking the bad fixtures', () => {
    it('fails with exit code 1, printing each error like a compiler, with the line and a caret', async () => {
      const { code, out } = await laurel('rules', 'check', 'libs/rules/test-fixtures/bad');
      expect(code).toBe(1);
      expect(out).toContain(
        'libs/rules/test-fixtures/bad/unknown-activity.yaml:24:48 error: Unknown activity `robotics-clb`. Did you mean `robotics-club`? [unknown-reference]\n' +
          ' 24 |       participations: { at-least: 2, activity: robotics-clb }\n' +
          '    |                                                ^\n',
      );
      expect(out).toMatch(/29 files checked: 29 with errors \(29 errors, 0 warnings\)/);
    });

    it('gives the same in JSON for tools', async () => {
      const { code, out } = await laurel('rules', 'check', '--json', 'libs/rules/test-fixtures/bad/prerequisite-cycle.yaml');
      expect(code).toBe(1);
      const report = JSON.parse(out) as { ok: boolean; files: Array<{ errors: Array<{ code: string; line: number; column: number }> }> };
      expect(report.ok).toBe(false);
      expect(report.files[0]!.errors).toEqual([expect.objectContaining({ code: 'prerequisite-cycle', line: 30, column: 20 })]);
    });
  });

  describe('when the reader of the output stops early (`laurel rules check ... | head -1`)', () => {
    it('ends quietly with the exit code so far, not an EPIPE stack trace', async () => {
      const child = spawn(process.execPath, [join(root, 'bin', 'laurel.js'), 'rules', 'check', 'libs/rules/test-fixtures/bad'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += String(chunk)));
      // Like `head -1`: read the first chunk, then close the pipe while the command still has lines to write.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(err).toBe('');
      // The first file printed has errors: that much of the check was done and failed.
      expect(code).toBe(1);
    });
  });

  describe('when a file does not exist', () => {
    it('says so and exits 2', async () => {
      const { code, err } = await laurel('rules', 'check', 'rules/nope.yaml');
      expect(code).toBe(2);
      expect(err).toContain('rules/nope.yaml: no such file or directory');
    });
  });

  describe('when testing the examples', () => {
    it('runs every example and passes', async () => {
      const { code, out } = await laurel('rules', 'test', 'rules/');
      expect(code).toBe(0);
      expect(out).toContain('ok   META is open after three activity badges in two categories, and awarded on approval');
      expect(out).toContain('6 examples in 1 file: 6 passed, 0 failed - passed');
    });

    it('fails when the rules no longer give what an example expects', async () => {
      const { code, out } = await laurel('rules', 'test', raised);
      expect(code).toBe(1);
      expect(out).toContain('FAIL META is open after three activity badges in two categories, and awarded on approval');
      // The example stops at its application, which the engine would refuse under these rules.
      const line = readFileSync(raised, 'utf8').split('\n').findIndex((l) => l.includes('{ apply: meta-leadership, on: 2026-02-02 }')) + 1;
      expect(out).toContain(
        `:${line}:9 error: Example "META is open after three activity badges in two categories, and awarded on approval": the engine would refuse \`apply: meta-leadership\` on 2026-02-02 (409): the student is not eligible for it yet: first reach level META; `,
      );
    });
  });

  describe('when explaining a student', () => {
    const explainAt = (at: string) =>
      laurel('rules', 'explain', 'rules/vilnius-tech.yaml', '--events', events, '--student', '20250052', '--at', at);

    it('shows levels, badges with current against required values, and the next steps', async () => {
      const { code, out } = await explainAt('2026-06-30');
      expect(code).toBe(0);
      expect(out).toContain('Current level: meta');
      expect(out).toContain('✗ at least 6 participations in Sports in the current academic year (3 of 6)');
      expect(out).toContain('to do: 3 more participations in Sports before 2026-09-01');
      expect(out).toMatch(/Next level \(uber\): 2 more badges of level META/);
    });

    it('shows the student as of --at: nothing recorded after it counts', async () => {
      const { code, out } = await explainAt('2025-10-01');
      expect(code).toBe(0);
      expect(out).toContain('Current level: participation\n');
      expect(out).toContain('✗ meta - META');
      expect(out).not.toMatch(/reached 2025-1[0-2]-|reached 2026-/);
    });

    it('refuses an --at whose instant would depend on the machine\'s time zone, or that is not ISO-8601', async () => {
      const noZone = await explainAt('2026-06-30T12:00');
      expect(noZone.code).toBe(2);
      expect(noZone.err).toBe('laurel: --at 2026-06-30T12:00 has no time zone: write 2026-06-30T12:00Z for UTC, or add the offset, e.g. 2026-06-30T12:00+02:00\n');
      const words = await explainAt('30 June 2026');
      expect(words.code).toBe(2);
      expect(words.err).toBe('laurel: --at must be a date like 2026-06-30 or an ISO instant like 2026-06-30T12:00:00Z, not "30 June 2026"\n');
      expect((await explainAt('2026-06-30T12:00:00+03:00')).code).toBe(0);
    });

    it('tells which students exist when the id is unknown', async () => {
      const { code, err } = await laurel('rules', 'explain', 'rules/vilnius-tech.yaml', '--events', events, '--student', 'nobody');
      expect(code).toBe(1);
      expect(err).toContain('no events for student `nobody`');
    });

    it('names the students whose ids are close to a mistyped one', async () => {
      const { code, err } = await laurel('rules', 'explain', 'rules/vilnius-tech.yaml', '--events', events, '--student', '2025052');
      expect(code).toBe(1);
      expect(err).toMatch(/^laurel: no events for student `2025052` in .+ \(79 students there\); did you mean `20250052` or `\d+` or `\d+`\?\n$/);
    });
  });

  describe('when diffing against a raised META threshold', () => {
    it('lists the students who would lose META, with counts', async () => {
      const { code, out } = await laurel('rules', 'diff', 'rules/vilnius-tech.yaml', raised, '--events', events, '--at', '2026-06-30');
      expect(code).toBe(0);
      expect(out).toMatch(/levels:\n {2}meta +\+0 +-16\n {6}lose: 20250010, 20250013, /);
      expect(out).toMatch(/meta-leadership +\+0 +-9/);
      expect(out).toContain('16 of 79 students affected.');
      // Levels reached are never taken away and the META badges' own criteria did not change.
      expect(out).toContain('publishing it now would award nothing and change no award already made');
    });

    it('says what publishing a stricter badge would do to the awards already made, by its policy', async () => {
      const stricter = join(dir, 'vilnius-tech-sports-4.yaml');
      const source = readFileSync(join(root, 'rules', 'vilnius-tech.yaml'), 'utf8');
      writeFileSync(stricter, source.replace('participations: { at-least: 2, category: sports }\n', 'participations: { at-least: 4, category: sports }\n'));
      const { code, out } = await laurel('rules', 'diff', 'rules/vilnius-tech.yaml', stricter, '--events', events, '--at', '2026-06-30', '--limit', '2');
      expect(code).toBe(0);
      expect(out).toMatch(/sports-participant +\+0 +-17\n/);
      expect(out).toMatch(/\n {2}keep sports-participant of 17 students who no longer meet it \(policy keep\): \d+, \d+, \.\.\. \(15 more\)\n/);
    });

    it('replays nothing and affects no one as of a date before the first event', async () => {
      const { code, out } = await laurel('rules', 'diff', 'rules/vilnius-tech.yaml', raised, '--events', events, '--at', '2025-09-01');
      expect(code).toBe(0);
      expect(out).toContain('replayed 0 facts of 0 students');
      expect(out).toContain('levels: no change\nbadges: no change\n');
      expect(out).toContain('0 of 0 students affected.');
    });

    it('gives the same in JSON', async () => {
      const { out } = await laurel('rules', 'diff', 'rules/vilnius-tech.yaml', raised, '--events', events, '--at', '2026-06-30', '--json');
      const diff = JSON.parse(out) as { levels: Array<{ id: string; gained: string[]; lost: string[] }>; students: number };
      expect(diff.students).toBe(79);
      expect(diff.levels.find((l) => l.id === 'meta')).toMatchObject({ gained: [] });
      expect(diff.levels.find((l) => l.id === 'meta')!.lost).toHaveLength(16);
    });
  });

  describe('when run as the `laurel` program', () => {
    it('exits 0 on a clean file and 1 on a bad one', async () => {
      const run = promisify(execFile);
      const ok = await run(process.execPath, [join(root, 'bin', 'laurel.js'), 'rules', 'check', 'rules/vilnius-tech.yaml'], { cwd: root });
      expect(ok.stdout).toContain('all clean');
      await expect(
        run(process.execPath, [join(root, 'bin', 'laurel.js'), 'rules', 'check', 'libs/rules/test-fixtures/bad/empty-all.yaml'], { cwd: root }),
      ).rejects.toMatchObject({
        code: 1,
        stdout: expect.stringContaining('empty-all.yaml:24:7 error: `all:` has an empty list'),
      });
    }, 30_000);
  });
});
