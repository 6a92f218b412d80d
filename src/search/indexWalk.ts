/**
 * The walk that fills an account's file index: every folder of the account,
 * breadth-first, a few listings at a time (the server and the network share
 * them with the person's own requests), each folder's children handed to the
 * index as they arrive.
 */
import type { GitShareClient } from '../api/client';
import type { Entry } from '../api/types';
import { CancelledError, toGitShareError } from '../common/errors';
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
}

export const DEFAULT_WALK_CONCURRENCY = 6;

/**
 * Walks the whole account breadth-first, `concurrency` listings at a time,
 * replacing each folder's children in `index` as it is listed (so a search
 * meanwhile sees old and new, never nothing). A folder that vanished during
 * the walk is dropped; any other failure ends the walk with that error.
 */
export async function walkAccount(
  client: GitShareClient,
  index: FileIndex,
  options: WalkOptions = {},
): Promise<WalkProgress> {
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_WALK_CONCURRENCY);
  const queue: string[] = ['/'];
  let active = 0;
  let folders = 0;
  let entries = 0;
  let failure: unknown;
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (failure !== undefined || options.signal?.aborted) {
        if (active === 0) {
          resolve();
        }
        return;
      }
      while (active < concurrency && queue.length > 0) {
        const path = queue.shift()!;
        active++;
        void listAll(client, path, options)
          .then(
            (listed) => {
              index.setFolder(path, listed);
              folders++;
              entries += listed.length;
              for (const entry of listed) {
                if (entry.type === 'dir') {
                  queue.push(childPath(path, entry.name));
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
  index.walkedAt = Date.now();
  return { folders, entries };
}

async function listAll(client: GitShareClient, path: string, options: WalkOptions): Promise<Entry[]> {
  const all: Entry[] = [];
  for await (const entry of client.iterateFolder(path, {
    pageSize: options.pageSize ?? 1000,
    signal: options.signal,
  })) {
    all.push(entry);
  }
  return all;
}
