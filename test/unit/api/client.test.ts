import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitShareClient } from '../../../src/api/client';
import { collect } from '../../../src/api/pagination';
import { GitShareError, isCancellation } from '../../../src/common/errors';
import { Logger, MemoryLogSink } from '../../../src/common/logger';
import type { TokenSource } from '../../../src/common/accounts';
import { FAST_RETRY } from '../helpers/retry';
import { useSignedInServer } from '../helpers/fixtures';
import { nodeTransport } from '../../../src/node/transport';
import { downloadTo, uploadFrom } from '../helpers/localFiles';

function kind(expected: string) {
  return (e: unknown) => e instanceof GitShareError && e.kind === expected;
}

describe('api/GitShareClient against the local server', function () {
  this.timeout(30_000);
  const { server, tokens } = useSignedInServer(
    process.env.GITSHARE_TEST_SERVER_LOG ? { log: (l) => console.log('SRV', l) } : {},
  );
  let client: GitShareClient;
  let sink: MemoryLogSink;
  let tmp: string;

  before(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-client-'));
  });
  after(async () => {
    await fsp.rm(tmp, { recursive: true, force: true });
  });
  beforeEach(() => {
    sink = new MemoryLogSink();
    client = new GitShareClient({
      transport: nodeTransport(),
      serverUrl: server.url,
      tokens,
      logger: Logger.create(sink).child('api'),
      retry: FAST_RETRY,
    });
  });
  afterEach(() => {
    for (const line of sink.lines) {
      assert.ok(!line.includes(tokens.accessToken), 'a token reached the log');
    }
  });

  it('reads the user and the demo tree, folders first', async () => {
    const user = await client.user();
    assert.equal(user.username, 'demo');
    const page = await client.listFolder('/');
    const names = page.entries.map((e) => `${e.type}:${e.name}`);
    assert.deepEqual(names.slice(0, 3), ['dir:notes', 'dir:photos', 'dir:projects']);
    assert.ok(names.includes('file:README.md'));
    const readme = await client.entry('/README.md');
    assert.equal(readme.type, 'file');
    assert.ok(readme.size > 0 && readme.etag && readme.mtime > 0);
  });

  it('pages through a large folder with next_cursor', async () => {
    await client.createFolder('/many');
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        client.writeFile(`/many/f${String(i).padStart(2, '0')}.txt`, Buffer.from(`${i}`), undefined),
      ),
    );
    const first = await client.listFolder('/many', { limit: 10 });
    assert.equal(first.entries.length, 10);
    assert.ok(first.nextCursor);
    const all = await collect(client.iterateFolder('/many', { pageSize: 10 }));
    assert.equal(all.length, 25);
    assert.equal(new Set(all.map((e) => e.path)).size, 25);
    assert.equal(server.control!.stats().requests['GET /api/v1/folders'], 4);
  });

  it('writes, moves and deletes, with typed errors', async () => {
    const entry = await client.writeFile('/work/a b.txt', Buffer.from('hello'), { ifNoneMatch: '*' });
    assert.equal(entry.path, '/work/a b.txt');
    await assert.rejects(
      client.writeFile('/work/a b.txt', Buffer.from('again'), { ifNoneMatch: '*' }),
      kind('preconditionFailed'),
    );
    await assert.rejects(
      client.writeFile('/work/a b.txt', Buffer.from('stale'), { ifMatch: 'not-the-etag' }),
      kind('preconditionFailed'),
    );
    const replaced = await client.writeFile('/work/a b.txt', Buffer.from('fresh'), { ifMatch: entry.etag });
    assert.notEqual(replaced.etag, entry.etag);
    const { data, etag } = await client.readFile('/work/a b.txt');
    assert.equal(Buffer.from(data).toString(), 'fresh');
    assert.ok(etag);
    const moved = await client.move('/work/a b.txt', '/work/c.txt');
    assert.equal(moved.path, '/work/c.txt');
    await assert.rejects(client.entry('/work/a b.txt'), kind('notFound'));
    await client.writeFile('/work/d.txt', Buffer.from('d'), undefined);
    await assert.rejects(client.move('/work/c.txt', '/work/d.txt'), kind('conflict'));
    await assert.rejects(client.delete('/work'), kind('conflict'));
    await client.delete('/work', { recursive: true });
    assert.equal(await client.tryEntry('/work'), undefined);
    await assert.rejects(client.listFolder('/README.md'), kind('conflict'));
    await assert.rejects(client.readFile('/notes'), kind('conflict'));
  });

  it('retries 429 after Retry-After and 503 with backoff', async () => {
    server.control!.addFault({ kind: '429', retryAfter: 1, count: 1, match: 'GET /api/v1/metadata' });
    server.control!.addFault({ kind: '503', count: 2, match: 'GET /api/v1/metadata' });
    const started = Date.now();
    const entry = await client.entry('/README.md');
    assert.equal(entry.name, 'README.md');
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
    assert.equal(server.control!.stats().requests['GET /api/v1/metadata'], 4);
  });

  it('gives up after the bounded number of retries', async () => {
    server.control!.addFault({ kind: '503', count: 10, match: 'GET /api/v1/metadata' });
    await assert.rejects(client.entry('/README.md'), kind('server'));
    assert.equal(server.control!.stats().requests['GET /api/v1/metadata'], FAST_RETRY.maxRetries + 1);
  });

  it('never retries 404', async () => {
    await assert.rejects(client.entry('/nope'), kind('notFound'));
    assert.equal(server.control!.stats().requests['GET /api/v1/metadata'], 1);
  });

  it('refreshes once after 401 and replays', async () => {
    const before = tokens.refreshes;
    server.control!.expireAccessTokens();
    const page = await client.listFolder('/');
    assert.ok(page.entries.length > 0);
    assert.equal(tokens.refreshes, before + 1);
  });

  it('replays an upload after a 401 with a fresh body', async () => {
    const file = path.join(tmp, 'replay.bin');
    await fsp.writeFile(file, Buffer.alloc(64 * 1024, 7));
    server.control!.expireAccessTokens();
    const entry = await uploadFrom(client, '/replay.bin', file, undefined);
    assert.equal(entry.size, 64 * 1024);
  });

  it('says signInRequired when the refresh does not help', async () => {
    const broken: TokenSource = {
      getAccessToken: async () => 'not-a-token-at-all',
      refreshAfterUnauthorized: async () => 'still-not-a-token',
    };
    const c = new GitShareClient({
      transport: nodeTransport(),
      serverUrl: server.url,
      tokens: broken,
      logger: Logger.create(sink),
      retry: FAST_RETRY,
    });
    await assert.rejects(c.entry('/README.md'), kind('signInRequired'));
  });

  it('retries a stalled GET after the response timeout', async () => {
    server.control!.addFault({ kind: 'stall', count: 1, match: 'GET /api/v1/metadata' });
    const c = new GitShareClient({
      transport: nodeTransport(),
      serverUrl: server.url,
      tokens,
      logger: Logger.create(sink),
      retry: FAST_RETRY,
      responseTimeoutMs: 300,
    });
    const entry = await c.entry('/README.md');
    assert.equal(entry.name, 'README.md');
  });

  it('reports a timeout when every attempt stalls', async () => {
    server.control!.addFault({ kind: 'stall', count: 10, match: 'GET /api/v1/metadata' });
    const c = new GitShareClient({
      transport: nodeTransport(),
      serverUrl: server.url,
      tokens,
      logger: Logger.create(sink),
      retry: { ...FAST_RETRY, maxRetries: 1 },
      responseTimeoutMs: 200,
    });
    await assert.rejects(c.entry('/README.md'), kind('timeout'));
  });

  it('says network when nothing listens', async () => {
    const c = new GitShareClient({
      transport: nodeTransport(),
      serverUrl: 'http://127.0.0.1:9',
      tokens,
      logger: Logger.create(sink),
      retry: { ...FAST_RETRY, maxRetries: 1 },
    });
    await assert.rejects(c.entry('/README.md'), kind('network'));
  });

  it('cancels at once', async () => {
    server.control!.addFault({ kind: 'stall', count: 1, match: 'GET /api/v1/metadata' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await assert.rejects(client.entry('/README.md', controller.signal), (e) => isCancellation(e));
    assert.ok(Date.now() - started < 2000);
  });

  describe('transfers', () => {
    const size = 3 * 1024 * 1024 + 17;
    let source: string;
    before(async () => {
      source = path.join(tmp, 'big.bin');
      const data = Buffer.alloc(size);
      for (let i = 0; i < size; i++) {
        data[i] = (i * 31) & 0xff;
      }
      await fsp.writeFile(source, data);
    });

    it('uploads a stream with progress and downloads through a temp file', async () => {
      const seen: number[] = [];
      const entry = await uploadFrom(
        client,
        '/big/big.bin',
        source,
        { ifNoneMatch: '*' },
        { onProgress: (done) => seen.push(done) },
      );
      assert.equal(entry.size, size);
      assert.equal(seen[seen.length - 1], size);
      assert.ok(seen.length > 3, 'progress reported while streaming');

      const target = path.join(tmp, 'down', 'big.bin');
      await fsp.mkdir(path.dirname(target), { recursive: true });
      const result = await downloadTo(client, '/big/big.bin', target);
      assert.equal(result.bytes, size);
      assert.ok((await fsp.readFile(target)).equals(await fsp.readFile(source)));
      assert.deepEqual(await fsp.readdir(path.dirname(target)), ['big.bin'], 'no temp file left');
    });

    it('never replaces a local file unless told to', async () => {
      const target = path.join(tmp, 'keep', 'README.md');
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.writeFile(target, 'mine');
      await assert.rejects(downloadTo(client, '/README.md', target), kind('conflict'));
      assert.equal(await fsp.readFile(target, 'utf8'), 'mine');
      assert.deepEqual(await fsp.readdir(path.dirname(target)), ['README.md']);
      await downloadTo(client, '/README.md', target, { overwrite: true });
      assert.match(await fsp.readFile(target, 'utf8'), /Welcome to GitShare/);
    });

    it('resumes a download cut midway', async () => {
      server.control!.addFault({ kind: 'cut', afterBytes: 1024 * 1024, count: 1, match: 'GET /api/v1/files' });
      const target = path.join(tmp, 'resumed.bin');
      await downloadTo(client, '/big/big.bin', target);
      assert.ok((await fsp.readFile(target)).equals(await fsp.readFile(source)));
    });

    it('a cancelled download leaves nothing behind', async () => {
      const dir = path.join(tmp, 'cancel');
      await fsp.mkdir(dir);
      const controller = new AbortController();
      const target = path.join(dir, 'big.bin');
      await assert.rejects(
        downloadTo(client, '/big/big.bin', target, {
          signal: controller.signal,
          onProgress: (done) => {
            if (done > 0) {
              controller.abort();
            }
          },
        }),
        (e) => isCancellation(e),
      );
      assert.deepEqual(await fsp.readdir(dir), []);
    });

    it('a failed download leaves nothing behind', async () => {
      const dir = path.join(tmp, 'failed');
      await fsp.mkdir(dir);
      server.control!.addFault({ kind: 'cut', afterBytes: 1000, count: 10, match: 'GET /api/v1/files' });
      await assert.rejects(downloadTo(client, '/big/big.bin', path.join(dir, 'big.bin')), kind('network'));
      assert.deepEqual(await fsp.readdir(dir), []);
      await assert.rejects(downloadTo(client, '/nope.bin', path.join(dir, 'nope.bin')), kind('notFound'));
      assert.deepEqual(await fsp.readdir(dir), []);
    });

    it('does not retry an upload cut midway (the body was consumed)', async () => {
      server.control!.addFault({ kind: 'cut', afterBytes: 1024 * 1024, count: 1, match: 'PUT /api/v1/files' });
      await assert.rejects(uploadFrom(client, '/big/cut.bin', source, undefined), kind('network'));
      assert.equal(server.control!.stats().requests['PUT /api/v1/files'], 1);
      assert.equal(await client.tryEntry('/big/cut.bin'), undefined, 'the write is atomic');
    });

    it('retries an upload the server did not process (429)', async () => {
      server.control!.addFault({ kind: '429', retryAfter: 0, count: 1, match: 'PUT /api/v1/files' });
      const entry = await uploadFrom(client, '/big/after429.bin', source, undefined);
      assert.equal(entry.size, size);
      assert.equal(server.control!.stats().requests['PUT /api/v1/files'], 2);
    });
  });
});
