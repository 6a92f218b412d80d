/**
 * Bounded answers: a hostile or broken server, played by the test
 * proxy in front of the real local server, cannot make the extension host read
 * without end — a JSON or error body that never ends, a listing page with far
 * too many entries, a child listed outside its folder, a file too large for an
 * editor, folders nested without end or listed in a cycle.
 */

import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { collect, MAX_PAGES } from '../../../src/api/pagination';
import { MAX_JSON_BYTES, MAX_PAGE_ENTRIES, MAX_READ_BYTES } from '../../../src/api/requester';
import type { Entry } from '../../../src/api/types';
import { checkConnection } from '../../../src/connectionCheck/connectionCheck';
import { listDirectory, MAX_DIRECTORY_DEPTH, MAX_DIRECTORY_ENTRIES } from '../../../src/fileSystem/directoryListing';
import { relistIfChanged } from '../../../src/filesView/folderFreshness';
import { FileIndex } from '../../../src/search/fileIndex';
import { MAX_WALK_DEPTH, MAX_WALK_ENTRIES, walkAccount } from '../../../src/search/indexWalk';
import { MAX_DOWNLOAD_DEPTH, planDownload } from '../../../src/transfers/plan';
import { useSignedInServer } from '../helpers/fixtures';
import { count } from '../../support/tally';
import { failure, newClient } from './helpers';
import { TestProxy } from './proxy';
import { nodeHost } from '../connectionCheck/helpers';
import { nodeLocalFiles } from '../../../src/node/localFiles';

/** A folder listing as the contract shapes it, for folders the proxy makes up. */
function listing(folder: string, children: { name: string; path?: string; type?: 'file' | 'dir' }[]): string {
  return JSON.stringify({
    path: folder,
    entries: children.map((c) => ({
      name: c.name,
      path: c.path ?? `${folder === '/' ? '' : folder}/${c.name}`,
      type: c.type ?? 'dir',
      size: 0,
      modified: '2026-01-01T00:00:00Z',
      etag: 'e',
    })),
    next_cursor: null,
  });
}

/** The folder a `GET /api/v1/folders/…` asks for. */
function folderOf(url: string): string {
  return decodeURIComponent(url.split('?')[0]!.slice('/api/v1/folders'.length)) || '/';
}

/**
 * A proxy plan that answers every folder listing under `prefix` with `children`, so the tree
 * under it has no end; every other request goes to the server.
 */
function endlessFolders(
  prefix: string,
  children: { name: string; type?: 'file' | 'dir' }[] = [{ name: 'd' }],
): TestProxy['plan'] {
  return (req) =>
    req.method === 'GET' && req.url?.startsWith(`/api/v1/folders${prefix}`)
      ? {
          kind: 'respond',
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: listing(folderOf(req.url), children),
        }
      : { kind: 'pass' };
}

