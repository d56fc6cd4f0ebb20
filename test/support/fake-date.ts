/**
 * Fakes `Date` alone, starting at `now`: timers, ticks, I/O and `performance`
 * run as usual, so an engine started in the test serves requests while the
 * test moves its clock on with `jest.setSystemTime` (a year can pass between
 * two requests). Tokens minted before a jump expire with it: mint them again.
 * Undo with `jest.useRealTimers()`.
 *
 * @example
 * beforeAll(() => fakeDateOnly(Date.now() - 800 * DAY));
 * afterAll(() => jest.useRealTimers());
 */
export function fakeDateOnly(now: number): void {
  jest.useFakeTimers({
    now,
    advanceTimers: true,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
