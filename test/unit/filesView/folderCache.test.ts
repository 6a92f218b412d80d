import * as assert from 'node:assert/strict';
import { GitShareClient } from '../../../src/api/client';
import { FolderCache } from '../../../src/filesView/folderCache';
import type { RunningServer } from '../../server/index';
import { startSignedInClient } from '../../support/serverSession';
import { eventually, pause } from '../../support/wait';

describe('filesView/FolderCache', function () {
  this.timeout(30_000);
  let server: RunningServer;
  let client: GitShareClient;

  before(async () => {
    ({ server, client } = await startSignedInClient());
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        client.writeFile(`/big/f${String(i).padStart(3, '0')}`, Buffer.from('x'), undefined),
      ),
    );
    await client.createFolder('/big/sub');
  });
  after(() => server?.close());

  it('shows the first page at once and the rest on "load more"', async () => {
    const cache = new FolderCache(12);
    const first = await cache.get(client, 'acct', '/big');
    assert.equal(first.entries.length, 12);
    assert.equal(first.entries[0].name, 'sub', 'folders first');
    assert.ok(first.nextCursor);
    const second = await cache.loadMore(client, 'acct', '/big');
    assert.equal(second.entries.length, 24);
    const third = await cache.loadMore(client, 'acct', '/big');
    assert.equal(third.entries.length, 31);
    assert.equal(third.nextCursor, null);
    assert.equal(new Set(third.entries.map((e) => e.path)).size, 31);
  });

  it('"load more" takes the page fetched while "Load more" was shown: no request of its own', async () => {
    const cache = new FolderCache(12);
    server.control!.resetStats();
    const listings = () => server.control!.stats().requests['GET /api/v1/folders'] ?? 0;
    const settled = async (n: number) => {
      await eventually(() => listings() >= n, `${n} listings at the server`, 2_000, 10);
      return listings();
    };
    await cache.get(client, 'acct', '/big');
    cache.prefetch(client, 'acct', '/big');
    cache.prefetch(client, 'acct', '/big');
    assert.equal(await settled(2), 2, 'the first page, and the second asked once');
    const second = await cache.loadMore(client, 'acct', '/big');
    assert.equal(second.entries.length, 24);
    assert.equal(listings(), 2, 'the click took the page already fetched');
    cache.prefetch(client, 'acct', '/big');
    assert.equal(await settled(3), 3);
    const third = await cache.loadMore(client, 'acct', '/big');
    assert.equal(third.entries.length, 31);
    assert.equal(third.nextCursor, null);
    cache.prefetch(client, 'acct', '/big');
    // No request is the finding: a wrong prefetch gets 50 ms to reach the server.
    await pause(50);
    assert.equal(listings(), 3, 'nothing after the last page');
  });

  it('shares one request between concurrent callers and caches', async () => {
    server.control!.resetStats();
    const cache = new FolderCache(50);
    const [a, b] = await Promise.all([cache.get(client, 'acct', '/'), cache.get(client, 'acct', '/')]);
    assert.equal(a, b);
    await cache.get(client, 'acct', '/');
    assert.equal(server.control!.stats().requests['GET /api/v1/folders'], 1);
  });

  it('invalidates a folder and everything below it', async () => {
    const cache = new FolderCache(50);
    await cache.get(client, 'acct', '/');
    await cache.get(client, 'acct', '/big');
    await cache.get(client, 'acct', '/big/sub');
    await cache.get(client, 'other', '/big');
    cache.invalidate('acct', '/big');
    assert.ok(cache.peek('acct', '/'));
    assert.equal(cache.peek('acct', '/big'), undefined);
    assert.equal(cache.peek('acct', '/big/sub'), undefined);
    assert.ok(cache.peek('other', '/big'));
  });
});
