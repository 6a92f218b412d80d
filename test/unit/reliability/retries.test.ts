/**
 * Retries, refreshes and conflicts, counted at the real local server: what is
 * retried, how long the client waits, how many refresh requests reach the
 * token endpoint, and that a stale save never overwrites.
 */

import * as assert from 'node:assert/strict';
import fetch from 'node-fetch';
import type { FetchLike } from '../../../src/node/fetch';
import type { TokenSource } from '../../../src/common/accounts';
import { GitShareError } from '../../../src/common/errors';
import { AuthStack } from '../helpers/authStack';
import { useSignedInServer } from '../helpers/fixtures';
import { signIn as serverSignIn } from '../../support/serverHttp';
import { count } from '../../support/tally';
import { failure, newClient } from './helpers';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeTransport } from '../../../src/node/transport';
import { downloadTo } from '../helpers/localFiles';

/** node-fetch, noting when each attempt left. */
function timedFetch(): { fetch: FetchLike; times: number[] } {
  const times: number[] = [];
  return { times, fetch: (url, init) => (times.push(Date.now()), fetch(url, init)) };
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

/** A token source that always hands out `token` and counts refreshes. */
function fixedTokens(token: string, refreshTo?: string): TokenSource & { refreshes: number } {
  return {
    refreshes: 0,
    async getAccessToken() {
      return token;
    },
    async refreshAfterUnauthorized() {
      this.refreshes++;
      if (refreshTo === undefined) {
        throw new GitShareError('signInRequired', 'Sign in again.');
      }
      return refreshTo;
    },
  };
}

describe('reliability: retries, refresh and conflicts, counted at the server', function () {
  this.timeout(30_000);
  const { server, tokens } = useSignedInServer();
  const requests = (route: string) => server.control!.stats().requests[route] ?? 0;

  it('429 with Retry-After: 1 is honoured: the retry leaves 1 s later, not sooner, not much later', async () => {
    server.control!.addFault({ kind: '429', retryAfter: 1, count: 1, match: 'GET /api/v1/metadata' });
    const timed = timedFetch();
    const { client } = newClient(server.url, tokens, { transport: nodeTransport(timed.fetch) });
    assert.equal((await client.entry('/README.md')).name, 'README.md');
    count('faults', '429 with Retry-After');
    assert.equal(requests('GET /api/v1/metadata'), 2);
    const [waited] = gaps(timed.times);
    assert.ok(waited! >= 1_000 && waited! < 1_600, `waited ${waited} ms for Retry-After: 1`);
  });

  it('429 on an upload is retried too (the server did not process it), after Retry-After', async () => {
    server.control!.addFault({ kind: '429', retryAfter: 1, count: 1, match: 'PUT /api/v1/files' });
    const timed = timedFetch();
    const { client } = newClient(server.url, tokens, { transport: nodeTransport(timed.fetch) });
    await client.writeFile('/rel/429.txt', Buffer.from('after 429'), undefined);
    count('faults', '429 with Retry-After');
    assert.equal(requests('PUT /api/v1/files'), 2);
    assert.ok(gaps(timed.times)[0]! >= 1_000);
  });

  it('a Retry-After longer than the client will wait is not waited for: rateLimited at once, one request', async () => {
    server.control!.addFault({ kind: '429', retryAfter: 3600, count: 1, match: 'GET /api/v1/metadata' });
    const { client } = newClient(server.url, tokens);
    const started = Date.now();
    const error = await failure(client.entry('/README.md'));
    count('faults', '429 with Retry-After');
    assert.equal(error.kind, 'rateLimited');
    assert.match(error.message, /busy/);
    assert.ok(Date.now() - started < 1_000);
    assert.equal(requests('GET /api/v1/metadata'), 1);
  });

  it('503 is retried a bounded number of times with capped, jittered exponential backoff', async () => {
    const policy = { baseDelayMs: 40, maxDelayMs: 100, maxRetries: 8, maxRetryAfterMs: 60_000 };
    server.control!.addFault({ kind: '503', count: 50, match: 'GET /api/v1/metadata' });
    const timed = timedFetch();
    const { client } = newClient(server.url, tokens, { transport: nodeTransport(timed.fetch), retry: policy });
    const error = await failure(client.entry('/README.md'));
    count('faults', '503 (retried, then given up)', policy.maxRetries + 1);
    assert.equal(error.kind, 'server');
    assert.equal(requests('GET /api/v1/metadata'), policy.maxRetries + 1, 'bounded');
    const waits = gaps(timed.times);
    const ceilings = waits.map((_, i) => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** i));
    waits.forEach((w, i) => {
      // Half fixed, half random below the ceiling; a little slack for the event loop.
      assert.ok(
        w >= ceilings[i]! / 2 - 2 && w <= ceilings[i]! + 150,
        `wait ${i + 1}: ${w} ms, ceiling ${ceilings[i]} ms`,
      );
    });
    const capped = waits.slice(2);
    assert.ok(
      Math.max(...capped) - Math.min(...capped) >= 5,
      `jitter: capped waits ${capped.join(', ')} ms are not all alike`,
    );
    server.control!.clearFaults();
    assert.equal((await client.entry('/README.md')).name, 'README.md', 'works again once the server does');
  });

  it('a 503 on an upload is retried and the body sent again whole', async () => {
    server.control!.addFault({ kind: '503', count: 2, match: 'PUT /api/v1/files' });
    const { client } = newClient(server.url, tokens);
    const data = Buffer.alloc(300_000, 9);
    const entry = await client.writeFile('/rel/503.bin', data, undefined);
    count('faults', '503 (retried, then given up)', 2);
    assert.equal(entry.size, data.length);
    assert.equal(requests('PUT /api/v1/files'), 3);
    assert.ok(Buffer.from((await client.readFile('/rel/503.bin')).data).equals(data));
  });

  it('404 is never retried', async () => {
    const { client } = newClient(server.url, tokens);
    assert.equal((await failure(client.entry('/no/such.txt'))).kind, 'notFound');
    assert.equal(requests('GET /api/v1/metadata'), 1);
    count('badInputs', 'requests answered 401/403/404, never retried');
  });

  it('403 (a read-only token writing) is never retried and never refreshed', async () => {
    const readOnly = fixedTokens((await serverSignIn(server, 'files:read')).tokens.access_token);
    const { client } = newClient(server.url, readOnly);
    const error = await failure(client.writeFile('/rel/forbidden.txt', Buffer.from('x'), undefined));
    assert.equal(error.kind, 'forbidden');
    assert.match(error.message, /does not allow this/);
    assert.equal(requests('PUT /api/v1/files'), 1);
    assert.equal(readOnly.refreshes, 0);
    count('badInputs', 'requests answered 401/403/404, never retried');
  });

  it('401: one refresh, one replay, then signInRequired; no loop', async () => {
    const bad = fixedTokens('not-a-real-token-0001', 'not-a-real-token-0002');
    const { client } = newClient(server.url, bad);
    const error = await failure(client.entry('/README.md'));
    assert.equal(error.kind, 'signInRequired');
    assert.equal(bad.refreshes, 1);
    assert.equal(requests('GET /api/v1/metadata'), 2);

    server.control!.resetStats();
    const gone = fixedTokens('not-a-real-token-0003');
    const second = await failure(newClient(server.url, gone).client.entry('/README.md'));
    assert.equal(second.kind, 'signInRequired');
    assert.equal(requests('GET /api/v1/metadata'), 1, 'no replay when the refresh fails');
    count('badInputs', 'requests answered 401/403/404, never retried', 2);
  });

  describe('with the real session manager as the token source', () => {
    let stack: AuthStack;
    let account: { tokens: TokenSource };
    beforeEach(async () => {
      stack = new AuthStack();
      await stack.signIn(server);
      account = stack.sessions.accounts[0]!;
      server.control!.resetStats();
    });
    afterEach(() => stack.dispose());

    it('the access token expires mid-download: one refresh request, one replay, the file is whole', async () => {
      const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-reliability-refresh-'));
      try {
        const { client } = newClient(server.url, account.tokens);
        const data = Buffer.alloc(3 * 1024 * 1024, 3);
        await client.writeFile('/rel/refresh.bin', data, undefined);
        server.control!.resetStats();
        server.control!.addFault({ kind: 'cut', afterBytes: 1024 * 1024, count: 1, match: 'GET /api/v1/files' });
        let expired = false;
        const target = path.join(tmp, 'refresh.bin');
        await downloadTo(client, '/rel/refresh.bin', target, {
          onProgress: (done) => {
            if (done > 0 && !expired) {
              expired = true;
              server.control!.expireAccessTokens();
            }
          },
        });
        count('faults', 'access token expired mid-operation');
        assert.ok((await fsp.readFile(target)).equals(data));
        assert.equal(server.control!.stats().tokenRequests.refresh_token, 1, 'one refresh');
        // The first GET, cut; the resume, 401; the replay with the new token, 206.
        assert.equal(requests('GET /api/v1/files'), 3, 'one replay');
      } finally {
        await fsp.rm(tmp, { recursive: true, force: true });
      }
    });

    it('50 concurrent requests after expiry make exactly one refresh request at the server, and all succeed', async () => {
      const { client } = newClient(server.url, account.tokens);
      server.control!.expireAccessTokens();
      const entries = await Promise.all(Array.from({ length: 50 }, () => client.entry('/README.md')));
      count('faults', 'access token expired under 50 concurrent requests');
      assert.equal(entries.length, 50);
      assert.equal(server.control!.stats().tokenRequests.refresh_token, 1);
      assert.equal(requests('GET /api/v1/metadata'), 100, 'each request: one 401, one replay');
    });
  });

  it('two saves of the same file with the same stale ETag: the first wins, the second gets preconditionFailed', async () => {
    const { client } = newClient(server.url, tokens);
    const base = await client.writeFile('/rel/shared.txt', Buffer.from('base'), undefined);
    await client.writeFile('/rel/shared.txt', Buffer.from('first editor'), { ifMatch: base.etag });
    const error = await failure(
      client.writeFile('/rel/shared.txt', Buffer.from('second editor'), { ifMatch: base.etag }),
    );
    count('faults', 'stale save (ETag) refused');
    assert.equal(error.kind, 'preconditionFailed');
    assert.equal(error.status, 412);
    assert.equal(Buffer.from((await client.readFile('/rel/shared.txt')).data).toString(), 'first editor');
  });
});
