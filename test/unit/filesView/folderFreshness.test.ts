import * as assert from 'node:assert/strict';
import { GitShareClient } from '../../../src/api/client';
import { FolderCache } from '../../../src/filesView/folderCache';
import { relistIfChanged } from '../../../src/filesView/folderFreshness';
import type { RunningServer } from '../../server/index';
import { startSignedInClient } from '../../support/serverSession';

describe('filesView/folderFreshness: is a shown folder still what GitShare has? (local server)', function () {
  this.timeout(30_000);
  let server: RunningServer;
  let client: GitShareClient;

  before(async () => {
    ({ server, client } = await startSignedInClient());
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await client.writeFile(`/fresh/${name}.txt`, Buffer.from(name), undefined);
    }
  });
  after(() => server?.close());

  const names = (state: { entries: readonly { name: string }[] } | undefined) => state?.entries.map((e) => e.name);

  it('nothing changed: undefined, one request', async () => {
    const cache = new FolderCache(2);
    const shown = await cache.get(client, 'demo', '/fresh');
    server.control!.resetStats();
    assert.equal(await relistIfChanged(client, '/fresh', shown, 2), undefined);
    assert.equal(server.control!.stats().requests['GET /api/v1/folders'], 1);
  });

  it('a file added, changed or deleted elsewhere: the new listing', async () => {
    const cache = new FolderCache(10);
    const shown = await cache.get(client, 'demo', '/fresh');
    await client.writeFile('/fresh/aa.txt', Buffer.from('new'), undefined);
    const added = await relistIfChanged(client, '/fresh', shown, 10);
    assert.deepEqual(names(added), ['a.txt', 'aa.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']);

    await client.writeFile('/fresh/b.txt', Buffer.from('b, longer now'), undefined);
    const changed = await relistIfChanged(client, '/fresh', added!, 10);
    assert.ok(changed, 'a changed file changes the listing');
    assert.equal(changed.entries.find((e) => e.name === 'b.txt')!.size, 'b, longer now'.length);

    await client.delete('/fresh/aa.txt');
    assert.deepEqual(names(await relistIfChanged(client, '/fresh', changed, 10)), [
      'a.txt',
      'b.txt',
      'c.txt',
      'd.txt',
      'e.txt',
    ]);
  });

  it('re-lists as far as the view had loaded ("Load more…"), keeping the rest for later', async () => {
    const cache = new FolderCache(2);
    await cache.get(client, 'demo', '/fresh');
    const shown = await cache.loadMore(client, 'demo', '/fresh');
    assert.equal(shown.entries.length, 4);
    assert.equal(await relistIfChanged(client, '/fresh', shown, 2), undefined, 'four loaded, four unchanged');
    await client.writeFile('/fresh/0.txt', Buffer.from('first'), undefined);
    const fresh = await relistIfChanged(client, '/fresh', shown, 2);
    assert.deepEqual(names(fresh), ['0.txt', 'a.txt', 'b.txt', 'c.txt']);
    assert.ok(fresh!.nextCursor, '"Load more…" stays');
    await client.delete('/fresh/0.txt');
  });
});
