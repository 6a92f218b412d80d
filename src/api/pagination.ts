/**
 * Cursor pagination as async iteration: the caller sees entries, not cursors.
 */

import * as l10n from '@vscode/l10n';
import { CancelledError, GitShareError } from '../common/errors';

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/**
 * The most pages one listing may take: 500,000 entries at the contract's default page size, more
 * than any real folder. Only a server that never ends a listing (a new cursor every time, with
 * entries or without) gets there.
 */
export const MAX_PAGES = 1_000;

/**
 * Yields every item of every page, fetching the next page only when the
 * consumer asks for it. A server that repeats a cursor, or sends more than
 * `maxPages` pages, would keep the caller listing forever: both are a
 * protocol error.
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  signal?: AbortSignal,
  maxPages = MAX_PAGES,
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 1; ; pages++) {
    if (signal?.aborted) {
      throw new CancelledError();
    }
    const page = await fetchPage(cursor);
    yield* page.items;
    if (!page.nextCursor) {
      return;
    }
    if (seen.has(page.nextCursor) || pages >= maxPages) {
      throw new GitShareError('protocol', l10n.t('GitShare sent a folder listing that never ends.'), {
        detail: seen.has(page.nextCursor)
          ? `repeated cursor ${page.nextCursor}`
          : `still a next cursor after ${pages} pages`,
      });
    }
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

/** Collects an async iterable (bounded use only: never for a whole tree of unknown size in UI code). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
  }
  return out;
}
