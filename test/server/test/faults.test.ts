import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import * as path from 'node:path';
import { spawnServer } from '../spawn';
import { startServer, type RunningServer } from '../index';
import { api, raw, signIn, snapshot, tempDir, tokenRequest } from '../../support/serverHttp';
import { startTestServer } from '../../support/testServer';
import { accountFolder } from '../../support/serverData';
import { eventually } from '../../support/wait';
import { TEMP_PREFIX } from '../paths';

/**
 * Opens a PUT of `size` bytes and leaves the body to the caller; `outcome` resolves with the status or
 * the socket error code.
 */
function openUpload(
  server: RunningServer,
  token: string,
  apiPath: string,
  size: number,
): { req: http.ClientRequest; outcome: Promise<number | string> } {
  let req!: http.ClientRequest;
  const outcome = new Promise<number | string>((resolve) => {
    req = http.request(
      {
        host: server.host,
        port: server.port,
        method: 'PUT',
        path: apiPath,
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-length': String(size) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error'));
      },
    );
    req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error'));
  });
  return { req, outcome };
}

/** Sends a PUT of `size` bytes in 64 KiB chunks; resolves with the status or the socket error code. */
function slowUpload(server: RunningServer, token: string, apiPath: string, size: number): Promise<number | string> {
  const { req, outcome } = openUpload(server, token, apiPath, size);
  const chunk = Buffer.alloc(64 * 1024, 7);
  let sent = 0;
  const pump = (): void => {
    while (sent < size) {
      const n = Math.min(chunk.length, size - sent);
      sent += n;
      if (!req.write(chunk.subarray(0, n))) {
        req.once('drain', pump);
        return;
      }
    }
    req.end();
  };
  pump();
  return outcome;
}

/** GETs and counts body bytes until the end or a reset. */
function countDownload(
  server: RunningServer,
  token: string,
  apiPath: string,
): Promise<{ status: number; bytes: number; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: server.host,
        port: server.port,
        path: apiPath,
        agent: false,
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, complete: res.complete }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, bytes, complete: false }));
        res.on('aborted', () => resolve({ status: res.statusCode ?? 0, bytes, complete: false }));
      },
    );
    req.on('error', reject);
  });
}

