/**
 * The resumable download: a remote file streamed to a sink the extension host
 * provides (a temporary file next to the destination in the Node host),
 * resumed with `Range` + `If-Range` when the connection breaks, checked against
 * the announced size and only then put in place, so no partial file is ever
 * left behind. Sends its requests through the API client's one request function.
 */

import * as l10n from '@vscode/l10n';
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

/**
 * Where a download's bytes go, made by the extension host for one destination: somewhere beside
 * it until the file is whole, then put in its place.
 */
export interface DownloadSink {
  /**
   * Writes a body: from the start, or after the bytes kept so far (`append`). `total` is the
   * file's announced size, when known. Rejects with the body's error once what arrived is kept.
   */
  write(
    body: AsyncIterable<Uint8Array>,
    append: boolean,
    total: number | undefined,
    signal?: AbortSignal,
  ): Promise<void>;
  /** The bytes kept so far: where a resumed download continues, and the size of the whole. */
  written(): Promise<number>;
  /** Puts the finished file in place; without `overwrite` an existing file stays and the download is a conflict. */
  commit(overwrite: boolean): Promise<void>;
  /** Drops whatever was written and not put in place. */
  dispose(): Promise<void>;
}

/** The conflict a sink reports when the destination appeared meanwhile (`name`: its last segment). */
export function alreadyExistsLocally(name: string, destination: string): GitShareError {
  return new GitShareError('conflict', l10n.t('{0} already exists here.', name), {
    detail: `download target exists: ${destination}`,
    code: 'already_exists',
  });
}

/**
 * Streams a remote file into `sink`, put in place only when complete and of the
 * announced size. A broken connection resumes with `Range` + `If-Range`.
 * Whatever happens, no partial file is left behind.
 */
export async function downloadFile(
  http: ApiRequester,
  path: string,
  sink: DownloadSink,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const apiPath = '/api/v1/files' + encodePath(path);
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
      const counted = async function* (body: AsyncIterable<Uint8Array>) {
        for await (const chunk of body) {
          written += chunk.byteLength;
          options.onProgress?.(written, total);
          yield chunk;
        }
      };
      try {
        await sink.write(counted(response.body), response.status === 206, total, options.signal);
        break;
      } catch (error) {
        // Resume from what the sink kept, not from what passed by.
        written = await sink.written().catch(() => 0);
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
    const size = await sink.written();
    if (total !== undefined && size !== total) {
      throw new GitShareError('network', l10n.t('The download was incomplete.'), {
        detail: `GET ${apiPath}: got ${size} of ${total} bytes`,
      });
    }
    await sink.commit(options.overwrite ?? false);
    return { bytes: size, etag };
  } finally {
    await sink.dispose().catch(() => undefined);
  }
}

function totalFromContentRange(value: string | null): number | undefined {
  const match = value ? /\/(\d+)\s*$/.exec(value) : null;
  return match ? Number(match[1]) : undefined;
}
