/** Small helpers shared by the extension-host tests. */

/** Resolves with the first truthy value `probe` gives, polling every 100 ms; rejects after `timeoutMs`. */
export function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = async () => {
      try {
        const value = await probe();
        if (value) {
          resolve(value);
          return;
        }
      } catch {
        // not yet
      }
      if (Date.now() - started > timeoutMs) {
        reject(new Error(`timed out waiting for ${what}`));
      } else {
        setTimeout(tick, 100);
      }
    };
    void tick();
  });
}
