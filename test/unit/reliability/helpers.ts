/**
 * Shared by the reliability tests: a fast-retrying client, its failures, and
 * deterministic bytes. What was tried is counted with test/support/tally.ts.
 */

import * as assert from 'node:assert/strict';
import { GitShareClient, type GitShareClientOptions } from '../../../src/api/client';
import type { TokenSource } from '../../../src/common/accounts';
import { GitShareError } from '../../../src/common/errors';
import { Logger, MemoryLogSink } from '../../../src/common/logger';
import { FAST_RETRY } from '../helpers/retry';
import { nodeTransport } from '../../../src/node/transport';

// ---- clients

export interface TestClient {
  readonly client: GitShareClient;
  readonly sink: MemoryLogSink;
}

export function newClient(
  serverUrl: string,
  tokens: TokenSource,
  options: Partial<GitShareClientOptions> = {},
  sink = new MemoryLogSink(),
): TestClient {
  const client = new GitShareClient({
    transport: nodeTransport(),
    serverUrl,
    tokens,
    logger: Logger.create(sink).child('api'),
    retry: FAST_RETRY,
    // Generous on purpose: a response that is merely slow on a loaded machine (50 concurrent
    // requests, one busy core) must not time out and be retried, which would change the request
    // counts these suites assert. A test about timeouts sets its own short ones.
    responseTimeoutMs: 15_000,
    idleTimeoutMs: 15_000,
    ...options,
  });
  return { client, sink };
}

/** Resolves with the error `promise` rejects with; fails when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<GitShareError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GitShareError, `a GitShareError, not ${String(error)}`);
    return error;
  }
  assert.fail('expected a failure, but it succeeded');
}

// ---- bytes

/** Deterministic bytes of any size (no two 256-byte blocks alike for small files). */
export function pattern(size: number, seed = 1): Buffer {
  const data = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  return data;
}
