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
 * Yields every item of every page, fetching the next page only when the
 * consumer asks for it. A server that repeats a cursor would loop forever,
 * so a repeated cursor is a protocol error.
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  signal?: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    if (signal?.aborted) {
      throw new CancelledError();
    }
    const page = await fetchPage(cursor);
    yield* page.items;
    if (!page.nextCursor) {
      return;
    }
    if (seen.has(page.nextCursor)) {
      throw new GitShareError('protocol', l10n.t('GitShare sent a folder listing that never ends.'), {
        detail: `repeated cursor ${page.nextCursor}`,
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
