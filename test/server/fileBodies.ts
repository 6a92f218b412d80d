import type { Request, Response } from 'express';
import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './errors';
import { etagOf, type AccountFiles, type Entry } from './files';
import { toApiPath } from './paths';

/**
 * The HTTP side of file contents, over the storage in files.ts. Downloads: conditional requests
 * (If-None-Match, If-Range), one byte range, streamed from one open descriptor. Uploads: the size
 * limit (announced or counted while streaming), the idle timeout, and a connection that ends
 * before the body is complete (reset, half-close, broken chunked framing) failing at once.
 */

/** Default for `ServerOptions.uploadIdleTimeoutMs`: a body that sends nothing for this long fails (408). */
export const DEFAULT_UPLOAD_IDLE_TIMEOUT_MS = 30_000;

export interface UploadOptions {
  readonly maxBytes: number;
  /** Fail with 408 when no body byte arrives for this long (ms). Default DEFAULT_UPLOAD_IDLE_TIMEOUT_MS. */
  readonly idleTimeoutMs?: number;
}

/** `GET`/`HEAD /api/v1/files/…`: the file, whole or one range, with its ETag. */
export async function sendFile(
  files: AccountFiles,
  segments: readonly string[],
  req: Request,
  res: Response,
): Promise<void> {
  const apiPath = toApiPath(segments);
  const { handle, stat } = await files.openFile(segments);
  let streaming = false;
  try {
    const size = Number(stat.size);
    const etag = etagOf(stat);
    res
      .set('ETag', etag)
      .set('Last-Modified', new Date(Number(stat.mtimeNs / 1_000_000n)).toUTCString())
      .set('Accept-Ranges', 'bytes')
      .set('Cache-Control', 'private, no-cache');
    const inm = req.headers['if-none-match'];
    if (
      inm !== undefined &&
      inm
        .split(',')
        .map((s) => s.trim())
        .some((t) => t === etag || t === '*')
    ) {
      res.status(304).end();
      return;
    }
    let range = parseRange(req.headers.range, size);
    const ifRange = req.headers['if-range'];
    if (range !== undefined && ifRange !== undefined && ifRange !== etag) {
      range = undefined; // RFC 9110 §13.1.5: the file changed, send it whole
    }
    if (range === 'unsatisfiable') {
      res
        .status(416)
        .set('Content-Range', `bytes */${size}`)
        .json({ error: 'range_not_satisfiable', message: `The file ${apiPath} has ${size} bytes.` });
      return;
    }
    res.set('Content-Type', 'application/octet-stream');
    let start = 0;
    let end = size - 1;
    if (range) {
      ({ start, end } = range);
      res.status(206).set('Content-Range', `bytes ${start}-${end}/${size}`);
    } else {
      res.status(200);
    }
    res.set('Content-Length', String(size === 0 ? 0 : end - start + 1));
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    streaming = true;
    const stream = handle.createReadStream({ start, end, autoClose: true });
    await pipeline(stream, res).catch(() => {
      // The client went away; nothing to clean up but the handle (autoClose).
    });
  } finally {
    if (!streaming) {
      await handle.close();
    }
  }
}

/**
 * `PUT /api/v1/files/…`: the body is the file. Answers 201 (created) or 200 (replaced) with the
 * entry; a refused size or a stalled body also closes the connection, so the rest of it is not read.
 */
export async function receiveFile(
  files: AccountFiles,
  segments: readonly string[],
  req: Request,
  res: Response,
  limits: UploadOptions,
): Promise<void> {
  const { maxBytes, idleTimeoutMs = DEFAULT_UPLOAD_IDLE_TIMEOUT_MS } = limits;
  const declared = req.headers['content-length'];
  let result: { created: boolean; entry: Entry };
  try {
    result = await files.write(
      segments,
      {
        ifMatch: req.headers['if-match'],
        ifNoneMatch: req.headers['if-none-match'],
        declaredBytes: declared === undefined ? undefined : Number(declared),
        maxBytes,
      },
      (tempFile) => receiveBody(req, tempFile, maxBytes, idleTimeoutMs),
    );
  } catch (err) {
    if (err instanceof HttpError && (err.status === 413 || err.status === 408)) {
      res.set('Connection', 'close');
    }
    throw err;
  }
  res.status(result.created ? 201 : 200).json(result.entry);
}

