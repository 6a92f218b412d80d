/**
 * The walk that fills an account's file index: every folder of the account,
 * breadth-first, a few listings at a time (the server and the network share
 * them with the person's own requests), each folder's children handed to the
 * index as they arrive.
 */
import * as l10n from '@vscode/l10n';
import type { GitShareClient } from '../api/client';
import type { Entry } from '../api/types';
import { CancelledError, GitShareError, toGitShareError } from '../common/errors';
import { formatCount } from '../common/format';
import { childPath, type FileIndex } from './fileIndex';

export interface WalkProgress {
  /** Folders listed so far in this walk. */
  readonly folders: number;
  /** Entries seen so far in this walk. */
  readonly entries: number;
}

export interface WalkOptions {
  /** Folder listings at once. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: WalkProgress) => void;
  /** Entries per listing request (the contract allows up to 1000). */
  readonly pageSize?: number;
  /** Entries of the account at most (MAX_WALK_ENTRIES). */
  readonly maxEntries?: number;
  /** Folders nested deeper than this are not listed (MAX_WALK_DEPTH). */
  readonly maxDepth?: number;
}

export const DEFAULT_WALK_CONCURRENCY = 6;

/*
 * Bounds on a walk, whatever the server lists (as on a download: transfers/plan.ts): a hostile
 * server can list folders without end, or nest them without end.
 */
/** Entries the index takes from one account; the walk lists no more folders past them. */
export const MAX_WALK_ENTRIES = 200_000;
/** Folders nested deeper than this are not listed (no real tree is). */
export const MAX_WALK_DEPTH = 64;

/**
 * Walks the whole account breadth-first, `concurrency` listings at a time,
 * replacing each folder's children in `index` as it is listed (so a search
 * meanwhile sees old and new, never nothing). A folder that vanished during
 * the walk is dropped; any other failure ends the walk with that error. Past
 * `maxEntries` entries no more folders are listed, and folders deeper than
 * `maxDepth` are not: the index keeps what was listed, and the walk ends with
 * a `tooLarge` error that says so.
 */
export async function walkAccount(
  client: GitShareClient,
  index: FileIndex,
  options: WalkOptions = {},
): Promise<WalkProgress> {
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_WALK_CONCURRENCY);
  const maxEntries = options.maxEntries ?? MAX_WALK_ENTRIES;
  const maxDepth = options.maxDepth ?? MAX_WALK_DEPTH;
  const queue: { path: string; depth: number }[] = [{ path: '/', depth: 0 }];
  let active = 0;
  let folders = 0;
  let entries = 0;
  let failure: unknown;
  let limit: string | undefined;
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (failure !== undefined || options.signal?.aborted) {
        if (active === 0) {
          resolve();
        }
        return;
      }
      while (active < concurrency && queue.length > 0) {
        const { path, depth } = queue.shift()!;
        active++;
        void listAll(client, path, options, maxEntries)
          .then(
            (listed) => {
              index.setFolder(path, listed);
              folders++;
              entries += listed.length;
              if (entries > maxEntries) {
                queue.length = 0;
                limit ??= l10n.t(
                  'More than {0} files and folders: Go to File finds only those it listed first.',
                  formatCount(maxEntries),
                );
              }
              for (const entry of listed) {
                if (entry.type !== 'dir' || entries > maxEntries) {
                  continue;
                }
                if (depth < maxDepth) {
                  queue.push({ path: childPath(path, entry.name), depth: depth + 1 });
                } else {
                  limit ??= l10n.t('Folders nested deeper than {0} levels are not indexed.', maxDepth);
                }
              }
              options.onProgress?.({ folders, entries });
            },
            (error: unknown) => {
              const e = toGitShareError(error);
              if (e.kind === 'notFound' || (e.kind === 'conflict' && path !== '/')) {
                index.remove(path); // Deleted or replaced by a file since its parent was listed.
              } else if (failure === undefined) {
                failure = error;
              }
            },
          )
          .finally(() => {
            active--;
            pump();
          });
      }
      if (active === 0 && queue.length === 0) {
        resolve();
      }
    };
    pump();
  });
  if (failure !== undefined) {
    throw failure;
  }
  if (options.signal?.aborted) {
    throw new CancelledError();
  }
  // As complete as it can be: walked again when it is old, like any other.
  index.walkedAt = Date.now();
  if (limit !== undefined) {
    throw new GitShareError('tooLarge', limit, { detail: `walk stopped after ${folders} folders, ${entries} entries` });
  }
  return { folders, entries };
}

/** The folder's entries, at most one more than `maxEntries` (which is enough to know the walk is past them). */
async function listAll(
  client: GitShareClient,
  path: string,
  options: WalkOptions,
  maxEntries: number,
): Promise<Entry[]> {
  const all: Entry[] = [];
  for await (const entry of client.iterateFolder(path, {
    pageSize: options.pageSize ?? 1000,
    signal: options.signal,
  })) {
    all.push(entry);
    if (all.length > maxEntries) {
      break;
    }
  }
  return all;
}
