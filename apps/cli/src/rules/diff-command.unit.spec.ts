import { main, memoryIo } from '../main';

describe('when `laurel rules diff --limit` is not a positive whole number', () => {
  it.each(['0', 'abc', '-3', '1.5'])('refuses --limit %s before reading anything', async (limit) => {
    const io = memoryIo();
    const code = await main(['rules', 'diff', 'old.yaml', 'new.yaml', '--events', 'events.ndjson', '--limit', limit], io);
    expect(code).toBe(1);
    expect(io.stderr).toContain(`option '--limit <n>' argument '${limit}' is invalid. use a whole number of student ids, 1 or more`);
  });
});
