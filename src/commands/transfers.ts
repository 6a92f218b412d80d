/**
 * Plans and jobs for uploads and downloads of files and folder trees. The
 * window, the dialogs and the progress bar live in fileCommands.ts; the
 * decisions live here, so they are tested in plain Node.
 * This module imports no `vscode`.
 */

import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { GitShareClient, WritePrecondition } from '../api/client';
import { joinPath, keepBothName, nameProblem, parentPath, baseName } from '../api/paths';
import type { Entry } from '../api/types';
import { GitShareError } from '../common/errors';
import type { ConflictDecider } from './conflicts';
import { localNameProblem, safeLocalPath } from './localPaths';
import type { TransferJob, TransferOutcome } from './transferQueue';

export interface UploadItem {
  readonly local: string;
  readonly remote: string;
  readonly size: number;
  readonly label: string;
}

export interface DownloadItem {
  readonly remote: string;
  readonly local: string;
  readonly size: number;
  readonly label: string;
}

export interface Plan<T> {
  readonly files: T[];
  /** Folders to create first, parents before children (remote paths for uploads, local for downloads). */
  readonly folders: string[];
  /** Things refused before any transfer: reported in the summary as failed. */
  readonly refused: TransferOutcome[];
}

/**
 * Bounds on a download plan, whatever the server lists: folders nested deeper
 * than this are refused (no real tree is; a hostile server can list one without
 * end), and so is everything past this many entries in one download.
 */
export const MAX_DOWNLOAD_DEPTH = 64;
export const MAX_DOWNLOAD_ENTRIES = 200_000;

/** Files above this size are checked for a conflict before sending, not after. */
const PRECHECK_BYTES = 256 * 1024;

// ---- uploads

/** Walks the chosen local files and folders; symbolic links inside folders are skipped. */
export async function planUpload(
  localPaths: readonly string[],
  remoteFolder: string,
  signal?: AbortSignal,
): Promise<Plan<UploadItem>> {
  const plan: Plan<UploadItem> = { files: [], folders: [], refused: [] };
  const visit = async (local: string, remote: string, label: string, top: boolean): Promise<void> => {
    if (signal?.aborted) {
      return;
    }
    const name = nodePath.basename(local);
    const problem = nameProblem(name);
    if (problem) {
      plan.refused.push({ label, status: 'failed', reason: `GitShare does not accept this name: ${problem}` });
      return;
    }
    const stat = top ? await fsp.stat(local) : await fsp.lstat(local);
    if (stat.isSymbolicLink()) {
      plan.refused.push({ label, status: 'skipped', reason: 'symbolic link' });
    } else if (stat.isDirectory()) {
      plan.folders.push(remote);
      const children = (await fsp.readdir(local)).sort();
      for (const child of children) {
        await visit(nodePath.join(local, child), safeJoin(remote, child), `${label}/${child}`, false);
      }
    } else if (stat.isFile()) {
      plan.files.push({ local, remote, size: stat.size, label });
    } else {
      plan.refused.push({ label, status: 'skipped', reason: 'not a regular file' });
    }
  };
  for (const local of localPaths) {
    const name = nodePath.basename(local);
    await visit(local, safeJoin(remoteFolder, name), name, true);
  }
  return plan;
}

/** Joins without throwing: a bad name is caught by `nameProblem` in `visit`. */
function safeJoin(parent: string, name: string): string {
  return nameProblem(name) ? parent : joinPath(parent, name);
}

/** Shortest time between two progress reports of one transfer. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * The client reports every chunk; the progress bar needs a few updates a second.
 * A restart from zero and the last byte always pass.
 */
function throttled(reportBytes: (bytes: number) => void, size: number): (bytes: number) => void {
  let last = -Infinity;
  return (bytes) => {
    const now = performance.now();
    if (bytes === 0 || bytes === size || now - last >= PROGRESS_INTERVAL_MS) {
      last = now;
      reportBytes(bytes);
    }
  };
}

