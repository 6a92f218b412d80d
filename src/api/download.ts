/**
 * The resumable download: a remote file streamed to a temporary file next to
 * its destination, resumed with `Range` + `If-Range` when the connection
 * breaks, checked against the announced size and only then put in place, so no
 * partial file is ever left behind. Sends its requests through the API
 * client's one request function.
 */

import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { pipeline } from 'node:stream/promises';
import { GitShareError } from '../common/errors';
import { encodePath } from './paths';
import type { ApiRequester } from './requester';
import { retryDelay, sleep } from './retry';

/** Reports bytes done so far (absolute, for this transfer) and the total when known. */
export type ProgressCallback = (bytesDone: number, bytesTotal: number | undefined) => void;

export interface TransferOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressCallback;
}

export interface DownloadOptions extends TransferOptions {
  /** Replace an existing local file. When false a file that appeared meanwhile is a conflict. */
  readonly overwrite?: boolean;
}

export interface DownloadResult {
  readonly bytes: number;
  readonly etag: string | undefined;
}

/** Buffer of the local file a download writes. */
const FILE_BUFFER_BYTES = 1024 * 1024;
/**
 * Streams a remote file to `destination` through a temporary file next to it,
 * renamed into place only when complete and of the announced size. A broken
 * connection resumes with `Range` + `If-Range`. Whatever happens, no partial
 * file is left behind.
 */
export async function downloadFile(
  http: ApiRequester,
  path: string,
  destination: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const apiPath = '/api/v1/files' + encodePath(path);
  const temp = nodePath.join(
    nodePath.dirname(destination),
    `.${nodePath.basename(destination)}.${randomBytes(4).toString('hex')}.gitshare-part`,
  );
  let written = 0;
  let total: number | undefined;
  let etag: string | undefined;
  try {
    for (let retry = 0; ; retry++) {
      const resuming = written > 0 && etag !== undefined;
      const response = await http.request({
        method: 'GET',
        apiPath,
        headers: resuming ? { Range: `bytes=${written}-`, 'If-Range': etag! } : undefined,
        retry: 'idempotent',
        signal: options.signal,
      });
      if (response.status === 206) {
        total = totalFromContentRange(response.headers.get('content-range')) ?? total;
      } else {
        // A full answer: start over (the file may have changed).
        written = 0;
        const length = response.headers.get('content-length');
        total = length !== null ? Number(length) : undefined;
      }
      etag = response.headers.get('etag') ?? undefined;
      options.onProgress?.(written, total);
      // A large buffer keeps the body flowing while a write is on disk: fewer pauses, and
      // the chunks waiting meanwhile go down in one writev.
      const sink = fs.createWriteStream(temp, {
        flags: response.status === 206 ? 'a' : 'w',
        highWaterMark: FILE_BUFFER_BYTES,
      });
      const counted = async function* (body: AsyncIterable<Uint8Array>) {
        for await (const chunk of body) {
          written += chunk.byteLength;
          options.onProgress?.(written, total);
          yield chunk;
        }
      };
      try {
        await pipeline(counted(response.body), sink, { signal: options.signal });
        break;
      } catch (error) {
        // Resume from what reached the disk, not from what passed by.
        if (!sink.closed) {
          await once(sink, 'close').catch(() => undefined);
        }
        written = (await fsp.stat(temp).catch(() => undefined))?.size ?? 0;
        const mapped = http.mapStreamError(error, `GET ${apiPath}`, options.signal);
        if (
          mapped.kind === 'cancelled' ||
          retry >= http.policy.maxRetries ||
          !(mapped.kind === 'network' || mapped.kind === 'timeout')
        ) {
          throw mapped;
        }
        http.logger.warn(`GET ${apiPath}: body broke after ${written} bytes; resuming`, mapped);
        await sleep(retryDelay(http.policy, retry + 1, undefined), options.signal);
      }
    }
    const { size } = await fsp.stat(temp);
    if (total !== undefined && size !== total) {
      throw new GitShareError('network', l10n.t('The download was incomplete.'), {
        detail: `GET ${apiPath}: got ${size} of ${total} bytes`,
      });
    }
    await placeFile(temp, destination, options.overwrite ?? false);
    return { bytes: size, etag };
  } finally {
    await fsp.rm(temp, { force: true }).catch(() => undefined);
  }
}

function totalFromContentRange(value: string | null): number | undefined {
  const match = value ? /\/(\d+)\s*$/.exec(value) : null;
  return match ? Number(match[1]) : undefined;
}

/** Moves the finished temporary file into place; without `overwrite` an existing file is never replaced. */
async function placeFile(temp: string, destination: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await fsp.rename(temp, destination);
    return;
  }
  try {
    // link() fails with EEXIST instead of replacing: no window between a check and the rename.
    await fsp.link(temp, destination);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new GitShareError('conflict', l10n.t('{0} already exists here.', nodePath.basename(destination)), {
        detail: `download target exists: ${destination}`,
        code: 'already_exists',
      });
    }
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') {
      throw error;
    }
    // A file system without hard links: check, then rename.
    if (
      await fsp.stat(destination).then(
        () => true,
        () => false,
      )
    ) {
      throw new GitShareError('conflict', l10n.t('{0} already exists here.', nodePath.basename(destination)), {
        detail: `download target exists: ${destination}`,
        code: 'already_exists',
      });
    }
    await fsp.rename(temp, destination);
  }
}
