/**
 * Polls `probe` every 100 ms until it returns something other than
 * `undefined` (a credential signed, a read model updated), or fails after
 * `timeoutMs` naming `what` it waited for.
 *
 * @example
 * const issued = await eventually(() => credentialOf(awardId), `the credential of ${awardId}`);
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
