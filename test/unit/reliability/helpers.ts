/**
 * Shared by the reliability tests: a tally of what was tried (written to
 * `.test-output/reliability-unit.json` after the run, for the README's
 * Reliability table), a fast-retrying client, and file-tree helpers that prove
 * nothing was lost or left behind.
 */

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { GitShareClient, type GitShareClientOptions } from '../../../src/api/client';
import type { TokenSource } from '../../../src/common/accounts';
import { GitShareError } from '../../../src/common/errors';
import { Logger, MemoryLogSink } from '../../../src/common/logger';
import { FAST_RETRY } from '../helpers/retry';

// ---- the tally

interface Tally {
  faults: Record<string, number>;
  badInputs: Record<string, number>;
  secrets: Record<string, number>;
}

const tally: Tally = { faults: {}, badInputs: {}, secrets: {} };

/** Counts `n` things of a kind that were tried and survived (`area`: faults, bad inputs, secrets searched). */
export function count(area: keyof Tally, what: string, n = 1): void {
  tally[area][what] = (tally[area][what] ?? 0) + n;
}

after(function writeTally() {
  if (!Object.keys(tally.faults).length && !Object.keys(tally.badInputs).length && !Object.keys(tally.secrets).length) {
    return;
  }
  const dir = path.resolve(__dirname, '../../../../.test-output');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'reliability-unit.json'), JSON.stringify(tally, null, 2) + '\n');
});

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

// ---- files

/** Every file below `dir` (relative paths, sorted), or [] when it does not exist. */
export async function filesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        await walk(p);
      } else {
        out.push(path.relative(dir, p));
      }
    }
  };
  await walk(dir);
  return out.sort();
}

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

/** The folder of `username`'s files in the local server's data folder (`<data>/files/<user id>`). */
export async function accountFolder(dataDir: string, marker: string): Promise<string> {
  const root = path.join(dataDir, 'files');
  for (const id of await fsp.readdir(root)) {
    if (
      await fsp.stat(path.join(root, id, marker)).then(
        () => true,
        () => false,
      )
    ) {
      return path.join(root, id);
    }
  }
  throw new Error(`no account folder holds ${marker}`);
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