/** `bytes=N-`, `bytes=N-M`, `bytes=-S`; anything else (several ranges, other units) is ignored. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) {
    return undefined;
  }
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) {
    return undefined;
  }
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) {
      return 'unsatisfiable';
    }
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) {
    return undefined;
  }
  if (start >= size) {
    return 'unsatisfiable';
  }
  return { start, end };
}
/**
 * Streams the request body into a new file (`wx`: never an existing one) with backpressure,
 * enforcing the size limit as bytes arrive; resolves once the data is fsynced (`flush`) and closed.
 * Rejects (after the descriptor is closed, so the caller can remove the file) when the body cannot
 * be complete: the request was already aborted before we got here (the handler awaits a lookup and
 * a mkdir first, and Node emits 'aborted'/'error'/'close' only once), or its socket or response
 * closes before the body ended (a reset, a half-close short of Content-Length, broken chunked
 * framing: Node answers those 400 itself), or no byte arrives for `idleTimeoutMs`.
 */
function receiveBody(req: Request, file: string, maxBytes: number, idleTimeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let received = 0;
    let settled = false;
    let idle: NodeJS.Timeout | undefined;
    const socket = req.socket;
    const res = req.res;
    const counter = new Transform({
      transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback) {
        received += chunk.length;
        armIdle();
        if (received > maxBytes) {
          callback(new HttpError(413, 'too_large', `Files are limited to ${maxBytes} bytes.`));
          return;
        }
        callback(null, chunk);
      },
    });
    const out = createWriteStream(file, { flags: 'wx', mode: 0o644, flush: true });
    const interrupted = (): void => {
      if (!req.readableEnded) {
        fail(new HttpError(400, 'aborted', 'The upload was interrupted.'));
      }
    };
    const cleanup = (): void => {
      clearTimeout(idle);
      req.off('error', fail);
      req.off('close', interrupted);
      socket?.off('close', interrupted);
      res?.off('close', interrupted);
    };
    const fail = (err: unknown): void => {
      if (settled) {
        return;
      }
      settled = true;
      cleanup();
      req.unpipe(counter);
      counter.destroy();
      out.destroy();
      // Reject once the descriptor is closed, so the caller can remove the file.
      const error = err instanceof Error ? err : new Error(String(err));
      if (out.closed) {
        reject(error);
      } else {
        out.once('close', () => reject(error));
      }
    };
    function armIdle(): void {
      clearTimeout(idle);
      if (!settled && idleTimeoutMs > 0 && Number.isFinite(idleTimeoutMs)) {
        idle = setTimeout(onIdle, idleTimeoutMs);
        idle.unref();
      }
    }
    function onIdle(): void {
      if (req.readableEnded) {
        return; // all bytes are in; only the disk is left (out 'close' settles)
      }
      if (out.writableNeedDrain || counter.writableNeedDrain) {
        armIdle(); // the disk is behind, not the client
        return;
      }
      fail(new HttpError(408, 'timeout', `No upload data arrived for ${idleTimeoutMs} ms.`));
    }
    req.on('error', fail);
    req.on('close', interrupted);
    socket?.on('close', interrupted);
    res?.on('close', interrupted);
    counter.on('error', fail);
    out.on('error', fail);
    out.on('close', () => {
      if (!settled) {
        settled = true;
        cleanup();
        resolve();
      }
    });
    // The events above may have fired while the handler awaited the lookup: look at the state.
    if (req.destroyed || (socket?.destroyed ?? false) || (res?.closed ?? false)) {
      interrupted();
      if (!settled) {
        // Destroyed after the last byte but before it was read: the buffered bytes are gone.
        fail(new HttpError(400, 'aborted', 'The upload was interrupted.'));
      }
      return;
    }
    armIdle();
    req.pipe(counter).pipe(out);
  });
}