export function uploadJob(client: GitShareClient, item: UploadItem, decider: ConflictDecider): TransferJob {
  return {
    label: item.label,
    size: item.size,
    run: async (reportBytes, signal) => {
      let target = item.remote;
      let precondition: WritePrecondition = { ifNoneMatch: '*' };
      if (item.size > PRECHECK_BYTES && (await client.tryMetadata(target, signal))) {
        const decision = await resolveUploadConflict(client, target, item.label, decider, signal);
        if (decision === 'skip') {
          return { skipped: 'already on GitShare' };
        }
        ({ target, precondition } = decision);
      }
      for (let asked = 0; ; asked++) {
        try {
          await client.upload(target, item.local, precondition, {
            signal,
            onProgress: throttled(reportBytes, item.size),
          });
          return 'done';
        } catch (error) {
          // If-None-Match met an existing file: ask (once per file), then try again.
          if (!(error instanceof GitShareError && error.kind === 'preconditionFailed') || asked > 0) {
            throw error;
          }
          reportBytes(0);
          const decision = await resolveUploadConflict(client, target, item.label, decider, signal);
          if (decision === 'skip') {
            return { skipped: 'already on GitShare' };
          }
          ({ target, precondition } = decision);
        }
      }
    },
  };
}

async function resolveUploadConflict(
  client: GitShareClient,
  target: string,
  label: string,
  decider: ConflictDecider,
  signal: AbortSignal,
): Promise<'skip' | { target: string; precondition: WritePrecondition }> {
  const choice = await decider.decide(label);
  switch (choice) {
    case 'skip':
      return 'skip';
    case 'overwrite':
      return { target, precondition: undefined };
    case 'keepBoth':
      return { target: await freeRemotePath(client, target, signal), precondition: { ifNoneMatch: '*' } };
  }
}

/** `a (1).txt`, `a (2).txt`, … next to `path`: the first that does not exist on the server. */
export async function freeRemotePath(client: GitShareClient, path: string, signal?: AbortSignal): Promise<string> {
  const folder = parentPath(path);
  const name = baseName(path);
  const taken = new Set<string>();
  for (;;) {
    const candidate = keepBothName(name, (c) => taken.has(c));
    const full = joinPath(folder, candidate);
    if (!(await client.tryMetadata(full, signal))) {
      return full;
    }
    taken.add(candidate);
  }
}

// ---- downloads

/**
 * Walks the chosen remote entries. Every name from the server is checked before
 * it becomes part of a local path; refused names are reported, never written.
 * A folder seen twice (a cycle), nested deeper than MAX_DOWNLOAD_DEPTH, or met
 * after MAX_DOWNLOAD_ENTRIES entries is refused with its reason, not walked.
 */
export async function planDownload(
  client: GitShareClient,
  entries: readonly Entry[],
  localFolder: string,
  signal?: AbortSignal,
  limits: { readonly maxDepth?: number; readonly maxEntries?: number } = {},
): Promise<Plan<DownloadItem>> {
  const maxDepth = limits.maxDepth ?? MAX_DOWNLOAD_DEPTH;
  const maxEntries = limits.maxEntries ?? MAX_DOWNLOAD_ENTRIES;
  const plan: Plan<DownloadItem> = { files: [], folders: [], refused: [] };
  const queue: { entry: Entry; segments: string[] }[] = entries.map((entry) => ({ entry, segments: [entry.name] }));
  const walked = new Set<string>();
  let seen = queue.length;
  while (queue.length) {
    if (signal?.aborted) {
      break;
    }
    const { entry, segments } = queue.shift()!;
    const label = segments.join('/');
    const problem = localNameProblem(entry.name);
    if (problem) {
      plan.refused.push({
        label,
        status: 'failed',
        reason: `Refused the name ${JSON.stringify(entry.name)} from GitShare: it ${problem}.`,
      });
      continue;
    }
    const local = safeLocalPath(localFolder, segments);
    if (entry.type === 'dir') {
      if (walked.has(entry.path)) {
        plan.refused.push({
          label,
          status: 'failed',
          reason: `GitShare listed the folder ${entry.path} more than once (a cycle); it is downloaded once.`,
        });
        continue;
      }
      if (segments.length > maxDepth) {
        plan.refused.push({
          label,
          status: 'failed',
          reason: `Folders nested deeper than ${maxDepth} levels are not downloaded.`,
        });
        continue;
      }
      walked.add(entry.path);
      plan.folders.push(local);
      for await (const child of client.iterateFolder(entry.path, { signal })) {
        if (++seen > maxEntries) {
          plan.refused.push({
            label,
            status: 'failed',
            reason: `More than ${maxEntries.toLocaleString('en-US')} files and folders: the rest of this folder was not downloaded. Download it in parts.`,
          });
          break;
        }
        queue.push({ entry: child, segments: [...segments, child.name] });
      }
    } else {
      plan.files.push({ remote: entry.path, local, size: entry.size, label });
    }
  }
  return plan;
}

