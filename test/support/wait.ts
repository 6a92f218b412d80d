/**
 * How every test layer waits for what it cannot be told about (a file on the server's disk, a
 * request count, a row in the workbench): it looks again, often, until the thing is there or the
 * time is up. Never a fixed sleep: under load a fixed time is either too short (a flake) or wasted.
 * Imports nothing, so plain Node, the extension host and the bench can all use it.
 */

/** What a probe answers while the awaited thing is not there yet. */
export type NotYet = undefined | null | false;

/**
 * Calls `probe` until it returns something truthy and returns that, looking every `intervalMs`;
 * throws an Error naming `what` once `timeoutMs` has passed. A probe that throws ends the wait with
 * its error: catch inside the probe what may fail while the thing is not there yet.
 *
 *   await eventually(() => fs.existsSync(file), 'the uploaded file on the server');
 *   const row = await eventually(async () => (await rows()).find(isMine), 'my row', 10_000);
 */
export async function eventually<T>(
  probe: () => T | NotYet | Promise<T | NotYet>,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await pause(intervalMs);
  }
}

/**
 * Resolves after `ms`. For the interval of a loop that looks again for something to show, and for
 * the waits no condition can end, with why beside the call: a test showing that something does
 * NOT happen gives it a stated time to happen wrongly, and a scenario where time passing is the
 * point (a person reading for a while) lets it pass.
 */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
