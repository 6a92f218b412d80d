/**
 * The jobs of an upload or a download: one file each, with the Overwrite / Skip
 * / Keep Both question when the destination already has the file, and the
 * remote folders an upload creates. The window, the dialogs and the progress
 * bar live in transferService.ts; the decisions live here, so they are tested
 * in plain Node.
 * This module imports no `vscode`.
 */

import type { GitShareClient, WritePrecondition } from '../api/client';
import { GitShareError } from '../common/errors';
import type { ConflictDecider } from './conflicts';
import { exists, freeLocalPath, freeRemotePath } from './freeNames';
import type { DownloadItem, UploadItem } from './plan';
import type { TransferJob, TransferOutcome } from './queue';

/** Files above this size are checked for a conflict before sending, not after. */
const PRECHECK_BYTES = 256 * 1024;

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

// ---- uploads

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

// ---- downloads

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
