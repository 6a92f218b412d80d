import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { FolderOrders, SETTLED_MS, compareKeys, indexAfter, sortKey } from '../folderOrder';
import { TEMP_PREFIX } from '../paths';
import { tempDir } from '../../support/serverHttp';

/** The folder's lstat, and a time well after its last change (as a listing a while later sees it). */
async function settled(dir: string) {
  const stat = await fsp.lstat(dir, { bigint: true });
  return { stat, later: Number(stat.ctimeNs / 1_000_000n) + SETTLED_MS + 1_000 };
}

describe('local server: folder order', () => {
  let dir: string;
  beforeEach(async () => {
    dir = path.join(await tempDir(), 'folder');
    await fsp.mkdir(dir);
    for (const name of ['b.txt', 'a.txt', 'Z.md']) {
      await fsp.writeFile(path.join(dir, name), name);
    }
    await fsp.mkdir(path.join(dir, 'zz-dir'));
    await fsp.writeFile(path.join(dir, `${TEMP_PREFIX}half`), 'an upload in flight');
  });
  afterEach(() => fsp.rm(path.dirname(dir), { recursive: true, force: true }));

  const names = (keys: readonly { name: string }[]) => keys.map((k) => k.name);

  it('lists folders first, then names in byte order, without uploads in flight', async () => {
    const { stat, later } = await settled(dir);
    assert.deepEqual(names(await new FolderOrders().of(dir, stat, later)), ['zz-dir', 'Z.md', 'a.txt', 'b.txt']);
  });

  it('a settled folder is read once; an entry added, removed or renamed on disk shows in the next listing', async () => {
    const orders = new FolderOrders();
    let { stat, later } = await settled(dir);
    await orders.of(dir, stat, later);
    assert.deepEqual(names(await orders.of(dir, stat, later)), ['zz-dir', 'Z.md', 'a.txt', 'b.txt']);
    assert.equal(orders.reads, 1, 'the second listing of an unchanged folder is not read from disk');

    await fsp.writeFile(path.join(dir, 'c.txt'), 'new');
    ({ stat, later } = await settled(dir));
    assert.deepEqual(names(await orders.of(dir, stat, later)), ['zz-dir', 'Z.md', 'a.txt', 'b.txt', 'c.txt']);
    await fsp.rm(path.join(dir, 'a.txt'));
    ({ stat, later } = await settled(dir));
    assert.deepEqual(names(await orders.of(dir, stat, later)), ['zz-dir', 'Z.md', 'b.txt', 'c.txt']);
    await fsp.rename(path.join(dir, 'b.txt'), path.join(dir, 'A.txt'));
    ({ stat, later } = await settled(dir));
    assert.deepEqual(names(await orders.of(dir, stat, later)), ['zz-dir', 'A.txt', 'Z.md', 'c.txt']);
    assert.equal(orders.reads, 4);
  });

  it('a folder that changed less than SETTLED_MS before is read from disk for every listing', async () => {
    // Its change time may not move for a change in the same clock tick, so keeping it could hide one.
    const orders = new FolderOrders();
    const stat = await fsp.lstat(dir, { bigint: true });
    const soon = Number(stat.ctimeNs / 1_000_000n) + 10;
    await orders.of(dir, stat, soon);
    await fsp.writeFile(path.join(dir, 'same-tick.txt'), 'x');
    // The folder's status as it was before the write: what a coarse clock could leave it at.
    assert.ok(names(await orders.of(dir, stat, soon)).includes('same-tick.txt'));
    assert.equal(orders.reads, 2);
  });

  it('a folder replaced by another at the same path is read again', async () => {
    const orders = new FolderOrders();
    const first = await settled(dir);
    await orders.of(dir, first.stat, first.later);
    await fsp.rm(dir, { recursive: true });
    await fsp.mkdir(dir);
    await fsp.writeFile(path.join(dir, 'only.txt'), 'x');
    const second = await settled(dir);
    assert.deepEqual(names(await orders.of(dir, second.stat, second.later)), ['only.txt']);
  });

  it('indexAfter finds the first key after any cursor, whether or not the cursor is still in the folder', () => {
    const all = ['a', 'b', 'B', 'é', 'z', 'zz', '0', 'm-dir', 'a-dir']
      .map((name) => sortKey(name.endsWith('-dir') ? 0 : 1, name))
      .sort(compareKeys);
    const present = all.filter((_, i) => i % 2 === 0);
    for (const after of [...all, sortKey(0, ''), sortKey(1, ''), sortKey(1, '\u{10FFFF}')]) {
      const expected = present.findIndex((k) => compareKeys(k, after) > 0);
      assert.equal(
        indexAfter(present, after),
        expected < 0 ? present.length : expected,
        `after ${after.rank}:${after.name}`,
      );
    }
  });
});
