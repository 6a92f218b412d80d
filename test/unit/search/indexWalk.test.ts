import * as assert from 'node:assert/strict';
import type { RequestInit, Response } from 'node-fetch';
import type { GitShareClient } from '../../../src/api/client';
import { fetch as nodeFetch } from '../../../src/node/fetch';
import { FileIndex } from '../../../src/search/fileIndex';
import { walkAccount } from '../../../src/search/indexWalk';
import type { RunningServer } from '../../server/index';
import { startSignedInClient } from '../../support/serverSession';
import { nodeTransport } from '../../../src/node/transport';

describe('search/walkAccount against the local server', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let client: GitShareClient;
  let inFlight = 0;
  let maxInFlight = 0;

  before(async () => {
    const counting = async (url: string, init: RequestInit): Promise<Response> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await nodeFetch(url, init);
      } finally {
        inFlight--;
      }
    };
    ({ server, client } = await startSignedInClient({}, { transport: nodeTransport(counting) }));
    const writes: Promise<unknown>[] = [];
    for (let a = 0; a < 6; a++) {
      for (let b = 0; b < 4; b++) {
        writes.push(client.writeFile(`/tree/a${a}/b${b}/file-${a}-${b}.txt`, Buffer.from('x'), undefined));
      }
    }
    writes.push(client.writeFile('/tree/a1/b2/c/deep-needle.md', Buffer.from('x'), undefined));
    await Promise.all(writes);
  });
  after(() => server?.close());

  it('indexes every folder, a few listings at a time, with progress', async () => {
    const index = new FileIndex('demo');
    const progress: number[] = [];
    maxInFlight = 0;
    const result = await walkAccount(client, index, { concurrency: 3, onProgress: (p) => progress.push(p.folders) });
    assert.ok(maxInFlight <= 3, `at most 3 requests at once (saw ${maxInFlight})`);
    assert.ok(maxInFlight >= 2, `and really in parallel (saw ${maxInFlight})`);
    assert.equal(result.folders, index.listedFolders);
    assert.deepEqual(
      progress,
      progress.map((_, i) => i + 1),
      'progress after every folder',
    );
    assert.deepEqual(
      index.search('deep-needle').map((i) => i.path),
      ['/tree/a1/b2/c/deep-needle.md'],
    );
    assert.equal(index.search('file-').length, 24);
    assert.ok(index.walkedAt && index.walkedAt <= Date.now());
  });

  it('a second walk brings the index up to date: new, deleted and moved files', async () => {
    const index = new FileIndex('demo');
    await walkAccount(client, index);
    await client.writeFile('/tree/a5/new-report.txt', Buffer.from('x'), undefined);
    await client.delete('/tree/a0', { recursive: true });
    await client.move('/tree/a1/b2/c/deep-needle.md', '/tree/moved-needle.md');
    // Before the walk: the old names still answer (a search is never empty while re-walking).
    assert.equal(index.search('deep-needle').length, 1);
    await walkAccount(client, index);
    assert.deepEqual(
      index.search('new-report').map((i) => i.path),
      ['/tree/a5/new-report.txt'],
    );
    assert.deepEqual(index.search('file-0-'), [], 'the deleted folder is gone with its files');
    assert.deepEqual(
      index.search('needle').map((i) => i.path),
      ['/tree/moved-needle.md'],
    );
  });

  it('a cancelled walk stops and says so', async () => {
    const controller = new AbortController();
    const index = new FileIndex('demo');
    const walk = walkAccount(client, index, {
      signal: controller.signal,
      onProgress: (p) => p.folders === 2 && controller.abort(),
    });
    await assert.rejects(walk, (e: Error & { kind?: string }) => e.kind === 'cancelled');
    assert.ok(index.listedFolders < 30);
  });
});
