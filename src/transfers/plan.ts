/**
 * What an upload or a download will do, decided before any byte moves: the
 * files with their source and destination, the folders to create, and what is
 * refused (a name GitShare or the disk does not accept, a symbolic link, a
 * folder a hostile server lists without end), so the summary can say why.
 */

import * as l10n from '@vscode/l10n';
import type { GitShareClient } from '../api/client';
import { joinPath, nameProblem } from '../api/paths';
import type { Entry } from '../api/types';
import { formatCount } from '../common/format';
import { tooLargeHere, type LocalFiles } from './localFiles';
import { localNameProblem, refusedNameMessage, safeLocalPath } from './localPaths';
import type { TransferOutcome } from './queue';

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

// ---- uploads

/** Walks the chosen local files and folders; symbolic links inside folders are skipped. */
export async function planUpload(
  files: LocalFiles,
  localPaths: readonly string[],
  remoteFolder: string,
  signal?: AbortSignal,
): Promise<Plan<UploadItem>> {
  const plan: Plan<UploadItem> = { files: [], folders: [], refused: [] };
  const visit = async (local: string, remote: string, label: string, top: boolean): Promise<void> => {
    if (signal?.aborted) {
      return;
    }
    const name = files.name(local);
    const problem = nameProblem(name);
    if (problem) {
      plan.refused.push({
        label,
        status: 'failed',
        reason: l10n.t('GitShare does not accept this name: {0}', problem),
      });
      return;
    }
    const stat = await files.stat(local, top);
    if (stat.kind === 'link') {
      plan.refused.push({ label, status: 'skipped', reason: 'symbolic link' });
    } else if (stat.kind === 'folder') {
      plan.folders.push(remote);
      const children = (await files.list(local)).sort();
      for (const child of children) {
        await visit(files.join(local, child), safeJoin(remote, child), `${label}/${child}`, false);
      }
    } else if (stat.kind === 'file') {
      const max = files.maxFileBytes;
      if (max !== undefined && stat.size > max) {
        const refusal = tooLargeHere(name, stat.size, max);
        plan.refused.push({ label, status: 'failed', reason: refusal.message, error: refusal });
      } else {
        plan.files.push({ local, remote, size: stat.size, label });
      }
    } else {
      plan.refused.push({ label, status: 'skipped', reason: 'not a regular file' });
    }
  };
  for (const local of localPaths) {
    const name = files.name(local);
    await visit(local, safeJoin(remoteFolder, name), name, true);
  }
  return plan;
}

/** Joins without throwing: a bad name is caught by `nameProblem` in `visit`. */
function safeJoin(parent: string, name: string): string {
  return nameProblem(name) ? parent : joinPath(parent, name);
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
  files: LocalFiles,
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
    const problem = localNameProblem(entry.name, files.platform);
    if (problem) {
      plan.refused.push({
        label,
        status: 'failed',
        reason: refusedNameMessage(entry.name, problem),
      });
      continue;
    }
    const local = safeLocalPath(files, localFolder, segments);
    if (entry.type === 'dir') {
      if (walked.has(entry.path)) {
        plan.refused.push({
          label,
          status: 'failed',
          reason: l10n.t('GitShare listed the folder {0} more than once (a cycle); it is downloaded once.', entry.path),
        });
        continue;
      }
      if (segments.length > maxDepth) {
        plan.refused.push({
          label,
          status: 'failed',
          reason: l10n.t('Folders nested deeper than {0} levels are not downloaded.', maxDepth),
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
            reason: l10n.t(
              'More than {0} files and folders: the rest of this folder was not downloaded. Download it in parts.',
              formatCount(maxEntries),
            ),
          });
          break;
        }
        queue.push({ entry: child, segments: [...segments, child.name] });
      }
    } else if (files.maxFileBytes !== undefined && entry.size > files.maxFileBytes) {
      const refusal = tooLargeHere(entry.name, entry.size, files.maxFileBytes);
      plan.refused.push({ label, status: 'failed', reason: refusal.message, error: refusal });
    } else {
      plan.files.push({ remote: entry.path, local, size: entry.size, label });
    }
  }
  return plan;
}