describe('reliability: bounded answers from a hostile server', function () {
  this.timeout(30_000);
  const { server, tokens } = useSignedInServer();
  let proxy: TestProxy;

  before(async () => {
    const { client } = newClient(server.url, tokens);
    await client.writeFile('/rel/bounded/a.txt', Buffer.from('a'), undefined);
    await client.writeFile('/rel/bounded/big.bin', Buffer.alloc(64 * 1024, 7), undefined);
  });
  beforeEach(async () => {
    proxy = await TestProxy.start(server.url);
  });
  afterEach(async () => {
    await proxy.close();
  });

  it(`a JSON answer that never ends is refused after ${MAX_JSON_BYTES / 1024 / 1024} MiB, not read on`, async () => {
    proxy.plan = (req) =>
      req.url?.startsWith('/api/v1/metadata/endless')
        ? {
            kind: 'endless',
            status: 200,
            start: '{"name":"endless","path":"/endless","type":"file","pad":"',
            chunk: 'x'.repeat(64 * 1024),
          }
        : { kind: 'pass' };
    const { client } = newClient(proxy.url, tokens);
    const error = await failure(client.entry('/endless'));
    assert.equal(error.kind, 'protocol');
    assert.match(error.message, /far larger than expected/);
    // What the proxy wrote is what the client read plus what sat in socket buffers when it stopped.
    assert.ok(proxy.endlessBytes < MAX_JSON_BYTES + 32 * 1024 * 1024, `${proxy.endlessBytes} bytes sent`);
    count('badInputs', 'answers that never end (JSON, error body, file)');
  });

  it('an error answer that never ends: the error is reported, the body is not read on', async () => {
    proxy.plan = (req) =>
      req.url?.startsWith('/api/v1/metadata/endless')
        ? { kind: 'endless', status: 400, start: '{"error":"bad_request","message":"', chunk: 'y'.repeat(64 * 1024) }
        : { kind: 'pass' };
    const { client } = newClient(proxy.url, tokens);
    const error = await failure(client.entry('/endless'));
    assert.equal(error.status, 400);
    assert.ok(proxy.endlessBytes < 32 * 1024 * 1024, `${proxy.endlessBytes} bytes sent`);
    count('badInputs', 'answers that never end (JSON, error body, file)');
  });

  it(`a listing page with more than ${MAX_PAGE_ENTRIES} entries is refused`, async () => {
    proxy.plan = (req) =>
      req.method === 'GET' && req.url?.startsWith('/api/v1/folders/rel/bounded')
        ? {
            kind: 'rewriteJson',
            rewrite: (body) => {
              const page = body as { entries: Record<string, unknown>[] };
              const real = page.entries[0]!;
              for (let i = 0; i < MAX_PAGE_ENTRIES + 1; i++) {
                page.entries.push({ ...real, name: `extra-${i}.txt`, path: `/rel/bounded/extra-${i}.txt` });
              }
              return page;
            },
          }
        : { kind: 'pass' };
    const { client } = newClient(proxy.url, tokens);
    const error = await failure(client.listFolder('/rel/bounded'));
    assert.equal(error.kind, 'protocol');
    assert.match(error.message, /far more entries than allowed/);
    count('badInputs', 'listing pages over the entry cap');
  });

  it(`a listing that never ends (a new cursor on every page, empty or not) is refused after ${MAX_PAGES} pages`, async () => {
    let page = 0;
    proxy.plan = (req) =>
      req.method === 'GET' && req.url?.startsWith('/api/v1/folders/rel/endless')
        ? {
            kind: 'respond',
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              ...JSON.parse(listing('/rel/endless', page % 2 ? [] : [{ name: `f${page}.txt`, type: 'file' }])),
              next_cursor: `page-${++page}`,
            }),
          }
        : { kind: 'pass' };
    const { client } = newClient(proxy.url, tokens);
    const error = await failure(collect(client.iterateFolder('/rel/endless', { pageSize: 1000 })));
    assert.equal(error.kind, 'protocol');
    assert.equal(error.message, 'GitShare sent a folder listing that never ends.');
    assert.equal(proxy.seen.length, MAX_PAGES, 'not one page more');
    count('badInputs', 'listings that never end (pages, empty pages)');
  });

  it("the Files view's check for changes stops at an empty page, however many new cursors follow", async () => {
    const { client } = newClient(proxy.url, tokens);
    const real = (await client.listFolder('/rel/bounded')).entries;
    // Shown: the two real entries and a "Load more…"; GitShare now sends empty pages without end.
    const shown = { entries: real, nextCursor: 'more' };
    let page = 0;
    proxy.plan = (req) =>
      req.method === 'GET' && req.url?.startsWith('/api/v1/folders/rel/bounded')
        ? {
            kind: 'respond',
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ path: '/rel/bounded', entries: [], next_cursor: `empty-${++page}` }),
          }
        : { kind: 'pass' };
    const before = proxy.seen.length;
    const fresh = await relistIfChanged(client, '/rel/bounded', shown, 1);
    assert.deepEqual(fresh, { entries: [], nextCursor: 'empty-1' }, 'what GitShare sent, and "Load more…"');
    assert.equal(proxy.seen.length - before, 1, 'one request, not one per empty page');
    count('badInputs', 'listings that never end (pages, empty pages)');
  });

  it('Check Connection reads at most 1 MiB of an answer, and a little of an error body, however long they run', async () => {
    const session = {
      label: 'demo',
      accessToken: await tokens.getAccessToken(),
      scopes: ['files:read', 'files:write'],
    };
    const run = () =>
      checkConnection({ serverUrl: proxy.url, sessions: [session], network: { proxy: '', env: {} }, ...nodeHost() });
    const lines = (report: Awaited<ReturnType<typeof run>>, id: string) =>
      report.steps.find((s) => s.id === id)!.lines.join('\n');
    // 200 answers that never end: the sign-in metadata, then the user, then the listing.
    for (const [prefix, id, what] of [
      ['/.well-known/oauth-authorization-server', 'endpoints', `${proxy.url}/.well-known/oauth-authorization-server`],
      ['/api/v1/user', 'session', 'GET /api/v1/user'],
      ['/api/v1/folders', 'api', 'GET /api/v1/folders/'],
    ] as const) {
      proxy.endlessBytes = 0;
      proxy.plan = (req) =>
        req.url?.startsWith(prefix)
          ? { kind: 'endless', status: 200, start: '{"pad":"', chunk: 'p'.repeat(64 * 1024) }
          : { kind: 'pass' };
      const report = await run();
      assert.equal(report.steps.find((s) => s.id === id)!.status, 'failed', id);
      assert.match(
        lines(report, id),
        new RegExp(
          `^${what.replace(/[.?/]/g, '\\$&')} answered with more than 1 MiB, far more than GitShare sends, so the answer was not read\\.`,
          'm',
        ),
      );
      assert.ok(proxy.endlessBytes < 1024 * 1024 + 32 * 1024 * 1024, `${proxy.endlessBytes} bytes sent`);
      count('badInputs', 'answers that never end (JSON, error body, file)');
    }
    // An error answer that never ends: its status is reported, its body read no further than the API client reads one.
    proxy.endlessBytes = 0;
    proxy.plan = (req) =>
      req.url?.startsWith('/api/v1/user')
        ? { kind: 'endless', status: 500, start: '{"error":"server_error","message":"', chunk: 'm'.repeat(64 * 1024) }
        : { kind: 'pass' };
    const report = await run();
    assert.match(lines(report, 'session'), /^GET \/api\/v1\/user answered HTTP 500: /m);
    assert.ok(proxy.endlessBytes < 32 * 1024 * 1024, `${proxy.endlessBytes} bytes sent`);
    count('badInputs', 'answers that never end (JSON, error body, file)');
  });

  it('a listed child whose path is not its folder plus its name is left out and logged; its neighbours show', async () => {
    const { client, sink } = newClient(proxy.url, tokens);
    assert.deepEqual((await client.listFolder('/rel/bounded')).entries.map((e) => e.path).sort(), [
      '/rel/bounded/a.txt',
      '/rel/bounded/big.bin',
    ]);
    const hostileName = '[Reload to fix](command:workbench.action.reloadWindow)';
    for (const elsewhere of [
      '/etc/a.txt',
      '/rel/a.txt',
      '/rel/bounded/sub/a.txt',
      '/rel/bounded/b.txt',
      '/rel/bounded',
    ]) {
      proxy.plan = (req) =>
        req.method === 'GET' && req.url?.startsWith('/api/v1/folders/rel/bounded')
          ? {
              kind: 'rewriteJson',
              rewrite: (body) => {
                const page = body as { entries: Entry[] };
                page.entries = page.entries.map((e) => (e.name === 'a.txt' ? { ...e, path: elsewhere } : e));
                page.entries.push({ ...page.entries[0]!, name: hostileName, path: elsewhere });
                return page;
              },
            }
          : { kind: 'pass' };
      sink.lines.length = 0;
      const page = await client.listFolder('/rel/bounded');
      assert.deepEqual(
        page.entries.map((e) => e.path),
        ['/rel/bounded/big.bin'],
        `${elsewhere}: the good neighbour stays`,
      );
      const logged = sink.lines.filter((line) => line.includes('left out entry'));
      assert.equal(logged.length, 2, sink.lines.join('\n'));
      assert.ok(logged[1]!.includes(JSON.stringify(hostileName)) && logged[1]!.includes(JSON.stringify(elsewhere)));
      count('badInputs', 'listed children outside their folder', 2);
    }
  });

  it('a file larger than the editor cap is refused with a message pointing to Download…, announced or not', async () => {
    assert.equal(MAX_READ_BYTES, 50 * 1024 * 1024);
    const { client } = newClient(proxy.url, tokens);
    // Announced (Content-Length): refused before the body is read.
    const announced = await failure(client.readFile('/rel/bounded/big.bin', undefined, 16 * 1024));
    assert.equal(announced.kind, 'tooLarge');
    assert.equal(
      announced.message,
      'This file is larger than 16 KiB, too large to open in an editor. Use Download… to save it to your computer.',
    );
    // Not announced and never ending: refused once the cap is passed.
    proxy.plan = (req) =>
      req.url?.startsWith('/api/v1/files/rel/bounded/endless.bin')
        ? { kind: 'endless', status: 200, start: '', chunk: 'z'.repeat(64 * 1024) }
        : { kind: 'pass' };
    const endless = await failure(client.readFile('/rel/bounded/endless.bin', undefined, 1024 * 1024));
    assert.equal(endless.kind, 'tooLarge');
    assert.match(endless.message, /larger than 1 MiB, too large to open in an editor\. Use Download…/);
    assert.ok(proxy.endlessBytes < 1024 * 1024 + 32 * 1024 * 1024);
    // Under the cap, the bytes arrive as they are.
    assert.equal((await client.readFile('/rel/bounded/big.bin', undefined, 64 * 1024)).data.length, 64 * 1024);
    count('badInputs', 'answers that never end (JSON, error body, file)');
  });

  it(`a folder read whole for VS Code stops past ${MAX_DIRECTORY_ENTRIES} entries, with the reason`, async () => {
    let page = 0;
    proxy.plan = (req) => {
      if (req.method !== 'GET' || !req.url?.startsWith('/api/v1/folders/rel/huge')) {
        return { kind: 'pass' };
      }
      page++;
      const names = Array.from({ length: MAX_PAGE_ENTRIES }, (_, i) => ({
        name: `p${page}-${i}.txt`,
        type: 'file' as const,
      }));
      return {
        kind: 'respond',
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...JSON.parse(listing('/rel/huge', names)), next_cursor: `after-${page}` }),
      };
    };
    const { client } = newClient(proxy.url, tokens);
    const error = await failure(listDirectory(client, '/rel/huge'));
    assert.equal(error.kind, 'tooLarge');
    assert.equal(
      error.message,
      'This folder holds more than 100,000 files and folders, too many to list here. The GitShare Files view shows it page by page.',
    );
    assert.equal(proxy.seen.length, MAX_DIRECTORY_ENTRIES / MAX_PAGE_ENTRIES + 1, 'no page asked for past the limit');
    count('badInputs', 'folder trees without end (depth, cycle, size)');
  });

  it(`a folder read whole for VS Code is refused deeper than ${MAX_DIRECTORY_DEPTH} levels, before any request`, async () => {
    proxy.plan = endlessFolders('/rel/');
    const { client } = newClient(proxy.url, tokens);
    const deepest = '/rel' + '/d'.repeat(MAX_DIRECTORY_DEPTH - 1);
    assert.deepEqual(
      (await listDirectory(client, deepest)).map((e) => e.name),
      ['d'],
    );
    const error = await failure(listDirectory(client, `${deepest}/d`));
    assert.equal(error.kind, 'tooLarge');
    assert.equal(error.message, `Folders nested deeper than ${MAX_DIRECTORY_DEPTH} levels are not listed.`);
    assert.equal(proxy.seen.length, 1, 'only the folder that may be listed was asked for');
    count('badInputs', 'folder trees without end (depth, cycle, size)');
  });

  it(`the Go to File walk lists no folder deeper than ${MAX_WALK_DEPTH} levels, keeps the rest and says so`, async () => {
    // Every folder holds one more folder and a file: a tree without end.
    proxy.plan = endlessFolders('/', [{ name: 'd' }, { name: 'needle.txt', type: 'file' }]);
    const { client } = newClient(proxy.url, tokens);
    const index = new FileIndex('hostile');
    const error = await failure(walkAccount(client, index));
    assert.equal(error.kind, 'tooLarge');
    assert.equal(error.message, `Folders nested deeper than ${MAX_WALK_DEPTH} levels are not indexed.`);
    assert.equal(proxy.seen.length, MAX_WALK_DEPTH + 1, 'the root and one listing per level, then no more');
    assert.equal(index.search('needle.txt', 1000).length, MAX_WALK_DEPTH + 1, 'what was listed is found');
    assert.ok(index.walkedAt, 'as complete as it gets: not walked again at once');
    count('badInputs', 'folder trees without end (depth, cycle, size)');
  });

  it(`the Go to File walk lists no more folders past ${MAX_WALK_ENTRIES} entries, and says so`, async () => {
    // Every folder holds as many folders as a page may: the tree grows without end.
    let listings = 0;
    proxy.plan = (req) => {
      if (req.method !== 'GET' || !req.url?.startsWith('/api/v1/folders/')) {
        return { kind: 'pass' };
      }
      listings++;
      const names = Array.from({ length: MAX_PAGE_ENTRIES }, (_, i) => ({ name: `d${i}` }));
      return {
        kind: 'respond',
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: listing(folderOf(req.url), names),
      };
    };
    const { client } = newClient(proxy.url, tokens);
    const index = new FileIndex('hostile');
    const error = await failure(walkAccount(client, index));
    assert.equal(error.kind, 'tooLarge');
    assert.equal(error.message, 'More than 200,000 files and folders: Go to File finds only those it listed first.');
    const needed = MAX_WALK_ENTRIES / MAX_PAGE_ENTRIES + 1;
    assert.ok(
      listings >= needed && listings < needed + 6,
      `${listings} listings: enough to pass the bound, then only those already under way`,
    );
    count('badInputs', 'folder trees without end (depth, cycle, size)');
  });

  it(`download planning stops at folders nested deeper than ${MAX_DOWNLOAD_DEPTH} levels`, async () => {
    // Every folder under /rel/deep holds one more folder: a tree without end.
    proxy.plan = endlessFolders('/rel/deep');
    const { client } = newClient(proxy.url, tokens);
    const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-bounded-'));
    try {
      const top = { name: 'deep', path: '/rel/deep', type: 'dir', size: 0, modified: '', mtime: 0, etag: 'e' } as Entry;
      const plan = await planDownload(client, nodeLocalFiles, [top], tmp);
      assert.equal(plan.folders.length, MAX_DOWNLOAD_DEPTH);
      assert.deepEqual(
        plan.refused.map((r) => r.reason),
        [`Folders nested deeper than ${MAX_DOWNLOAD_DEPTH} levels are not downloaded.`],
      );
      assert.equal(
        proxy.seen.filter((r) => r.url.startsWith('/api/v1/folders/')).length,
        MAX_DOWNLOAD_DEPTH,
        'one listing per level, then no more',
      );
      count('badInputs', 'folder trees without end (depth, cycle, size)');
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  });

  it('download planning stops on a cycle: a folder listed inside itself, or the same folder twice', async () => {
    proxy.plan = (req) =>
      req.method === 'GET' && req.url?.startsWith('/api/v1/folders/rel/loop')
        ? {
            kind: 'respond',
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: listing('/rel/loop', [{ name: 'loop', path: '/rel/loop' }]),
          }
        : { kind: 'pass' };
    const { client } = newClient(proxy.url, tokens);
    const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-bounded-'));
    try {
      const loop = {
        name: 'loop',
        path: '/rel/loop',
        type: 'dir',
        size: 0,
        modified: '',
        mtime: 0,
        etag: 'e',
      } as Entry;
      // Listed inside itself: left out of its own listing, so the walk ends at once.
      const inside = await planDownload(client, nodeLocalFiles, [loop], tmp);
      assert.deepEqual(inside.folders, [path.join(tmp, 'loop')]);
      assert.deepEqual([inside.files, inside.refused], [[], []]);
      assert.equal(proxy.seen.length, 1);

      const bounded = await client.entry('/rel/bounded');
      const twice = await planDownload(client, nodeLocalFiles, [bounded, bounded], tmp);
      assert.deepEqual(twice.files.map((f) => f.remote).sort(), ['/rel/bounded/a.txt', '/rel/bounded/big.bin']);
      assert.deepEqual(
        twice.refused.map((r) => r.reason),
        ['GitShare listed the folder /rel/bounded more than once (a cycle); it is downloaded once.'],
      );
      count('badInputs', 'folder trees without end (depth, cycle, size)', 2);
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  });

  it('download planning stops past its entry cap, with the reason', async () => {
    proxy.plan = (req) =>
      req.method === 'GET' && req.url?.startsWith('/api/v1/folders/rel/wide')
        ? {
            kind: 'respond',
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: listing(
              '/rel/wide',
              Array.from({ length: 30 }, (_, i) => ({ name: `f${i}.txt`, type: 'file' as const })),
            ),
          }
        : { kind: 'pass' };
    const { client } = newClient(proxy.url, tokens);
    const wide = { name: 'wide', path: '/rel/wide', type: 'dir', size: 0, modified: '', mtime: 0, etag: 'e' } as Entry;
    const plan = await planDownload(client, nodeLocalFiles, [wide], os.tmpdir(), undefined, { maxEntries: 10 });
    assert.equal(plan.files.length, 9, 'the folder itself and 9 files');
    assert.deepEqual(
      plan.refused.map((r) => r.reason),
      ['More than 10 files and folders: the rest of this folder was not downloaded. Download it in parts.'],
    );
    count('badInputs', 'folder trees without end (depth, cycle, size)');
  });
});
