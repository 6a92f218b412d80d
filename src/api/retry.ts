/**
 * When to retry a request and how long to wait. Pure functions plus an
 * abortable sleep, so the policy is tested without a network.
 */

import { CancelledError } from '../common/errors';

export interface RetryPolicy {
  /** Retries after the first attempt (so at most `maxRetries + 1` attempts). */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error goes to the person instead. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
};

/**
 * How much of a request may be repeated.
 * - `idempotent`: GET/DELETE — repeat on network errors, 408, 429 and 5xx.
 * - `unprocessedOnly`: requests with a consumed body or side effects (PUT of a
 *   stream, POST): repeat only when the server said it did not process the
 *   request (429, 503) or the connection was refused before anything was sent.
 */
export type RetryMode = 'idempotent' | 'unprocessedOnly';

/** Statuses that are never retried, whatever the mode: the answer will not change. */
const NEVER = new Set([400, 401, 403, 404, 409, 412, 413, 416]);

export function isRetryableStatus(status: number, mode: RetryMode): boolean {
  if (NEVER.has(status)) {
    return false;
  }
  if (status === 429 || status === 503) {
    return true;
  }
  if (mode === 'unprocessedOnly') {
    return false;
  }
  return status === 408 || (status >= 500 && status <= 599);
}

/** Error codes that mean no byte of the request reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isRetryableNetworkError(code: string | undefined, mode: RetryMode): boolean {
  if (mode === 'idempotent') {
    return true;
  }
  return code !== undefined && NOT_SENT.has(code);
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  const date = Date.parse(trimmed);
  if (Number.isFinite(date)) {
    return Math.max(0, date - now);
  }
  return undefined;
}

/**
 * The wait before retry number `retry` (1-based): the server's `Retry-After`
 * when it gave one, otherwise capped exponential backoff with full jitter.
 */
export function retryDelay(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) {
    return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  // Half fixed, half random: spreads clients apart without ever retrying at once.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Resolves after `ms`, or rejects with CancelledError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
