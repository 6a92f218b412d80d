import * as assert from 'node:assert/strict';
import { collect, paginate, type Page } from '../../../src/api/pagination';
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
});
