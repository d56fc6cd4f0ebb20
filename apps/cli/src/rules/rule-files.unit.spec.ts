import type { RuleIssue } from '@laurel/rules';
import { memoryIo } from './io';
import { printIssue } from './rule-files';

describe('when printing an issue', () => {
  const issue = (line: number, column: number): RuleIssue => ({
    file: 'long.yaml',
    line,
    column,
    severity: 'error',
    code: 'yaml-syntax',
    message: 'The file is not valid YAML here',
  });

  it('shows a short line whole, with a caret under the column', () => {
    const io = memoryIo();
    printIssue(io, issue(2, 7), 'program:\n  id: [x\n');
    expect(io.stdout).toBe('long.yaml:2:7 error: The file is not valid YAML here [yaml-syntax]\n 2 |   id: [x\n   |       ^\n');
  });

  it('keeps the tabs of the line before the column under it, so the caret lines up with the column however wide a tab is shown', () => {
    const io = memoryIo();
    printIssue(io, issue(2, 6), 'program:\n\t\tid: [x\n');
    const [, snippet, caret] = io.stdout.split('\n');
    expect(snippet).toBe(' 2 | \t\tid: [x');
    expect(caret).toBe('   | \t\t   ^');
  });

  it('shows only the 60 characters on each side of the column of a very long line', () => {
    const io = memoryIo();
    const line = `${'a'.repeat(50_000)}[${'b'.repeat(50_000)}`;
    printIssue(io, issue(1, 50_001), line);
    const [, snippet, caret] = io.stdout.split('\n');
    expect(snippet).toBe(` 1 | …${'a'.repeat(60)}[${'b'.repeat(59)}…`);
    expect(caret).toBe(`   | ${' '.repeat(61)}^`);
  });
});
