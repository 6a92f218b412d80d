import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import * as path from 'node:path';
import type { RunningServer } from '../index';
import { api, raw, signIn, snapshot, tempDir } from '../../support/serverHttp';
import { startTestServer } from '../../support/testServer';

interface Entry {
  name: string;
  path: string;
  type: 'file' | 'dir';
  size: number;
  modified: string;
  etag: string;
}

describe('local server: files API', () => {
  let server: RunningServer;
  let token: string;
  const MAX = 4 * 1024 * 1024;

  let parent: string;
  before(async () => {
    // <parent>/data is the data folder; <parent>/canary.txt and <parent>/data/canary.txt lie outside the account folder.
    parent = await tempDir();
    await fsp.mkdir(path.join(parent, 'data'));
    await fsp.writeFile(path.join(parent, 'canary.txt'), 'outside');
    await fsp.writeFile(path.join(parent, 'data', 'canary.txt'), 'outside');
    server = await startTestServer({ dataDir: path.join(parent, 'data'), maxUploadBytes: MAX });
    token = (await signIn(server)).tokens.access_token;
  });
  after(async () => {
    await server.close();
    await fsp.rm(parent, { recursive: true, force: true });
  });

  const put = (p: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> =>
    api(server, token, `/api/v1/files${p}`, { method: 'PUT', body, headers });
  const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

  it('GET /api/v1/user describes the account', async () => {
    const user = await json<Record<string, string>>(await api(server, token, '/api/v1/user'));
    assert.deepEqual(Object.keys(user).sort(), ['email', 'id', 'name', 'username']);
    assert.equal(user.username, 'demo');
  });

  it('seeds the demo tree on first start', async () => {
    const res = await api(server, token, '/api/v1/folders/');
    const listing = await json<{ path: string; entries: Entry[]; next_cursor: string | null }>(res);
    assert.equal(listing.path, '/');
    assert.deepEqual(
      listing.entries.map((e) => e.name),
      ['notes', 'photos', 'projects', 'README.md'],
    );
    const png = await api(server, token, '/api/v1/files/photos/sunset.png');
    const bytes = Buffer.from(await png.arrayBuffer());
    assert.equal(bytes.subarray(1, 4).toString('ascii'), 'PNG');
  });

  it('metadata: the entry shape, and 404 not_found', async () => {
    const entry = await json<Entry>(await api(server, token, '/api/v1/metadata/notes/todo.md'));
    assert.equal(entry.name, 'todo.md');
    assert.equal(entry.path, '/notes/todo.md');
    assert.equal(entry.type, 'file');
    assert.ok(entry.size > 0);
    assert.match(entry.modified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.match(entry.etag, /^"[^"]+"$/);
    const folder = await json<Entry>(await api(server, token, '/api/v1/metadata/notes'));
    assert.equal(folder.type, 'dir');
    const root = await json<Entry>(await api(server, token, '/api/v1/metadata/'));
    assert.deepEqual([root.path, root.type], ['/', 'dir']);
    const missing = await api(server, token, '/api/v1/metadata/nope.txt');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'not_found', message: 'No such file or folder: /nope.txt' });
  });

  it('folders: sorted folders first then by name (byte order), case-sensitive, paginated with an opaque cursor', async () => {
    const names = ['b.txt', 'B.txt', 'a.txt', 'é.txt', 'z', 'Zed.md'];
    for (const name of names) {
      assert.equal((await put(`/sorting/${encodeURIComponent(name)}`, name)).status, 201);
    }
    for (const dir of ['y-dir', 'A-dir']) {
      assert.equal((await api(server, token, `/api/v1/folders/sorting/${dir}`, { method: 'POST' })).status, 201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
      const page = await json<{ entries: Entry[]; next_cursor: string | null }>(
        await api(server, token, `/api/v1/folders/sorting${query}`),
      );
      assert.ok(page.entries.length <= 3);
      seen.push(...page.entries.map((e) => e.name));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['A-dir', 'y-dir', 'B.txt', 'Zed.md', 'a.txt', 'b.txt', 'z', 'é.txt']);
  });

  it('folders: the next page follows the cursor when its entry was deleted, and shows files written to disk since', async () => {
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      assert.equal((await put(`/paging/${name}`, name)).status, 201);
    }
    const list = (query: string) =>
      api(server, token, `/api/v1/folders/paging${query}`).then((res) =>
        json<{ entries: Entry[]; next_cursor: string | null }>(res),
      );
    const first = await list('?limit=2');
    assert.deepEqual(
      first.entries.map((e) => e.name),
      ['p1', 'p2'],
    );
    assert.equal((await api(server, token, '/api/v1/files/paging/p2', { method: 'DELETE' })).status, 204);
    const onDisk = (await snapshot(path.join(server.dataDir, 'files'))).find((f) => f.includes('/paging/p3 '))!;
    await fsp.writeFile(path.join(server.dataDir, 'files', path.dirname(onDisk), 'p2b'), 'written on disk');
    const second = await list(`?limit=2&cursor=${encodeURIComponent(first.next_cursor!)}`);
    assert.deepEqual(
      second.entries.map((e) => e.name),
      ['p2b', 'p3'],
    );
  });

  it('folders: 404, 409 not_a_folder, 400 for a bad limit or cursor or a repeated parameter', async () => {
    assert.equal((await api(server, token, '/api/v1/folders/none')).status, 404);
    const file = await api(server, token, '/api/v1/folders/README.md');
    assert.equal(file.status, 409);
    assert.equal((await json<{ error: string }>(file)).error, 'not_a_folder');
    for (const q of ['?limit=0', '?limit=1001', '?limit=abc', '?cursor=garbage', '?limit=1&limit=2']) {
      const res = await api(server, token, `/api/v1/folders/${q}`);
      assert.equal(res.status, 400, q);
    }
    const max = await api(server, token, '/api/v1/folders/?limit=1000');
    assert.equal(max.status, 200);
  });

  it('POST folders: 201 with parents created, 409 already_exists, 409 when a parent is a file', async () => {
    const res = await api(server, token, '/api/v1/folders/new/deep/folder', { method: 'POST' });
    assert.equal(res.status, 201);
    const entry = await json<Entry>(res);
    assert.deepEqual([entry.path, entry.type, entry.name], ['/new/deep/folder', 'dir', 'folder']);
    const again = await api(server, token, '/api/v1/folders/new/deep/folder', { method: 'POST' });
    assert.equal(again.status, 409);
    assert.equal((await json<{ error: string }>(again)).error, 'already_exists');
    const underFile = await api(server, token, '/api/v1/folders/README.md/sub', { method: 'POST' });
    assert.equal(underFile.status, 409);
  });

  it('PUT: 201 created, 200 replaced, parents created, the body is the entry, content round-trips', async () => {
    const created = await put('/up/a/b/c.txt', 'first');
    assert.equal(created.status, 201);
    const entry = await json<Entry>(created);
    assert.deepEqual([entry.path, entry.size, entry.type], ['/up/a/b/c.txt', 5, 'file']);
    const replaced = await put('/up/a/b/c.txt', 'second!');
    assert.equal(replaced.status, 200);
    const entry2 = await json<Entry>(replaced);
    assert.equal(entry2.size, 7);
    assert.notEqual(entry2.etag, entry.etag);
    const got = await api(server, token, '/api/v1/files/up/a/b/c.txt');
    assert.equal(await got.text(), 'second!');
    assert.equal(got.headers.get('etag'), entry2.etag);
  });

  it('PUT preconditions: If-Match and If-None-Match: * give 412 precondition_failed', async () => {
    const entry = await json<Entry>(await put('/pre.txt', 'v1'));
    const stale = await put('/pre.txt', 'v2', { 'if-match': '"stale"' });
    assert.equal(stale.status, 412);
    assert.equal((await json<{ error: string }>(stale)).error, 'precondition_failed');
    const ok = await put('/pre.txt', 'v2', { 'if-match': entry.etag });
    assert.equal(ok.status, 200);
    const again = await put('/pre.txt', 'v3', { 'if-match': entry.etag });
    assert.equal(again.status, 412);
    const exists = await put('/pre.txt', 'v3', { 'if-none-match': '*' });
    assert.equal(exists.status, 412);
    const fresh = await put('/pre-new.txt', 'x', { 'if-none-match': '*' });
    assert.equal(fresh.status, 201);
    const missing = await put('/pre-missing.txt', 'x', { 'if-match': entry.etag });
    assert.equal(missing.status, 412);
    assert.equal(await (await api(server, token, '/api/v1/files/pre.txt')).text(), 'v2');
  });

  it('PUT 413 too_large, by Content-Length up front and by counting a chunked body; no temp file is left', async () => {
    const before = await snapshot(server.dataDir + '/files');
    const big = await raw(server, 'PUT', '/api/v1/files/big.bin', {
      authorization: `Bearer ${token}`,
      'content-length': String(MAX + 1),
    });
    assert.equal(big.status, 413);
    assert.equal(big.json().error, 'too_large');
    // Chunked: the server cannot know the size before counting.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: server.host,
          port: server.port,
          method: 'PUT',
          path: '/api/v1/files/big2.bin',
          headers: { authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 1);
      let written = 0;
      const pump = (): void => {
        while (written < MAX + 2 * chunk.length) {
          written += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    }).catch(() => 413);
    assert.equal(chunked, 413);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await snapshot(server.dataDir + '/files');
    assert.deepEqual(after, before);
    assert.ok(!after.some((line) => line.includes('.gitshare-upload-')));
  });

  it('PUT If-None-Match: * lets exactly one of several racing creators win', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => put('/race.txt', `writer ${n}`, { 'if-none-match': '*' })),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 412, 412, 412, 412]);
    const listing = await json<{ entries: Entry[] }>(await api(server, token, '/api/v1/folders/'));
    assert.ok(!listing.entries.some((e) => e.name.startsWith('.gitshare-upload-')));
  });

  it('PUT with Expect: 100-continue and an oversized Content-Length gets 413 before sending the body', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: server.host,
          port: server.port,
          method: 'PUT',
          path: '/api/v1/files/expect.bin',
          agent: false,
          headers: { authorization: `Bearer ${token}`, 'content-length': String(MAX + 1), expect: '100-continue' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('continue', () => reject(new Error('the server asked for the body')));
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(status, 413);
  });

  it('PUT: 409 when a parent is a file, 409 not_a_file onto a folder', async () => {
    const underFile = await put('/README.md/child.txt', 'x');
    assert.equal(underFile.status, 409);
    assert.equal((await json<{ error: string }>(underFile)).error, 'not_a_folder');
    const ontoFolder = await put('/notes', 'x');
    assert.equal(ontoFolder.status, 409);
    assert.equal((await json<{ error: string }>(ontoFolder)).error, 'not_a_file');
  });

  it('a streamed upload and download of a few MiB round-trips byte-exactly', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const res = await put('/stream/blob.bin', data);
    assert.equal(res.status, 201);
    const got = Buffer.from(await (await api(server, token, '/api/v1/files/stream/blob.bin')).arrayBuffer());
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(data).digest('hex'));
  });

  it('GET file: ETag, Last-Modified, Content-Length; Range gives 206; past the end 416; 404; 409 not_a_file', async () => {
    await put('/range.txt', '0123456789');
    const full = await api(server, token, '/api/v1/files/range.txt');
    assert.equal(full.status, 200);
    assert.match(full.headers.get('etag') ?? '', /^"[^"]+"$/);
    assert.ok(full.headers.get('last-modified'));
    assert.equal(full.headers.get('content-length'), '10');
    assert.equal(await full.text(), '0123456789');
    const part = await api(server, token, '/api/v1/files/range.txt', { headers: { range: 'bytes=4-' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 4-9/10');
    assert.equal(part.headers.get('content-length'), '6');
    assert.equal(await part.text(), '456789');
    const bounded = await api(server, token, '/api/v1/files/range.txt', { headers: { range: 'bytes=2-3' } });
    assert.equal(await bounded.text(), '23');
    const past = await api(server, token, '/api/v1/files/range.txt', { headers: { range: 'bytes=10-' } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), 'bytes */10');
    const cond = await api(server, token, '/api/v1/files/range.txt', {
      headers: { 'if-none-match': full.headers.get('etag')! },
    });
    assert.equal(cond.status, 304);
    assert.equal((await api(server, token, '/api/v1/files/none.txt')).status, 404);
    const dir = await api(server, token, '/api/v1/files/notes');
    assert.equal(dir.status, 409);
    assert.equal((await json<{ error: string }>(dir)).error, 'not_a_file');
  });

  it('DELETE: 204 for a file, 409 not_empty for a full folder unless recursive=true, 404', async () => {
    await put('/del/one.txt', '1');
    await put('/del/sub/two.txt', '2');
    assert.equal((await api(server, token, '/api/v1/files/del/one.txt', { method: 'DELETE' })).status, 204);
    assert.equal((await api(server, token, '/api/v1/metadata/del/one.txt')).status, 404);
    const full = await api(server, token, '/api/v1/files/del', { method: 'DELETE' });
    assert.equal(full.status, 409);
    assert.equal((await json<{ error: string }>(full)).error, 'not_empty');
    assert.equal((await api(server, token, '/api/v1/files/del?recursive=true', { method: 'DELETE' })).status, 204);
    assert.equal((await api(server, token, '/api/v1/metadata/del')).status, 404);
    assert.equal((await api(server, token, '/api/v1/files/del', { method: 'DELETE' })).status, 404);
    await api(server, token, '/api/v1/folders/empty-dir', { method: 'POST' });
    assert.equal((await api(server, token, '/api/v1/files/empty-dir', { method: 'DELETE' })).status, 204);
    assert.equal((await api(server, token, '/api/v1/files/', { method: 'DELETE' })).status, 400);
  });

  it('move: 200 the entry at its new place; 409 already_exists without overwrite; 404; overwrite replaces', async () => {
    const move = (body: unknown, type = 'application/json'): Promise<Response> =>
      api(server, token, '/api/v1/move', {
        method: 'POST',
        headers: { 'content-type': type },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    await put('/mv/a.txt', 'A');
    await put('/mv/b.txt', 'B');
    const moved = await move({ from: '/mv/a.txt', to: '/mv/sub/c.txt', overwrite: false });
    assert.equal(moved.status, 200);
    const entry = await json<Entry>(moved);
    assert.deepEqual([entry.path, entry.name, entry.size], ['/mv/sub/c.txt', 'c.txt', 1]);
    assert.equal((await api(server, token, '/api/v1/metadata/mv/a.txt')).status, 404);
    const conflict = await move({ from: '/mv/sub/c.txt', to: '/mv/b.txt', overwrite: false });
    assert.equal(conflict.status, 409);
    assert.equal((await json<{ error: string }>(conflict)).error, 'already_exists');
    const defaulted = await move({ from: '/mv/sub/c.txt', to: '/mv/b.txt' });
    assert.equal(defaulted.status, 409);
    const over = await move({ from: '/mv/sub/c.txt', to: '/mv/b.txt', overwrite: true });
    assert.equal(over.status, 200);
    assert.equal(await (await api(server, token, '/api/v1/files/mv/b.txt')).text(), 'A');
    assert.equal((await move({ from: '/mv/none', to: '/mv/x' })).status, 404);
    assert.equal((await move({ from: '/mv', to: '/mv/inside' })).status, 400);
    const renamedCase = await move({ from: '/mv/b.txt', to: '/mv/B.txt' });
    assert.equal(renamedCase.status, 200);
    // Bad input
    assert.equal((await move('{"from":')).status, 400);
    assert.equal((await move({ from: '/mv/B.txt', to: 5 })).status, 400);
    assert.equal((await move({ from: '/mv/B.txt', to: '/x', overwrite: 'yes' })).status, 400);
    assert.equal((await move('from=/a&to=/b', 'application/x-www-form-urlencoded')).status, 415);
    assert.equal((await move({ from: '/mv/B.txt', to: '/../escape.txt' })).status, 400);
  });

  it('names are case-sensitive UTF-8', async () => {
    await put(`/${encodeURIComponent('Ünïcødé 文件.txt')}`, 'u');
    await put(`/${encodeURIComponent('ünïcødé 文件.txt')}`, 'l');
    const upper = await json<Entry>(
      await api(server, token, `/api/v1/metadata/${encodeURIComponent('Ünïcødé 文件.txt')}`),
    );
    assert.equal(upper.name, 'Ünïcødé 文件.txt');
    assert.equal(
      await (await api(server, token, `/api/v1/files/${encodeURIComponent('ünïcødé 文件.txt')}`)).text(),
      'l',
    );
  });

  describe('hostile paths', () => {
    const cases: Array<[string, string]> = [
      ['..', '/api/v1/files/..'],
      ['../ escape', '/api/v1/files/../../etc/passwd'],
      ['%2e%2e', '/api/v1/files/%2e%2e/%2e%2e/secret'],
      ['%2E%2E mixed', '/api/v1/files/notes/%2E%2E/%2e./x'],
      ['.', '/api/v1/files/./README.md'],
      ['empty segment', '/api/v1/files/notes//todo.md'],
      ['trailing slash', '/api/v1/files/notes/'],
      ['backslash', '/api/v1/files/notes\\..\\..\\x'],
      ['encoded backslash', '/api/v1/files/notes%5C..%5Cx'],
      ['NUL', '/api/v1/files/a%00b'],
      ['encoded slash', '/api/v1/files/notes%2F..%2F..%2Fx'],
      ['bad percent-encoding', '/api/v1/files/%zz'],
      ['invalid UTF-8', '/api/v1/files/%ff%fe'],
      ['overlong name', `/api/v1/files/${'a'.repeat(256)}`],
      ['overlong multibyte name', `/api/v1/files/${encodeURIComponent('é'.repeat(128))}`],
      ['reserved temp name', '/api/v1/files/.gitshare-upload-x'],
    ];
    const methods: Array<[string, string, (p: string) => string]> = [
      ['PUT', 'x', (p) => p],
      ['GET', '', (p) => p],
      ['DELETE', '', (p) => p],
      ['POST', '', (p) => p.replace('/api/v1/files', '/api/v1/folders')],
      ['GET', '', (p) => p.replace('/api/v1/files', '/api/v1/metadata')],
    ];
    let inside: string[];
    let outside: string[];
    before(async () => {
      inside = await snapshot(path.join(server.dataDir, 'files'));
      outside = (await snapshot(parent)).filter((l) => !l.includes('gitshare.sqlite'));
    });
    for (const [what, rawPath] of cases) {
      it(`400 invalid_path: ${what}`, async () => {
        for (const [method, body, map] of methods) {
          const res = await raw(server, method, map(rawPath), { authorization: `Bearer ${token}` }, body || undefined);
          assert.equal(res.status, 400, `${method} ${map(rawPath)} → ${res.status} ${res.body.toString()}`);
          assert.equal(res.json().error, 'invalid_path');
        }
      });
    }
    it('changed nothing on disk, inside or beside the account folder', async () => {
      assert.deepEqual(await snapshot(path.join(server.dataDir, 'files')), inside);
      assert.deepEqual(
        (await snapshot(parent)).filter((l) => !l.includes('gitshare.sqlite')),
        outside,
      );
      assert.equal(await fsp.readFile(path.join(parent, 'canary.txt'), 'utf8'), 'outside');
    });
    it('refuses to follow a symbolic link planted in the tree', async () => {
      const user = await json<{ id: string }>(await api(server, token, '/api/v1/user'));
      const secret = path.join(server.dataDir, 'secret.txt');
      await fsp.writeFile(secret, 'secret');
      await fsp.symlink(path.dirname(secret), path.join(server.dataDir, 'files', user.id, 'link'));
      const res = await api(server, token, '/api/v1/files/link/secret.txt');
      assert.equal(res.status, 403);
      const write = await put('/link/secret.txt', 'owned');
      assert.equal(write.status, 403);
      assert.equal(await fsp.readFile(secret, 'utf8'), 'secret');
      const listing = await json<{ entries: Entry[] }>(await api(server, token, '/api/v1/folders/'));
      assert.ok(!listing.entries.some((e) => e.name === 'link'));
      await fsp.unlink(path.join(server.dataDir, 'files', user.id, 'link'));
    });
  });

  it('answers unknown API routes and methods with JSON errors', async () => {
    assert.equal((await api(server, token, '/api/v1/nothing')).status, 404);
    const patch = await api(server, token, '/api/v1/files/README.md', { method: 'PATCH' });
    assert.equal(patch.status, 405);
    assert.equal((await json<{ error: string }>(patch)).error, 'method_not_allowed');
  });
});
