import * as assert from 'node:assert/strict';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  sleep,
} from '../../../src/api/retry';
import { isCancellation } from '../../../src/common/errors';

describe('api/retry', () => {
  const statuses: [number, boolean, boolean][] = [
    // status, idempotent, unprocessedOnly
    [400, false, false],
    [401, false, false],
    [403, false, false],
    [404, false, false],
    [409, false, false],
    [412, false, false],
    [413, false, false],
    [408, true, false],
    [429, true, true],
    [500, true, false],
    [502, true, false],
    [503, true, true],
    [504, true, false],
  ];
  for (const [status, idempotent, unprocessed] of statuses) {
    it(`HTTP ${status}: idempotent ${idempotent}, unprocessedOnly ${unprocessed}`, () => {
      assert.equal(isRetryableStatus(status, 'idempotent'), idempotent);
      assert.equal(isRetryableStatus(status, 'unprocessedOnly'), unprocessed);
    });
  }

  it('retries a reset only when the request was idempotent', () => {
    assert.ok(isRetryableNetworkError('ECONNRESET', 'idempotent'));
    assert.ok(!isRetryableNetworkError('ECONNRESET', 'unprocessedOnly'));
    assert.ok(isRetryableNetworkError('ECONNREFUSED', 'unprocessedOnly'));
  });

  it('reads Retry-After as seconds or a date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(' 0 '), 0);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2025 00:00:05 GMT', now), 0);
  });

  it('backs off exponentially with jitter, capped', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(
      retryDelay(policy, 1, undefined, () => 0),
      50,
    );
    assert.equal(
      retryDelay(policy, 1, undefined, () => 1),
      100,
    );
    assert.equal(
      retryDelay(policy, 3, undefined, () => 1),
      400,
    );
    assert.equal(
      retryDelay(policy, 10, undefined, () => 1),
      1000,
    );
    assert.equal(
      retryDelay(policy, 10, undefined, () => 0),
      500,
    );
    // The server's word wins, but never beyond the cap.
    assert.equal(retryDelay(policy, 1, 2000), 2000);
    assert.equal(retryDelay(policy, 1, 10 * 60_000), policy.maxRetryAfterMs);
  });

  it('sleeps until aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(sleep(10_000, controller.signal), (e) => isCancellation(e));
    assert.ok(Date.now() - started < 2000);
  });
});
