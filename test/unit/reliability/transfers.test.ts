/**
 * Transfers under faults, through the real GitShareClient against the real
 * local server (its fault switch, a child process killed mid-way, and the test
 * proxy for what the switch cannot do). Every case ends with "nothing lost":
 * no half file and no temp file at the destination, the remote file exactly
 * the old or the new version, and the next try succeeds.
 */

import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCancellation } from '../../../src/common/errors';
import { spawnServer, type SpawnedServer } from '../../server/spawn';
import { useSignedInServer } from '../helpers/fixtures';
import { signIn } from '../../support/serverSession';
import { FAST_RETRY } from '../helpers/retry';
import { filesBelow } from '../../support/files';
import { accountFolder } from '../../support/serverData';
import { count } from '../../support/tally';
import { failure, newClient, pattern } from './helpers';
import { TestProxy } from './proxy';
import { eventually } from '../../support/wait';
import { downloadTo, uploadFrom } from '../helpers/localFiles';

const BIG = 2 * 1024 * 1024 + 123;

/** Server temp files (`.gitshare-upload-*`) anywhere in the data folder. */
async function serverTempFiles(dataDir: string): Promise<string[]> {
  return (await filesBelow(path.join(dataDir, 'files'))).filter((f) =>
    path.basename(f).startsWith('.gitshare-upload-'),
  );
}