describe('local server: faults, control API, restarts, child process', () => {
  let server: RunningServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = (await signIn(server)).tokens.access_token;
  });
  afterEach(() => server.control!.clearFaults());
  after(async () => {
    await server.close();
  });

  it('429 with Retry-After for the next N matching requests, then normal answers', async () => {
    server.control!.addFault({ kind: '429', count: 2, retryAfter: 3, match: 'GET /api/v1/user' });
    const other = await api(server, token, '/api/v1/metadata/');
    assert.equal(other.status, 200);
    for (let i = 0; i < 2; i++) {
      const res = await api(server, token, '/api/v1/user');
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '3');
      assert.equal(((await res.json()) as { error: string }).error, 'rate_limited');
    }
    assert.equal((await api(server, token, '/api/v1/user')).status, 200);
  });

  it('503 through the HTTP control API; DELETE /__test__/faults clears the queue', async () => {
    const add = await fetch(`${server.url}/__test__/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: '503', count: 5, match: '/api/v1/metadata' }),
    });
    assert.equal(add.status, 204);
    const res = await api(server, token, '/api/v1/metadata/');
    assert.equal(res.status, 503);
    assert.equal((await fetch(`${server.url}/__test__/faults`, { method: 'DELETE' })).status, 204);
    assert.equal((await api(server, token, '/api/v1/metadata/')).status, 200);
    const bad = await fetch(`${server.url}/__test__/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"kind":"teapot"}',
    });
    assert.equal(bad.status, 400);
  });

  it('cut: a download is reset after N response-body bytes', async () => {
    const size = 256 * 1024;
    await api(server, token, '/api/v1/files/cut/down.bin', { method: 'PUT', body: Buffer.alloc(size, 1) });
    server.control!.addFault({ kind: 'cut', afterBytes: 1000, match: 'GET /api/v1/files/cut' });
    const cut = await countDownload(server, token, '/api/v1/files/cut/down.bin');
    assert.equal(cut.status, 200);
    assert.equal(cut.complete, false);
    assert.equal(cut.bytes, 1000);
    const whole = await countDownload(server, token, '/api/v1/files/cut/down.bin');
    assert.deepEqual(whole, { status: 200, bytes: size, complete: true });
  });

  it('cut: an upload is reset after N request-body bytes; nothing is written, no temp file left', async () => {
    const files = path.join(server.dataDir, 'files');
    const before = await snapshot(files);
    server.control!.addFault({ kind: 'cut', afterBytes: 100_000, match: 'PUT /api/v1/files/cut' });
    const result = await slowUpload(server, token, '/api/v1/files/cut/up.bin', 2 * 1024 * 1024);
    assert.equal(typeof result, 'string', `expected a connection error, got ${result}`);
    // The server removes its temp file once it has seen the reset: wait for that (a fixed 100 ms
    // failed under load, the temp file still there), then compare.
    let after = await snapshot(files);
    await eventually(
      async () => JSON.stringify((after = await snapshot(files))) === JSON.stringify(before),
      'the temp file removed',
      10_000,
      50,
    ).catch(() => undefined);
    assert.deepEqual(after, before);
    assert.equal((await api(server, token, '/api/v1/metadata/cut/up.bin')).status, 404);
  });

  it('cut: an upload whose rest arrives all at once after the cut point is not committed short', async () => {
    // As under load: the handler is already writing the body (its temp file exists) when the rest of
    // it, across the cut point, reaches the server in one go, so the server reads it and the body's
    // end in one turn, before the cut's reset runs. The end must not reach the handler, or it sees a
    // clean, short body and commits it (seen once in a loaded run: the old version was gone).
    server.control!.addFault({ kind: 'cut', afterBytes: 150_000, match: 'PUT /api/v1/files/cut/rest.bin' });
    await api(server, token, '/api/v1/files/cut/keep.bin', { method: 'PUT', body: Buffer.alloc(1, 1) });
    const folder = path.join(await accountFolder(server.dataDir, 'cut/keep.bin'), 'cut');
    const writing = async () => (await fsp.readdir(folder)).some((name) => name.startsWith(TEMP_PREFIX));
    const { req, outcome } = openUpload(server, token, '/api/v1/files/cut/rest.bin', 200_000);
    req.write(Buffer.alloc(100_000, 3));
    const restSent = (async () => {
      await eventually(writing, 'the server writes the upload to its temp file', 10_000, 10);
      req.end(Buffer.alloc(100_000, 4));
      // The server (in this process) descheduled while the rest arrives, as on a loaded machine:
      // this turn holds the thread until the bytes are in the server's socket buffer.
      for (const until = Date.now() + 200; Date.now() < until;) {
        // hold
      }
    })();
    await restSent;
    const result = await outcome;
    assert.equal(typeof result, 'string', `expected a connection error, got ${result}`);
    await eventually(async () => !(await writing()), 'the server removes its temp file', 10_000, 10);
    assert.equal((await api(server, token, '/api/v1/metadata/cut/rest.bin')).status, 404, 'nothing committed');
  });

  it('cut with afterBytes 0 drops the connection before any answer', async () => {
    server.control!.addFault({ kind: 'cut', match: '/api/v1/user' });
    await assert.rejects(api(server, token, '/api/v1/user'));
    assert.equal((await api(server, token, '/api/v1/user')).status, 200);
  });

  it('stall: the request never gets an answer; the client times out; later requests work', async () => {
    server.control!.addFault({ kind: 'stall', match: 'GET /api/v1/user' });
    await assert.rejects(
      api(server, token, '/api/v1/user', { signal: AbortSignal.timeout(300) }),
      (err: Error) => err.name === 'TimeoutError',
    );
    assert.equal((await api(server, token, '/api/v1/user')).status, 200);
  });

  it('stats count requests by route and token requests by grant type; reset-stats clears them', async () => {
    assert.equal((await fetch(`${server.url}/__test__/reset-stats`, { method: 'POST' })).status, 204);
    const { client, tokens } = await signIn(server);
    await tokenRequest(server, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    await api(server, token, '/api/v1/files/README.md');
    await api(server, token, '/api/v1/files/notes/todo.md');
    const stats = (await (await fetch(`${server.url}/__test__/stats`)).json()) as {
      requests: Record<string, number>;
      tokenRequests: Record<string, number>;
      revocations: number;
    };
    assert.equal(stats.requests['GET /api/v1/files'], 2);
    assert.equal(stats.requests['POST /oauth2/token/'], 2);
    assert.equal(stats.requests['POST /oauth2/register'], 1);
    assert.equal(stats.tokenRequests.authorization_code, 1);
    assert.equal(stats.tokenRequests.refresh_token, 1);
    assert.equal(stats.revocations, 0);
    assert.deepEqual(server.control!.stats().requests, stats.requests);
  });

  it('stats list each request with its Origin and User-Agent, so a test can tell a browser from Node', async () => {
    assert.equal((await fetch(`${server.url}/__test__/reset-stats`, { method: 'POST' })).status, 204);
    const origin = 'http://127.0.0.1:8080';
    await api(server, token, '/api/v1/user', { headers: { origin, 'user-agent': 'a browser' } });
    await api(server, token, '/api/v1/files/README.md', { headers: { 'user-agent': 'plain node' } });
    await fetch(`${server.url}/__test__/stats`, { headers: { origin } });
    const stats = (await (await fetch(`${server.url}/__test__/stats`)).json()) as {
      requestLog: { route: string; origin: string | null; userAgent: string | null }[];
    };
    // The test-control requests are not listed, as they are not counted.
    assert.deepEqual(stats.requestLog, [
      { route: 'GET /api/v1/user', origin, userAgent: 'a browser' },
      { route: 'GET /api/v1/files', origin: null, userAgent: 'plain node' },
    ]);
    assert.equal((await fetch(`${server.url}/__test__/reset-stats`, { method: 'POST' })).status, 204);
    assert.deepEqual(server.control!.stats().requestLog, []);
  });

  it('POST /__test__/token-ttl and /__test__/expire-access-tokens', async () => {
    assert.equal(
      (
        await fetch(`${server.url}/__test__/token-ttl`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"seconds":120}',
        })
      ).status,
      204,
    );
    const { client, tokens } = await signIn(server);
    assert.equal(tokens.expires_in, 120);
    assert.equal(
      (
        await fetch(`${server.url}/__test__/token-ttl`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"seconds":0}',
        })
      ).status,
      400,
    );
    server.control!.setTokenTtl(3600);
    assert.equal((await fetch(`${server.url}/__test__/expire-access-tokens`, { method: 'POST' })).status, 204);
    assert.equal((await api(server, tokens.access_token, '/api/v1/user')).status, 401);
    // The refresh token still works: that is how a client recovers.
    const refreshed = await tokenRequest(server, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    assert.equal(refreshed.status, 200);
    assert.equal((await api(server, refreshed.body.access_token as string, '/api/v1/user')).status, 200);
    token = refreshed.body.access_token as string;
  });

  it('the control API does not exist without faults (404)', async () => {
    const plain = await startServer({});
    try {
      assert.equal(plain.control, undefined);
      for (const [method, p] of [
        ['GET', '/__test__/stats'],
        ['POST', '/__test__/faults'],
        ['POST', '/__test__/expire-access-tokens'],
      ] as const) {
        const res = await raw(plain, method, p);
        assert.equal(res.status, 404, p);
        assert.equal(res.json().error, 'not_found');
      }
    } finally {
      await plain.close();
    }
  });

  it('a restart with the same data folder keeps clients, tokens and files; demo files are seeded only once', async () => {
    const dataDir = await tempDir();
    try {
      const first = await startServer({ dataDir });
      const { client, tokens } = await signIn(first);
      assert.equal(
        (await api(first, tokens.access_token, '/api/v1/files/README.md', { method: 'DELETE' })).status,
        204,
      );
      await api(first, tokens.access_token, '/api/v1/files/kept.txt', { method: 'PUT', body: 'kept' });
      await first.close();

      const second = await startServer({ dataDir });
      try {
        assert.equal((await api(second, tokens.access_token, '/api/v1/user')).status, 200);
        assert.equal(await (await api(second, tokens.access_token, '/api/v1/files/kept.txt')).text(), 'kept');
        assert.equal((await api(second, tokens.access_token, '/api/v1/metadata/README.md')).status, 404);
        const refreshed = await tokenRequest(second, {
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token,
          client_id: client.client_id,
          client_secret: client.client_secret,
        });
        assert.equal(refreshed.status, 200);
      } finally {
        await second.close();
      }
    } finally {
      await fsp.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('accounts from options: each signs in with its own password and has its own tree', async () => {
    const multi = await startServer({
      users: [
        { username: 'alice', password: 'wonder' },
        { username: 'bob', password: 'builder' },
      ],
    });
    try {
      const { authorizeAsUser } = await import('../browser.js');
      const { register, authorizeUrl, REDIRECT, pkcePair } = await import('../../support/serverHttp.js');
      const client = await register(multi, { client_name: 'x', redirect_uris: [REDIRECT] });
      const { challenge } = pkcePair();
      const url = authorizeUrl(multi, {
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      await assert.rejects(authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' }));
      const location = await authorizeAsUser(url, { username: 'bob', password: 'builder', decision: 'allow' });
      assert.ok(new URL(location).searchParams.get('code'));
    } finally {
      await multi.close();
    }
  });

  it('spawnServer runs the CLI as a child with the system node, prints the account, and closes', async function () {
    this.timeout(30000);
    const dataDir = await tempDir();
    const lines: string[] = [];
    const child = await spawnServer(['--data', dataDir, '--user', 'carol:secret'], {
      onOutput: (line) => lines.push(line),
    });
    try {
      assert.match(child.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${child.url}/.well-known/oauth-authorization-server`);
      assert.equal(((await res.json()) as { issuer: string }).issuer, child.url);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(lines.includes('Account: carol / secret'), lines.join('\n'));
    } finally {
      await child.close();
      await fsp.rm(dataDir, { recursive: true, force: true });
    }
    assert.notEqual(child.process.exitCode ?? child.process.signalCode, null);
  });
});