export function downloadJob(client: GitShareClient, item: DownloadItem, decider: ConflictDecider): TransferJob {
  return {
    label: item.label,
    size: item.size,
    run: async (reportBytes, signal) => {
      let target = item.local;
      let overwrite = false;
      for (let asked = 0; ; asked++) {
        if (asked === 0 && (await exists(target))) {
          asked++;
          const decision = await resolveDownloadConflict(target, item.label, decider);
          if (decision === 'skip') {
            return { skipped: 'already exists locally' };
          }
          ({ target, overwrite } = decision);
        }
        try {
          await client.download(item.remote, target, {
            signal,
            overwrite,
            onProgress: throttled(reportBytes, item.size),
          });
          return 'done';
        } catch (error) {
          // The file appeared while downloading: ask, once.
          if (
            !(error instanceof GitShareError && error.kind === 'conflict' && error.code === 'already_exists') ||
            asked > 0
          ) {
            throw error;
          }
          reportBytes(0);
          const decision = await resolveDownloadConflict(target, item.label, decider);
          if (decision === 'skip') {
            return { skipped: 'already exists locally' };
          }
          ({ target, overwrite } = decision);
        }
      }
    },
  };
}

async function resolveDownloadConflict(
  target: string,
  label: string,
  decider: ConflictDecider,
): Promise<'skip' | { target: string; overwrite: boolean }> {
  const choice = await decider.decide(label);
  switch (choice) {
    case 'skip':
      return 'skip';
    case 'overwrite':
      return { target, overwrite: true };
    case 'keepBoth':
      return { target: await freeLocalPath(target), overwrite: false };
  }
}

export async function freeLocalPath(path: string): Promise<string> {
  const folder = nodePath.dirname(path);
  const name = nodePath.basename(path);
  const taken = new Set<string>();
  for (;;) {
    const candidate = keepBothName(name, (c) => taken.has(c));
    const full = nodePath.join(folder, candidate);
    if (!(await exists(full))) {
      return full;
    }
    taken.add(candidate);
  }
}

function exists(path: string): Promise<boolean> {
  return fsp.lstat(path).then(
    () => true,
    () => false,
  );
}

/** Creates remote folders in order; an existing one is fine. */
export async function createRemoteFolders(
  client: GitShareClient,
  folders: readonly string[],
  signal?: AbortSignal,
): Promise<TransferOutcome[]> {
  const failures: TransferOutcome[] = [];
  for (const folder of folders) {
    try {
      await client.createFolder(folder, signal);
    } catch (error) {
      if (error instanceof GitShareError && error.kind === 'conflict' && error.code === 'already_exists') {
        continue;
      }
      if (error instanceof GitShareError && error.kind === 'cancelled') {
        throw error;
      }
      failures.push({
        label: folder,
        status: 'failed',
        reason: error instanceof Error ? error.message : String(error),
        error,
      });
    }
  }
  return failures;
}
