import * as assert from 'node:assert/strict';
import type { GitShareClient } from '../../../src/api/client';
import { GitShareError } from '../../../src/common/errors';
import { Logger, MemoryLogSink } from '../../../src/common/logger';
import {
  RemoteWatcher,
  sameEtag,
  type RemoteChangeKind,
  type WatchTarget,
} from '../../../src/fileSystem/remoteWatcher';
import type { RunningServer } from '../../server/index';
import { startSignedInClient } from '../../support/serverSession';

describe('fileSystem/RemoteWatcher: open files follow GitShare (against the local server)', function () {
  this.timeout(30_000);
  let server: RunningServer;
  let client: GitShareClient;
  /** What the "editor" holds: the ETag of its last read or save, per path. */
  let editor: Map<string, string>;
  let changes: string[];
  let statCalls: string[];
  const logger = Logger.create(new MemoryLogSink());

  const target = (path: string): WatchTarget => ({ authority: 'demo@test', path });

  function makeWatcher(options: { cap?: number } = {}): RemoteWatcher {
    return new RemoteWatcher({
      stat: (t, signal) => {
        statCalls.push(t.path);
        return client.tryEntry(t.path, signal);
      },
      knownEtag: (t) => editor.get(t.path),
      onChange: (t: WatchTarget, kind: RemoteChangeKind) => changes.push(`${kind} ${t.path}`),
      logger,
      ...options,
    });
  }

  /** Opens a file the way the editor does: reads it and remembers the ETag. */
  async function open(path: string): Promise<void> {
    const { etag } = await client.readFile(path);
    editor.set(path, etag!);
  }

  before(async () => {
    ({ server, client } = await startSignedInClient({}, { logger }));
  });
  after(() => server?.close());
  beforeEach(() => {
    editor = new Map();
    changes = [];
    statCalls = [];
  });

  it('reports a file changed elsewhere once, and nothing once the editor has read it', async () => {
    await client.writeFile('/w/a.txt', Buffer.from('one'), undefined);
    await open('/w/a.txt');
    const watcher = makeWatcher();
    watcher.watch(target('/w/a.txt'));
    assert.equal(await watcher.check(), true);
    assert.deepEqual(changes, [], 'unchanged: nothing reported');

    await client.writeFile('/w/a.txt', Buffer.from('two, from a colleague'), undefined);
    await watcher.check();
    assert.deepEqual(changes, ['changed /w/a.txt']);
    await watcher.check();
    assert.deepEqual(changes, ['changed /w/a.txt'], 'a dirty editor that keeps its text is told once, not every round');

    await open('/w/a.txt'); // a clean editor reloads
    await watcher.check();
    assert.equal(changes.length, 1);
    await client.writeFile('/w/a.txt', Buffer.from('three'), undefined);
    await watcher.check();
    assert.deepEqual(changes, ['changed /w/a.txt', 'changed /w/a.txt'], 'the next change is reported again');
  });

  it('the editor’s own save is not reported as a change', async () => {
    await client.writeFile('/w/own.txt', Buffer.from('mine'), undefined);
    await open('/w/own.txt');
    const watcher = makeWatcher();
    watcher.watch(target('/w/own.txt'));
    await watcher.check();
    const saved = await client.writeFile('/w/own.txt', Buffer.from('saved from the editor'), {
      ifMatch: editor.get('/w/own.txt')!,
    });
    editor.set('/w/own.txt', saved.etag);
    await watcher.check();
    assert.deepEqual(changes, []);
  });

  it('a tab left in the background while the file changed is reported at its first check', async () => {
    await client.writeFile('/w/bg.txt', Buffer.from('old'), undefined);
    await open('/w/bg.txt');
    await client.writeFile('/w/bg.txt', Buffer.from('new bytes'), undefined);
    const watcher = makeWatcher();
    watcher.watch(target('/w/bg.txt'));
    await watcher.check();
    assert.deepEqual(changes, ['changed /w/bg.txt']);
  });

  it('deleted on GitShare → deleted; back again → created', async () => {
    await client.writeFile('/w/gone.txt', Buffer.from('x'), undefined);
    await open('/w/gone.txt');
    const watcher = makeWatcher();
    watcher.watch(target('/w/gone.txt'));
    await watcher.check();
    await client.delete('/w/gone.txt');
    await watcher.check();
    await watcher.check();
    assert.deepEqual(changes, ['deleted /w/gone.txt'], 'reported once');
    await client.writeFile('/w/gone.txt', Buffer.from('back'), undefined);
    await watcher.check();
    assert.deepEqual(changes, ['deleted /w/gone.txt', 'created /w/gone.txt']);
  });

  it('a file the editor never read gets a baseline first, then changes are reported', async () => {
    await client.writeFile('/w/unread.txt', Buffer.from('1'), undefined);
    const watcher = makeWatcher();
    watcher.watch(target('/w/unread.txt'));
    await watcher.check();
    assert.deepEqual(changes, []);
    await client.writeFile('/w/unread.txt', Buffer.from('22'), undefined);
    await watcher.check();
    assert.deepEqual(changes, ['changed /w/unread.txt']);
  });

  it('stops checking a file when its last watch is disposed (watches are counted)', async () => {
    await client.writeFile('/w/closed.txt', Buffer.from('1'), undefined);
    await open('/w/closed.txt');
    const watcher = makeWatcher();
    const fromTab = watcher.watch(target('/w/closed.txt'));
    const fromVsCode = watcher.watch(target('/w/closed.txt'));
    fromTab.dispose();
    await watcher.check();
    assert.deepEqual(statCalls, ['/w/closed.txt'], 'still watched by the other request');
    fromVsCode.dispose();
    fromVsCode.dispose();
    statCalls = [];
    await client.writeFile('/w/closed.txt', Buffer.from('changed'), undefined);
    await watcher.check();
    assert.deepEqual(statCalls, [], 'no request for a closed file');
    assert.deepEqual(changes, []);
  });

  it('checks at most `cap` files: the ones opened last', async () => {
    const paths = ['/w/c1.txt', '/w/c2.txt', '/w/c3.txt', '/w/c4.txt', '/w/c5.txt'];
    for (const p of paths) {
      await client.writeFile(p, Buffer.from(p), undefined);
      await open(p);
    }
    const watcher = makeWatcher({ cap: 3 });
    for (const p of paths) {
      watcher.watch(target(p));
    }
    watcher.watch(target('/w/c1.txt')); // opened again: now among the most recent
    await watcher.check();
    assert.deepEqual([...statCalls].sort(), ['/w/c1.txt', '/w/c4.txt', '/w/c5.txt']);
    for (const p of paths) {
      await client.writeFile(p, Buffer.from(p + ' changed'), undefined);
    }
    await watcher.check();
    assert.deepEqual([...changes].sort(), ['changed /w/c1.txt', 'changed /w/c4.txt', 'changed /w/c5.txt']);
  });

  it('a round that reaches nothing says so (the schedule then backs off); sign-out is not a failure', async () => {
    let failure: GitShareError = new GitShareError('network', 'down');
    const watcher = new RemoteWatcher({
      stat: async () => {
        throw failure;
      },
      knownEtag: () => 'x',
      onChange: (t, kind) => changes.push(`${kind} ${t.path}`),
      logger,
    });
    watcher.watch(target('/w/a.txt'));
    assert.equal(await watcher.check(), false);
    failure = new GitShareError('signInRequired', 'Sign in');
    assert.equal(await watcher.check(), true);
    assert.deepEqual(changes, []);
  });

  it('ETags compare without quotes or the weak marker', () => {
    assert.ok(sameEtag('"abc"', 'abc'));
    assert.ok(sameEtag('W/"abc"', '"abc"'));
    assert.ok(!sameEtag('"abc"', '"abd"'));
    assert.ok(!sameEtag(undefined, undefined));
  });
});
