/**
 * The tree's model: what has been loaded of each remote folder, page by page.
 * A folder of 10,000 entries shows its first page at once; the rest comes on
 * "Load more". Concurrent requests for the same folder share one fetch.
 * This module imports no `vscode`.
 */

import type { GitShareClient } from '../api/client';
import type { Entry } from '../api/types';

export interface FolderState {
  readonly entries: readonly Entry[];
  readonly nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 200;

export class FolderCache {
  private readonly states = new Map<string, FolderState>();
  private readonly inFlight = new Map<string, Promise<FolderState>>();

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
      const page = await client.listFolder(path, { limit: this.pageSize, cursor });
      const seen = new Set(known.entries.map((e) => e.path));
      const state = {
        entries: [...known.entries, ...page.entries.filter((e) => !seen.has(e.path))],
        nextCursor: page.nextCursor,
      };
      this.states.set(key, state);
      return state;
    });
  }

  /** Replaces what is loaded of a folder with a fresher listing (see folderFreshness.ts). */
  set(accountId: string, path: string, state: FolderState): void {
    this.states.set(FolderCache.key(accountId, path), state);
  }

  /** Forgets one folder (and what lies below it), or everything of an account, or everything. */
  invalidate(accountId?: string, path?: string): void {
    if (accountId === undefined) {
      this.states.clear();
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
      }
    }
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
