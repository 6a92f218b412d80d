/**
 * The jobs of an upload or a download: one file each, with the Overwrite / Skip
 * / Keep Both question when the destination already has the file, and the
 * remote folders an upload creates. The window, the dialogs and the progress
 * bar live in transferService.ts; the decisions live here, so they are tested
 * in plain Node.
 */

import type { GitShareClient, WritePrecondition } from '../api/client';
import { GitShareError } from '../common/errors';
import type { ConflictDecider } from './conflicts';
import { freeLocalPath, freeRemotePath } from './freeNames';
import type { LocalFiles } from './localFiles';
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

/** Where one job writes: GitShare for an upload, the local disk for a download. */
interface Destination {
  /** Said in the summary when the person chose Skip. */
  readonly skipped: string;
  /** Whether to ask before sending: the file is there already (and checking first is worth a request). */
  existsBefore(target: string, signal: AbortSignal): Promise<boolean>;
  /** The Keep Both name next to `target`. */
  freeName(target: string, signal: AbortSignal): Promise<string>;
  /** Sends the file; without `overwrite` it fails with a conflict (`isConflict`) when the target exists. */
  send(target: string, overwrite: boolean, onProgress: (bytes: number) => void, signal: AbortSignal): Promise<void>;
  isConflict(error: unknown): boolean;
}

/**
 * One file in either direction. It never replaces a file without asking: it asks
 * first when `existsBefore` says the target is there, or when the transfer meets
 * a file that appeared meanwhile. The question is asked at most once per file: a
 * conflict after the answer fails the file, with its reason, in the summary.
 */
function transferJob(
  label: string,
  size: number,
  initialTarget: string,
  destination: Destination,
  decider: ConflictDecider,
): TransferJob {
  return {
    label,
    size,
    run: async (reportBytes, signal) => {
      let target = initialTarget;
      let overwrite = false;
      /** Asks, and applies the answer; false for Skip. */
      const ask = async (): Promise<boolean> => {
        const choice = await decider.decide(label);
        if (choice === 'overwrite') {
          overwrite = true;
        } else if (choice === 'keepBoth') {
          target = await destination.freeName(target, signal);
        }
        return choice !== 'skip';
      };
      let asked = await destination.existsBefore(target, signal);
      if (asked && !(await ask())) {
        return { skipped: destination.skipped };
      }
      for (;;) {
        try {
          await destination.send(target, overwrite, throttled(reportBytes, size), signal);
          return 'done';
        } catch (error) {
          if (!destination.isConflict(error) || asked) {
            throw error;
          }
          asked = true;
          reportBytes(0);
          if (!(await ask())) {
            return { skipped: destination.skipped };
          }
        }
      }
    },
  };
}

export function uploadJob(
  client: GitShareClient,
  files: LocalFiles,
  item: UploadItem,
  decider: ConflictDecider,
): TransferJob {
  return transferJob(
    item.label,
    item.size,
    item.remote,
    {
      skipped: 'already on GitShare',
      // A small file is sent at once: If-None-Match finds a conflict for the price of the upload itself.
      existsBefore: async (target, signal) =>
        item.size > PRECHECK_BYTES && (await client.tryEntry(target, signal)) !== undefined,
      freeName: (target, signal) => freeRemotePath(client, target, signal),
      send: async (target, overwrite, onProgress, signal) => {
        const precondition: WritePrecondition = overwrite ? undefined : { ifNoneMatch: '*' };
        await client.upload(target, await files.uploadSource(item.local), precondition, { signal, onProgress });
      },
      isConflict: (error) => error instanceof GitShareError && error.kind === 'preconditionFailed',
    },
    decider,
  );
}

export function downloadJob(
  client: GitShareClient,
  files: LocalFiles,
  item: DownloadItem,
  decider: ConflictDecider,
): TransferJob {
  return transferJob(
    item.label,
    item.size,
    item.local,
    {
      skipped: 'already exists locally',
      existsBefore: (target) => files.exists(target),
      freeName: (target) => freeLocalPath(files, target),
      send: (target, overwrite, onProgress, signal) =>
        client
          .download(item.remote, files.downloadSink(target), { signal, overwrite, onProgress })
          .then(() => undefined),
      isConflict: isAlreadyExists,
    },
    decider,
  );
}

function isAlreadyExists(error: unknown): boolean {
  return error instanceof GitShareError && error.kind === 'conflict' && error.code === 'already_exists';
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
      if (isAlreadyExists(error)) {
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
