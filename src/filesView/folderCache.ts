/**
 * The tree's model: what has been loaded of each remote folder, page by page.
 * A folder of 10,000 entries shows its first page at once; the rest comes on
 * "Load more". Concurrent requests for the same folder share one fetch.
 * The tree asks for the next page as soon as it shows "Load more" (one page
 * ahead, never more), so the click costs no round trip of its own.
 */

import type { GitShareClient } from '../api/client';
import type { Entry, FolderPage } from '../api/types';

export interface FolderState {
  readonly entries: readonly Entry[];
  readonly nextCursor: string | null;
}

/**
 * Entries per page: the most the contract allows, so a 10,000-entry folder is 10 round trips,
 * not 50. A page of 1,000 entries is about 150 KB of JSON, parsed in a few milliseconds.
 */
export const DEFAULT_PAGE_SIZE = 1000;

interface Prefetch {
  readonly cursor: string;
  readonly page: Promise<FolderPage | undefined>;
}

export class FolderCache {
  private readonly states = new Map<string, FolderState>();
  private readonly inFlight = new Map<string, Promise<FolderState>>();
  private readonly ahead = new Map<string, Prefetch>();

  constructor(private readonly pageSize: number = DEFAULT_PAGE_SIZE) {}

  static key(accountId: string, path: string): string {
    return `${accountId}\u0000${path}`;
  }

  peek(accountId: string, path: string): FolderState | undefined {
    return this.states.get(FolderCache.key(accountId, path));
  }

  /** The folder's loaded entries, fetching the first page if nothing is loaded yet. */
  get(client: GitShareClient, accountId: string, path: string): Promise<FolderState> {
    const key = FolderCache.key(accountId, path);
    const known = this.states.get(key);
    if (known) {
      return Promise.resolve(known);
    }
    return this.once(key, async () => {
      const page = await client.listFolder(path, { limit: this.pageSize });
      const state = { entries: page.entries, nextCursor: page.nextCursor };
      this.states.set(key, state);
      return state;
    });
  }

  /** Appends the next page; a no-op when everything is loaded. */
  loadMore(client: GitShareClient, accountId: string, path: string): Promise<FolderState> {
    const key = FolderCache.key(accountId, path);
    const known = this.states.get(key);
    if (!known) {
      return this.get(client, accountId, path);
    }
    if (!known.nextCursor) {
      return Promise.resolve(known);
    }
    const cursor = known.nextCursor;
    return this.once(key, async () => {
      const ahead = this.ahead.get(key);
      this.ahead.delete(key);
      // A failed prefetch is asked again, so its error reaches the person who clicked.
      const page =
        (ahead?.cursor === cursor ? await ahead.page : undefined) ??
        (await client.listFolder(path, { limit: this.pageSize, cursor }));
      const seen = new Set(known.entries.map((e) => e.path));
      const state = {
        entries: [...known.entries, ...page.entries.filter((e) => !seen.has(e.path))],
        nextCursor: page.nextCursor,
      };
      // Unless the folder was invalidated meanwhile: then this page belongs to a listing nobody shows.
      if (this.states.get(key) === known) {
        this.states.set(key, state);
      }
      return state;
    });
  }

  /** Replaces what is loaded of a folder with a fresher listing (see folderFreshness.ts). */
  set(accountId: string, path: string, state: FolderState): void {
    this.states.set(FolderCache.key(accountId, path), state);
    this.ahead.delete(FolderCache.key(accountId, path));
  }

  /** Forgets one folder (and what lies below it), or everything of an account, or everything. */
  invalidate(accountId?: string, path?: string): void {
    if (accountId === undefined) {
      this.states.clear();
      this.ahead.clear();
      return;
    }
    const prefix = FolderCache.key(accountId, '');
    for (const key of [...this.states.keys()]) {
      if (!key.startsWith(prefix)) {
        continue;
      }
      const keyPath = key.slice(prefix.length);
      if (path === undefined || keyPath === path || keyPath.startsWith(path === '/' ? '/' : path + '/')) {
        this.states.delete(key);
        this.ahead.delete(key);
      }
    }
  }

  /**
   * Requests the page after what is loaded, for loadMore to take (once per
   * page: a second call is a no-op). An error waits until someone clicks.
   */
  prefetch(client: GitShareClient, accountId: string, path: string): void {
    const key = FolderCache.key(accountId, path);
    const cursor = this.states.get(key)?.nextCursor;
    if (!cursor || this.ahead.get(key)?.cursor === cursor) {
      return;
    }
    this.ahead.set(key, {
      cursor,
      page: client.listFolder(path, { limit: this.pageSize, cursor }).catch(() => undefined),
    });
  }

  private once(key: string, load: () => Promise<FolderState>): Promise<FolderState> {
    const running = this.inFlight.get(key);
    if (running) {
      return running;
    }
    const promise = load().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }
}