describe('reliability: transfers survive faults, nothing lost', function () {
  this.timeout(30_000);
  const { server, tokens } = useSignedInServer();
  let tmp: string;
  let big: Buffer;

  before(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-reliability-'));
    big = pattern(BIG, 7);
    await newClient(server.url, tokens).client.writeFile('/rel/big.bin', big, undefined);
  });
  after(async () => {
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  async function freshDir(name: string): Promise<string> {
    const dir = path.join(tmp, name);
    await fsp.mkdir(dir, { recursive: true });
    return dir;
  }

  it('a download cut mid-way on every attempt: no file, no temp file, a clear error; the next try succeeds', async () => {
    const dir = await freshDir('cut');
    const attempts = FAST_RETRY.maxRetries + 1;
    server.control!.addFault({ kind: 'cut', afterBytes: 512 * 1024, count: attempts, match: 'GET /api/v1/files' });
    const { client } = newClient(server.url, tokens);
    const error = await failure(downloadTo(client, '/rel/big.bin', path.join(dir, 'big.bin')));
    count('faults', 'download reset mid-way (server cut)', attempts);
    assert.equal(error.kind, 'network');
    assert.match(error.message, /GitShare/);
    assert.doesNotMatch(error.message, /\n|at .*\.js/, 'a sentence, not a stack');
    assert.deepEqual(await filesBelow(dir), [], 'no file and no temp file');
    assert.equal(server.control!.stats().requests['GET /api/v1/files'], attempts, 'a bounded number of resumes');

    const result = await downloadTo(client, '/rel/big.bin', path.join(dir, 'big.bin'));
    assert.equal(result.bytes, BIG);
    assert.ok((await fsp.readFile(path.join(dir, 'big.bin'))).equals(big), 'byte-exact');
    assert.deepEqual(await filesBelow(dir), ['big.bin']);
  });

  it('a download cut once resumes with Range and is byte-exact', async () => {
    const dir = await freshDir('cut-once');
    server.control!.addFault({ kind: 'cut', afterBytes: 700_001, count: 1, match: 'GET /api/v1/files' });
    const { client } = newClient(server.url, tokens);
    await downloadTo(client, '/rel/big.bin', path.join(dir, 'big.bin'));
    count('faults', 'download reset mid-way, resumed');
    assert.ok((await fsp.readFile(path.join(dir, 'big.bin'))).equals(big));
    assert.deepEqual(await filesBelow(dir), ['big.bin']);
    assert.equal(server.control!.stats().requests['GET /api/v1/files'], 2);
  });

  describe('the server process dies mid-download', () => {
    let dataDir: string;
    let child: SpawnedServer | undefined;
    after(async () => {
      await child?.close();
      await fsp.rm(dataDir, { recursive: true, force: true });
    });

    it('no file, no temp file, a network error; after a restart on the same data the session and the download work', async () => {
      dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-reliability-data-'));
      child = await spawnServer(['--data', dataDir, '--quiet']);
      const port = new URL(child.url).port;
      const session = await signIn(child.url);
      const { client } = newClient(child.url, session);
      const size = 12 * 1024 * 1024;
      const data = pattern(size, 3);
      await client.writeFile('/huge.bin', data, undefined);

      const dir = await freshDir('killed');
      const victim = child;
      let killedAt = -1;
      const error = await failure(
        downloadTo(client, '/huge.bin', path.join(dir, 'huge.bin'), {
          onProgress: (done) => {
            if (done > 0 && killedAt < 0) {
              killedAt = done;
              victim.process.kill('SIGKILL');
            }
          },
        }),
      );
      count('faults', 'server process killed mid-download');
      assert.ok(killedAt > 0 && killedAt < size, 'killed mid-way');
      assert.equal(error.kind, 'network');
      assert.match(error.message, new RegExp(`GitShare at 127\\.0\\.0\\.1:${port}`));
      assert.deepEqual(await filesBelow(dir), [], 'no file and no temp file');

      child = await spawnServer(['--data', dataDir, '--port', port, '--quiet']);
      count('faults', 'server restarted while signed in');
      assert.equal((await client.user()).username, 'demo', 'the session survived the restart');
      const result = await downloadTo(client, '/huge.bin', path.join(dir, 'huge.bin'));
      assert.equal(result.bytes, size);
      assert.ok((await fsp.readFile(path.join(dir, 'huge.bin'))).equals(data));
      assert.deepEqual(await filesBelow(dir), ['huge.bin']);
    });
  });

  it('an upload cut mid-way leaves exactly the old version (on disk and through GET); the retry re-reads the local file', async () => {
    const { client } = newClient(server.url, tokens);
    const v1 = pattern(1_500_000, 11);
    const first = await client.writeFile('/rel/doc.bin', v1, undefined);
    const local = path.join(tmp, 'doc.bin');
    await fsp.writeFile(local, pattern(1_500_000, 12));
    server.control!.addFault({
      kind: 'cut',
      afterBytes: 600_000,
      count: 1,
      match: 'PUT /api/v1/files',
      target: 'request',
    });
    const error = await failure(uploadFrom(client, '/rel/doc.bin', local, { ifMatch: first.etag }));
    count('faults', 'upload reset mid-way (server cut)');
    assert.equal(error.kind, 'network');
    assert.equal(
      server.control!.stats().requests['PUT /api/v1/files'],
      2,
      'the first write, then one cut attempt: a consumed body is never replayed',
    );

    const onDisk = path.join(await accountFolder(server.dataDir, 'README.md'), 'rel', 'doc.bin');
    assert.ok((await fsp.readFile(onDisk)).equals(v1), 'the old bytes on the server disk');
    await eventually(
      async () => (await serverTempFiles(server.dataDir)).length === 0,
      'the server to remove its temp file',
      2_000,
      20,
    );
    const read = await client.readFile('/rel/doc.bin');
    assert.ok(Buffer.from(read.data).equals(v1), 'the old bytes through GET');
    assert.equal(read.etag?.replace(/"/g, ''), first.etag.replace(/"/g, ''), 'the old ETag');

    // The person edits the file again and retries: the new local bytes go up, not the old attempt's.
    const v3 = pattern(1_234_567, 13);
    await fsp.writeFile(local, v3);
    const entry = await uploadFrom(client, '/rel/doc.bin', local, { ifMatch: first.etag });
    assert.equal(entry.size, v3.length);
    assert.ok((await fsp.readFile(onDisk)).equals(v3));
    assert.deepEqual(await serverTempFiles(server.dataDir), []);
  });

  it('a body that ends cleanly before its Content-Length is a failed transfer, for reads and downloads', async () => {
    const proxy = await TestProxy.start(server.url);
    try {
      const isFile = (req: { url?: string; method?: string }) =>
        req.method === 'GET' && (req.url ?? '').startsWith('/api/v1/files/');
      proxy.plan = (req) => (isFile(req) ? { kind: 'truncate', afterBytes: 100_000 } : { kind: 'pass' });
      const { client } = newClient(proxy.url, tokens);
      const read = await failure(client.readFile('/rel/big.bin'));
      count('faults', 'body shorter than Content-Length (clean close)');
      assert.equal(read.kind, 'network');

      const dir = await freshDir('short');
      const download = await failure(downloadTo(client, '/rel/big.bin', path.join(dir, 'big.bin')));
      count('faults', 'body shorter than Content-Length (clean close)', FAST_RETRY.maxRetries + 1);
      assert.equal(download.kind, 'network');
      assert.deepEqual(await filesBelow(dir), []);

      // Once only: the download resumes where the short body stopped.
      proxy.once(isFile, { kind: 'truncate', afterBytes: 300_000 });
      await downloadTo(client, '/rel/big.bin', path.join(dir, 'big.bin'));
      count('faults', 'body shorter than Content-Length (clean close)');
      assert.ok((await fsp.readFile(path.join(dir, 'big.bin'))).equals(big));
      const ranges = proxy.seen.filter((s) => isFile(s)).map((s) => s.headers.range);
      // Resumed from what reached the disk (at most what arrived), not from zero and not beyond.
      const start = Number(/^bytes=(\d+)-$/.exec(String(ranges.at(-1)))?.[1]);
      assert.ok(start > 0 && start <= 300_000, `resumed from ${ranges.at(-1)}`);
    } finally {
      await proxy.close();
    }
  });

  it('a body that stalls hits the idle timeout with a clear message, and nothing is left', async () => {
    const proxy = await TestProxy.start(server.url);
    try {
      proxy.plan = (req) =>
        req.method === 'GET' && req.url?.startsWith('/api/v1/files/')
          ? { kind: 'stall', afterBytes: 64 * 1024 }
          : { kind: 'pass' };
      const { client } = newClient(proxy.url, tokens, { idleTimeoutMs: 250, retry: { ...FAST_RETRY, maxRetries: 1 } });
      const dir = await freshDir('stall');
      const started = Date.now();
      const error = await failure(downloadTo(client, '/rel/big.bin', path.join(dir, 'big.bin')));
      count('faults', 'body stalled mid-way (idle timeout)', 2);
      assert.equal(error.kind, 'timeout');
      assert.match(error.message, /did not answer in time/);
      assert.ok(Date.now() - started < 5_000, 'gave up in seconds');
      assert.deepEqual(await filesBelow(dir), []);
    } finally {
      await proxy.close();
    }
  });

  it('a server that never answers hits the response timeout with a clear message', async () => {
    server.control!.addFault({ kind: 'stall', count: 2, match: 'GET /api/v1/files' });
    const { client } = newClient(server.url, tokens, {
      responseTimeoutMs: 250,
      retry: { ...FAST_RETRY, maxRetries: 1 },
    });
    const dir = await freshDir('no-answer');
    const started = Date.now();
    const error = await failure(downloadTo(client, '/rel/big.bin', path.join(dir, 'big.bin')));
    count('faults', 'server never answered (response timeout)', 2);
    assert.equal(error.kind, 'timeout');
    assert.match(error.message, /GitShare at 127\.0\.0\.1:\d+ did not answer in time/);
    assert.ok(Date.now() - started < 3_000);
    assert.deepEqual(await filesBelow(dir), []);
  });

  describe('Cancel at any moment leaves nothing', () => {
    const moments: Array<
      [string, (abort: () => void) => { setup?: () => void; onProgress?: (done: number) => void; before?: boolean }]
    > = [
      ['before the request', () => ({ before: true })],
      [
        'while waiting for the answer (stalled server)',
        (abort) => ({
          setup: () => {
            server.control!.addFault({ kind: 'stall', count: 1, match: 'GET /api/v1/files' });
            setTimeout(abort, 100);
          },
        }),
      ],
      [
        'while waiting to retry (503, Retry-After 30)',
        (abort) => ({
          setup: () => {
            server.control!.addFault({ kind: '503', retryAfter: 30, count: 1, match: 'GET /api/v1/files' });
            setTimeout(abort, 100);
          },
        }),
      ],
      ['mid-body', (abort) => ({ onProgress: (done) => done > 0 && abort() })],
      ['at the last byte', (abort) => ({ onProgress: (done) => done === BIG && abort() })],
    ];
    for (const [moment, make] of moments) {
      it(`download: ${moment}`, async () => {
        const dir = await freshDir(`cancel-${moment.replace(/\W+/g, '-')}`);
        const controller = new AbortController();
        const how = make(() => controller.abort());
        how.setup?.();
        if (how.before) {
          controller.abort();
        }
        const { client } = newClient(server.url, tokens);
        const started = Date.now();
        const outcome = await downloadTo(client, '/rel/big.bin', path.join(dir, 'big.bin'), {
          signal: controller.signal,
          onProgress: how.onProgress,
        }).then(
          () => 'done',
          (e: unknown) => e,
        );
        count('faults', 'cancel (download)');
        if (moment === 'at the last byte' && outcome === 'done') {
          // Cancel after the last byte may lose the race with the rename: then the whole file is there, never a part.
          assert.ok((await fsp.readFile(path.join(dir, 'big.bin'))).equals(big));
          return;
        }
        assert.ok(isCancellation(outcome), `cancelled, not ${String(outcome)}`);
        assert.ok(Date.now() - started < 2_000, 'at once');
        assert.deepEqual(await filesBelow(dir), []);
      });
    }

    it('upload: mid-body leaves the remote file as it was and no temp file on the server', async () => {
      const { client } = newClient(server.url, tokens);
      const old = await client.writeFile('/rel/cancel-up.bin', Buffer.from('old version'), undefined);
      const local = path.join(tmp, 'cancel-up.bin');
      await fsp.writeFile(local, pattern(4 * 1024 * 1024, 5));
      const controller = new AbortController();
      const outcome = await uploadFrom(
        client,
        '/rel/cancel-up.bin',
        local,
        { ifMatch: old.etag },
        { signal: controller.signal, onProgress: (done) => done > 256 * 1024 && controller.abort() },
      ).then(
        () => 'done',
        (e: unknown) => e,
      );
      count('faults', 'cancel (upload)');
      assert.ok(isCancellation(outcome), `cancelled, not ${String(outcome)}`);
      const read = await client.readFile('/rel/cancel-up.bin');
      assert.equal(Buffer.from(read.data).toString(), 'old version');
      await eventually(
        async () => (await serverTempFiles(server.dataDir)).length === 0,
        'the server to remove its temp file',
        2_000,
        20,
      );
    });
  });
});
