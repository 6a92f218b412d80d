import * as assert from 'node:assert/strict';
import type { RequestInit, Response } from 'node-fetch';
import type { GitShareClient } from '../../../src/api/client';
import { fetch as nodeFetch } from '../../../src/common/fetch';
import { FileIndex, walkAccount } from '../../../src/search/fileIndex';
import type { RunningServer } from '../../server/index';
import { startSignedInClient } from '../helpers/serverSession';

const entry = (name: string, type: 'file' | 'dir' = 'file') => ({ name, type });

describe('search/FileIndex: names and paths for Go to File', () => {
  function demoIndex(): FileIndex {
    const index = new FileIndex('demo@host');
    index.setFolder('/', [entry('notes', 'dir'), entry('projects', 'dir'), entry('README.md')]);
    index.setFolder('/notes', [entry('todo.md'), entry('ideas.txt')]);
    index.setFolder('/projects', [entry('website', 'dir')]);
    index.setFolder('/projects/website', [entry('index.html'), entry('style.css'), entry('deep', 'dir')]);
    index.setFolder('/projects/website/deep', [entry('needle-report.txt')]);
    return index;
  }
  const paths = (items: { path: string }[]) => items.map((i) => i.path);

  it('finds a file by a part of its name, the file name before the folders', () => {
    const index = demoIndex();
    assert.deepEqual(paths(index.search('needle')), ['/projects/website/deep/needle-report.txt']);
    assert.equal(paths(index.search('web'))[0], '/projects/website', 'the folder whose name matches comes first');
    assert.ok(paths(index.search('idx')).includes('/projects/website/index.html'), 'scattered letters');
    assert.deepEqual(index.search('zzz'), []);
    assert.deepEqual(index.search('   '), []);
  });

  it('ranks a prefix over a substring over scattered letters', () => {
    const index = new FileIndex('k');
    index.setFolder('/', [entry('xtodo.md'), entry('t-o-d-o.md'), entry('todo.md'), entry('todolist.md')]);
    assert.deepEqual(paths(index.search('todo')), ['/todo.md', '/todolist.md', '/xtodo.md', '/t-o-d-o.md']);
  });

  it('a pasted path (Copy Path) finds exactly that file first; terms separated by spaces all match', () => {
    const index = demoIndex();
    assert.equal(paths(index.search('/projects/website/index.html'))[0], '/projects/website/index.html');
    assert.equal(paths(index.search('projects/website/deep'))[0], '/projects/website/deep');
    assert.equal(paths(index.search('web css'))[0], '/projects/website/style.css');
  });

  it('incremental: added and removed entries show at once; a vanished folder takes its contents', () => {
    const index = demoIndex();
    index.add('/notes/meeting.md', false);
    assert.deepEqual(paths(index.search('meeting')), ['/notes/meeting.md']);
    index.add('/unknown/folder/x.md', false); // its folder is not indexed: nothing to attach it to
    assert.deepEqual(index.search('x.md'), []);
    index.remove('/notes/meeting.md');
    assert.deepEqual(index.search('meeting'), []);

    // A re-listing of /projects without "website": everything below goes.
    assert.equal(index.search('needle').length, 1);
    index.setFolder('/projects', [entry('other', 'dir')]);
    assert.deepEqual(index.search('needle'), []);
    assert.deepEqual(index.search('style'), []);
    assert.deepEqual(index.counts, { files: 3, folders: 3 });
  });

  it('narrowing while typing gives the same answers as a fresh search', () => {
    const index = demoIndex();
    for (const q of ['n', 'ne', 'nee', 'needle', 'needle r']) {
      const typed = index.search(q);
      const fresh = FileIndex.deserialize(index.serialize(), 'demo@host')!.search(q);
      assert.deepEqual(typed, fresh, q);
    }
    index.add('/notes/needle2.txt', false);
    assert.ok(paths(index.search('needle')).includes('/notes/needle2.txt'), 'a change resets the narrowing');
  });

  it('saves names and paths only, and is read back only for the same account', () => {
    const index = demoIndex();
    index.walkedAt = 1234;
    const text = index.serialize();
    assert.ok(!/etag|size|modified|token/i.test(text), text);
    const back = FileIndex.deserialize(text, 'demo@host')!;
    assert.equal(back.walkedAt, 1234);
    assert.deepEqual(back.search('todo'), index.search('todo'));
    assert.equal(FileIndex.deserialize(text, 'alice@host'), undefined, 'another account');
    assert.equal(FileIndex.deserialize('{not json', 'demo@host'), undefined);
    assert.equal(FileIndex.deserialize('{"version":99}', 'demo@host'), undefined);
  });
});

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
    ({ server, client } = await startSignedInClient({}, { fetch: counting }));
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
