/** Retries fast, so a test of several retries takes milliseconds; the count (3) is what tests assert against. */
export const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 80, maxRetries: 3 } as const;
