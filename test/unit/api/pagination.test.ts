import * as assert from 'node:assert/strict';
import { collect, MAX_PAGES, paginate, type Page } from '../../../src/api/pagination';
import { GitShareError } from '../../../src/common/errors';

describe('api/pagination', () => {
  it('follows next_cursor until null, lazily', async () => {
    const pages: Record<string, Page<number>> = {
      start: { items: [1, 2], nextCursor: 'b' },
      b: { items: [3], nextCursor: 'c' },
      c: { items: [], nextCursor: 'd' },
      d: { items: [4], nextCursor: null },
    };
    const asked: (string | undefined)[] = [];
    const iterator = paginate(async (cursor) => {
      asked.push(cursor);
      return pages[cursor ?? 'start'];
    });
    const first = await iterator.next();
    assert.equal(first.value, 1);
    assert.deepEqual(asked, [undefined], 'only the first page is fetched for the first item');
    assert.deepEqual(await collect(iterator), [2, 3, 4]);
    assert.deepEqual(asked, [undefined, 'b', 'c', 'd']);
  });

  it('refuses a cursor that repeats', async () => {
    await assert.rejects(
      collect(paginate(async () => ({ items: [1], nextCursor: 'same' }))),
      (e: unknown) => e instanceof GitShareError && e.kind === 'protocol',
    );
  });

  it(`refuses a listing that still has a next page after ${MAX_PAGES} pages (a new cursor every time)`, async () => {
    for (const items of [[], [1]]) {
      let asked = 0;
      const endless = paginate(async () => ({ items, nextCursor: `c${++asked}` }));
      await assert.rejects(collect(endless), (e: unknown) => {
        assert.ok(e instanceof GitShareError && e.kind === 'protocol');
        assert.equal(e.message, 'GitShare sent a folder listing that never ends.');
        return true;
      });
      assert.equal(asked, MAX_PAGES, 'no page asked for after the limit');
    }
    // The last page allowed may end the listing.
    let n = 0;
    const long = await collect(
      paginate(async () => ({ items: [n], nextCursor: ++n < 5 ? `c${n}` : null }), undefined, 5),
    );
    assert.deepEqual(long, [0, 1, 2, 3, 4]);
  });
});
