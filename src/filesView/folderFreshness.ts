/**
 * Is a folder the view shows still what GitShare has? Re-lists it as far as
 * the view has loaded it and says whether anything differs, so the view
 * updates only folders that changed (no flicker for the rest).
 */

import type { GitShareClient } from '../api/client';
import type { Entry } from '../api/types';
import type { FolderState } from './folderCache';

/** The contract's largest page. */
const MAX_PAGE = 1000;

/**
 * The folder's entries now, as many as `shown` holds (at least one page), or
 * undefined when they are the same as `shown`. An empty page ends the re-listing
 * too: a server that keeps sending empty pages with new cursors would otherwise
 * keep this check asking forever.
 */
export async function relistIfChanged(
  client: GitShareClient,
  path: string,
  shown: FolderState,
  pageSize: number,
  signal?: AbortSignal,
): Promise<FolderState | undefined> {
  const wanted = Math.max(shown.entries.length, pageSize);
  const entries: Entry[] = [];
  let cursor: string | undefined;
  let nextCursor: string | null;
  let empty: boolean;
  do {
    const page = await client.listFolder(path, { cursor, limit: Math.min(MAX_PAGE, wanted - entries.length), signal });
    entries.push(...page.entries);
    nextCursor = page.nextCursor;
    cursor = nextCursor ?? undefined;
    empty = page.entries.length === 0;
  } while (cursor && entries.length < wanted && !empty);
  const fresh: FolderState = { entries, nextCursor };
  return sameListing(shown, fresh) ? undefined : fresh;
}

/** Same entries in the same order, and the same "more to load". */
function sameListing(a: FolderState, b: FolderState): boolean {
  if (a.entries.length !== b.entries.length || !a.nextCursor !== !b.nextCursor) {
    return false;
  }
  return a.entries.every((x, i) => sameEntry(x, b.entries[i]));
}

function sameEntry(a: Entry, b: Entry): boolean {
  return a.path === b.path && a.type === b.type && a.etag === b.etag && a.size === b.size && a.modified === b.modified;
}
