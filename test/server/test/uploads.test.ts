import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import type { RunningServer } from '../index';
import { PathLocks } from '../files';
import { api, signIn, snapshot } from '../../support/serverHttp';
import { startTestServer } from '../../support/testServer';
import { eventually } from '../../support/wait';

/**
 * Uploads under concurrency and interruption: the precondition check and the rename are one step
 * per path; a body that ends early, breaks its framing or stalls fails and leaves no temp file.
 */

interface Entry {
  path: string;
  etag: string;
}

const IDLE_MS = 400;

/** Writes `chunks` to a raw connection with `gapMs` between them; resolves with what came back once the server closes (or after `waitMs`). */
function rawExchange(
  server: RunningServer,
  chunks: readonly string[],
  options: { gapMs?: number; halfClose?: boolean; waitMs?: number } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, server.host);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      answer += text;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
    setTimeout(() => socket.destroy(), options.waitMs ?? 3_000);
    let i = 0;
    const next = (): void => {
      if (i < chunks.length) {
        socket.write(chunks[i++]!);
        setTimeout(next, options.gapMs ?? 0);
      } else if (options.halfClose) {
        socket.end();
      }
    };
    next();
  });
}

describe('local server: uploads under races and interruptions', () => {
  let server: RunningServer;
  let token: string;
  before(async () => {
    server = await startTestServer({ uploadIdleTimeoutMs: IDLE_MS });
    token = (await signIn(server)).tokens.access_token;
  });
  after(async () => {
    await server.close();
  });

  const put = (p: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> =>
    api(server, token, `/api/v1/files${p}`, { method: 'PUT', body, headers });
  const temps = async (): Promise<string[]> =>
    (await snapshot(`${server.dataDir}/files`)).filter((line) => line.includes('.gitshare-upload-'));
  /** The server removes an upload's temp file once it has seen the body end: waits for that (up to 3 s). */
  const tempsGone = async (): Promise<void> => {
    const gone = await eventually(async () => (await temps()).length === 0, 'no temp file', 3_000, 50).catch(
      () => false,
    );
    assert.ok(gone, (await temps()).join('\n'));
  };
  const head = (p: string, extra: string): string =>
    `PUT /api/v1/files${p} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n${extra}\r\n`;

  it('ten PUTs racing with one If-Match ETag: exactly one 200, nine 412; the winner stays and its entry is current', async () => {
    for (let round = 0; round < 3; round++) {
      const base = (await (await put('/race/if-match.txt', `base ${round}`)).json()) as Entry;
      const results = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const res = await put('/race/if-match.txt', `writer ${i} `.repeat(20_000), { 'if-match': base.etag });
          return { i, status: res.status, body: (await res.json()) as Entry };
        }),
      );
      const winners = results.filter((r) => r.status === 200);
      assert.equal(winners.length, 1, `round ${round}: ${results.map((r) => r.status).join(', ')}`);
      assert.equal(results.filter((r) => r.status === 412).length, 9);
      const now = await api(server, token, '/api/v1/files/race/if-match.txt');
      assert.equal(await now.text(), `writer ${winners[0]!.i} `.repeat(20_000));
      assert.equal(now.headers.get('etag'), winners[0]!.body.etag);
    }
    assert.deepEqual(await temps(), []);
  });

  it('streaming creators racing with If-None-Match: *: exactly one 201, the rest 412, no temp file', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        put('/race/create-only.txt', `creator ${i} `.repeat(50_000), { 'if-none-match': '*' }),
      ),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 412, 412, 412, 412, 412, 412, 412]);
    assert.deepEqual(await temps(), []);
  });

  it('unconditional PUTs racing onto a new path: one 201 (the first commit), the others 200', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => put('/race/plain.txt', `plain ${i} `.repeat(10_000))),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 200, 201]);
  });

  it('a body shorter than its Content-Length, then a half-close: no temp file, no file', async () => {
    await rawExchange(server, [head('/cut/short.txt', 'Content-Length: 100\r\n'), 'only ten b'], { halfClose: true });
    await tempsGone();
    assert.equal((await api(server, token, '/api/v1/metadata/cut/short.txt')).status, 404);
  });

  it('a broken chunked body: 400, no temp file', async () => {
    const answer = await rawExchange(server, [
      head('/cut/chunk.txt', 'Transfer-Encoding: chunked\r\n'),
      'zz\r\nabc\r\n',
    ]);
    assert.match(answer, /^HTTP\/1\.1 400/);
    await tempsGone();
  });

  it('a connection reset mid-body: no temp file', async () => {
    await new Promise<void>((resolve) => {
      const socket = net.connect(server.port, server.host);
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
      socket.write(head('/cut/reset.bin', 'Content-Length: 1000000\r\n'));
      socket.write(Buffer.alloc(64 * 1024, 7), () => setTimeout(() => socket.resetAndDestroy(), 100));
    });
    await tempsGone();
  });

  it(`a stalled body fails with 408 after the idle timeout (${IDLE_MS} ms here) and leaves no temp file`, async () => {
    const started = Date.now();
    const answer = await rawExchange(
      server,
      [head('/cut/stall.txt', 'Content-Length: 100\r\n'), 'twenty bytes, then ', '.'],
      { gapMs: 50, waitMs: 5_000 },
    );
    const elapsed = Date.now() - started;
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.match(answer, /"error":"timeout"/);
    assert.ok(elapsed >= IDLE_MS && elapsed < 3_000, `answered after ${elapsed} ms`);
    assert.deepEqual(await temps(), []);
  });

  it('a slow but steady body (gaps shorter than the idle timeout) is accepted', async () => {
    const parts = ['a'.repeat(10), 'b'.repeat(10), 'c'.repeat(10), 'd'.repeat(10), 'e'.repeat(10)];
    const answer = await rawExchange(
      server,
      [head('/slow.txt', 'Content-Length: 50\r\nConnection: close\r\n'), ...parts],
      { gapMs: IDLE_MS / 2, waitMs: 5_000 },
    );
    assert.match(answer, /^HTTP\/1\.1 201/);
    assert.equal(await (await api(server, token, '/api/v1/files/slow.txt')).text(), parts.join(''));
  });

  it('many uploads over one keep-alive connection add no lasting socket listeners', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 15; i++) {
        assert.equal((await put('/keepalive.txt', `v${i}`)).status, i === 0 ? 201 : 200);
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.ok(!warnings.includes('MaxListenersExceededWarning'), warnings.join(', '));
  });
});

describe('PathLocks', () => {
  it('runs one critical section at a time per key, in order; other keys run meanwhile; then forgets the key', async () => {
    const locks = new PathLocks();
    const log: string[] = [];
    const step = (key: string, name: string, ms: number) =>
      locks.run(key, async () => {
        log.push(`${name}+`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`${name}-`);
        return name;
      });
    const results = await Promise.all([step('/a', 'a1', 30), step('/a', 'a2', 1), step('/b', 'b1', 5)]);
    assert.deepEqual(results, ['a1', 'a2', 'b1']);
    assert.deepEqual(log, ['a1+', 'b1+', 'b1-', 'a1-', 'a2+', 'a2-']);
    assert.equal(locks.size, 0);
  });

  it('a failing section releases the key', async () => {
    const locks = new PathLocks();
    await assert.rejects(
      locks.run('/a', () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await locks.run('/a', () => Promise.resolve(42)), 42);
    assert.equal(locks.size, 0);
  });
});
