import { randomBytes } from 'node:crypto';
import { createWriteStream, type BigIntStats } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { HttpError, conflict, notFound } from './errors';
import { TEMP_PREFIX, toApiPath } from './paths';

/**
 * The file tree of one account, on disk under `<data>/files/<userId>/`.
 *
 * - Every path given here was validated by paths.ts; this module additionally refuses to follow
 *   symbolic links (the API cannot create them, so one is an intrusion or a mistake) and checks that
 *   the joined path stays under the account folder.
 * - ETag: strong, `"<inode>-<size>-<mtime in ns>"` (base 36), from one `lstat`. Uploads replace the
 *   file by rename, so new content always means a new inode and mtime; no hashing, so a 1 GiB file
 *   costs nothing to describe. Folders get an ETag the same way (it changes when entries change).
 * - Listings sort folders first, then by name in UTF-8 byte order (= Unicode code point order).
 * - Uploads stream into `<dir>/.gitshare-upload-<random>` (same folder, so the rename is atomic),
 *   are fsynced, then renamed over the target; the temp file is removed on every failure path.
 *   Bodies stream in parallel, each into its own temp file; only the commit step (lookup → If-Match /
 *   If-None-Match → link/rename → fsync of the folder) is serialized per target path, so of several
 *   uploads racing with the same ETag exactly one wins.
 * - A body that stops arriving for `idleTimeoutMs` fails with 408; a connection that ends before the
 *   body is complete (reset, half-close, broken chunked framing) fails at once.
 */

/** Default for `ServerOptions.uploadIdleTimeoutMs`: a body that sends nothing for this long fails (408). */
export const DEFAULT_UPLOAD_IDLE_TIMEOUT_MS = 30_000;

/**
 * Runs async critical sections one at a time per key (FIFO), without blocking other keys.
 * Keys here are absolute file paths; the map only holds keys with work queued or running.
 */
export class PathLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, critical: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    try {
      return await critical();
    } finally {
      release();
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    }
  }

  /** Keys with work queued or running (for tests). */
  get size(): number {
    return this.tails.size;
  }
}

/** Shared by every AccountFiles that is not given its own: the key is an absolute path, so sharing is safe. */
const processLocks = new PathLocks();

export interface UploadOptions {
  readonly maxBytes: number;
  /** Fail with 408 when no body byte arrives for this long (ms). Default DEFAULT_UPLOAD_IDLE_TIMEOUT_MS. */
  readonly idleTimeoutMs?: number;
}

export interface Entry {
  readonly name: string;
  readonly path: string;
  readonly type: 'file' | 'dir';
  readonly size: number;
  readonly modified: string;
  readonly etag: string;
}

type Lookup =
  | { readonly kind: 'exists'; readonly stat: BigIntStats }
  | { readonly kind: 'missing' }
  /** Component `index` (0-based) is a file but something lies under it. */
  | { readonly kind: 'parentIsFile'; readonly index: number };

export function etagOf(stat: BigIntStats): string {
  return `"${stat.ino.toString(36)}-${stat.size.toString(36)}-${stat.mtimeNs.toString(36)}"`;
}

export function entryOf(segments: readonly string[], stat: BigIntStats): Entry {
  const isDir = stat.isDirectory();
  return {
    name: segments.length > 0 ? segments[segments.length - 1]! : '',
    path: toApiPath(segments),
    type: isDir ? 'dir' : 'file',
    size: isDir ? 0 : Number(stat.size),
    modified: new Date(Number(stat.mtimeNs / 1_000_000n)).toISOString(),
    etag: etagOf(stat),
  };
}

function isErrno(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

/** Maps a file system error met mid-operation (a race with another request) to an API error. */
export function fsError(err: unknown, apiPath: string): unknown {
  if (isErrno(err, 'ENOENT')) {
    return notFound(`No such file or folder: ${apiPath}`);
  }
  if (isErrno(err, 'ENOTDIR')) {
    return conflict('not_a_folder', `A parent of ${apiPath} is a file.`);
  }
  if (isErrno(err, 'EEXIST')) {
    return conflict('already_exists', `${apiPath} already exists.`);
  }
  if (isErrno(err, 'ENOTEMPTY')) {
    return conflict('not_empty', `The folder ${apiPath} is not empty.`);
  }
  if (isErrno(err, 'EISDIR')) {
    return conflict('not_a_file', `${apiPath} is a folder.`);
  }
  if (isErrno(err, 'ENAMETOOLONG')) {
    return new HttpError(400, 'invalid_path', 'The path is too long.');
  }
  if (isErrno(err, 'ENOSPC', 'EDQUOT')) {
    return new HttpError(507, 'insufficient_storage', 'The server has no space left.');
  }
  return err;
}

export class AccountFiles {
  constructor(
    readonly root: string,
    private readonly locks: PathLocks = processLocks,
  ) {}

  async ensureRoot(): Promise<void> {
    await fsp.mkdir(this.root, { recursive: true });
  }

  abs(segments: readonly string[]): string {
    const target = path.join(this.root, ...segments);
    if (target !== this.root && !target.startsWith(this.root + path.sep)) {
      throw new HttpError(400, 'invalid_path', 'The path leaves your file tree.');
    }
    return target;
  }

  /** Walks the path one component at a time with lstat, refusing symbolic links. */
  async lookup(segments: readonly string[]): Promise<Lookup> {
    await this.ensureRoot();
    let stat = await fsp.lstat(this.root, { bigint: true });
    for (let i = 0; i < segments.length; i++) {
      if (!stat.isDirectory()) {
        return { kind: 'parentIsFile', index: i - 1 };
      }
      try {
        stat = await fsp.lstat(this.abs(segments.slice(0, i + 1)), { bigint: true });
      } catch (err) {
        if (isErrno(err, 'ENOENT')) {
          return { kind: 'missing' };
        }
        if (isErrno(err, 'ENOTDIR')) {
          return { kind: 'parentIsFile', index: i - 1 };
        }
        throw err;
      }
      if (stat.isSymbolicLink() || (!stat.isDirectory() && !stat.isFile())) {
        throw new HttpError(
          403,
          'forbidden',
          `${toApiPath(segments.slice(0, i + 1))} is not a regular file or folder.`,
        );
      }
    }
    return { kind: 'exists', stat };
  }

  async entry(segments: readonly string[]): Promise<Entry> {
    const found = await this.lookup(segments);
    if (found.kind !== 'exists') {
      throw notFound(`No such file or folder: ${toApiPath(segments)}`);
    }
    return entryOf(segments, found.stat);
  }

  async list(
    segments: readonly string[],
    limit: number,
    cursor: string | undefined,
  ): Promise<{ path: string; entries: Entry[]; next_cursor: string | null }> {
    const found = await this.lookup(segments);
    if (found.kind !== 'exists') {
      throw notFound(`No such folder: ${toApiPath(segments)}`);
    }
    if (!found.stat.isDirectory()) {
      throw conflict('not_a_folder', `${toApiPath(segments)} is a file, not a folder.`);
    }
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const dirents = await fsp.readdir(this.abs(segments), { withFileTypes: true });
    const keys = dirents
      .filter((d) => (d.isDirectory() || d.isFile()) && !d.name.startsWith(TEMP_PREFIX))
      .map((d) => ({ rank: d.isDirectory() ? 0 : 1, name: d.name, bytes: Buffer.from(d.name, 'utf8') }))
      .sort(compareKeys);
    const start = after === undefined ? 0 : keys.findIndex((k) => compareKeys(k, after) > 0);
    const page = start < 0 ? [] : keys.slice(start, start + limit);
    const entries: Entry[] = [];
    for (const key of page) {
      try {
        const stat = await fsp.lstat(this.abs([...segments, key.name]), { bigint: true });
        if (stat.isDirectory() || stat.isFile()) {
          entries.push(entryOf([...segments, key.name], stat));
        }
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) {
          throw err;
        }
      }
    }
    const last = page[page.length - 1];
    const more = start >= 0 && start + limit < keys.length;
    return { path: toApiPath(segments), entries, next_cursor: more && last ? encodeCursor(last) : null };
  }

  async createFolder(segments: readonly string[]): Promise<Entry> {
    const apiPath = toApiPath(segments);
    const found = await this.lookup(segments);
    if (found.kind === 'exists') {
      throw conflict('already_exists', `${apiPath} already exists.`);
    }
    if (found.kind === 'parentIsFile') {
      throw conflict('not_a_folder', `${toApiPath(segments.slice(0, found.index + 1))} is a file.`);
    }
    try {
      await fsp.mkdir(this.abs(segments.slice(0, -1)), { recursive: true });
      await fsp.mkdir(this.abs(segments));
    } catch (err) {
      throw fsError(err, apiPath);
    }
    return this.entry(segments);
  }

  async download(segments: readonly string[], req: Request, res: Response): Promise<void> {
    const apiPath = toApiPath(segments);
    const found = await this.lookup(segments);
    if (found.kind !== 'exists') {
      throw notFound(`No such file: ${apiPath}`);
    }
    if (found.stat.isDirectory()) {
      throw conflict('not_a_file', `${apiPath} is a folder.`);
    }
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.abs(segments), 'r');
    } catch (err) {
      throw fsError(err, apiPath);
    }
    let streaming = false;
    try {
      // Describe the very file we opened: a concurrent replace swaps the name, not our handle.
      const stat = await handle.stat({ bigint: true });
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

  async upload(
    segments: readonly string[],
    req: Request,
    res: Response,
    limits: number | UploadOptions,
  ): Promise<void> {
    const { maxBytes, idleTimeoutMs = DEFAULT_UPLOAD_IDLE_TIMEOUT_MS } =
      typeof limits === 'number' ? { maxBytes: limits } : limits;
    const apiPath = toApiPath(segments);
    if (segments.length === 0) {
      throw conflict('not_a_file', 'The root is a folder.');
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) {
      res.set('Connection', 'close');
      throw new HttpError(413, 'too_large', `Files are limited to ${maxBytes} bytes.`);
    }
    // Early refusal, before reading the body; checked again under the lock below.
    this.checkWritable(segments, await this.lookup(segments), req);
    const target = this.abs(segments);
    const parent = path.dirname(target);
    try {
      await fsp.mkdir(parent, { recursive: true });
    } catch (err) {
      throw fsError(err, apiPath);
    }
    const temp = path.join(parent, TEMP_PREFIX + randomBytes(12).toString('hex'));
    let committed = false;
    let result: { created: boolean; entry: Entry };
    try {
      // Outside the lock: racing uploads stream in parallel, each into its own temp file.
      await receiveBody(req, temp, maxBytes, idleTimeoutMs);
      // The commit is one step per path: no other upload of this path can run between the
      // precondition check and the rename, so of several writers holding one ETag one wins.
      result = await this.locks.run(target, async () => {
        const now = await this.lookup(segments);
        this.checkWritable(segments, now, req);
        if (req.headers['if-none-match']?.trim() === '*') {
          // Create-only: link() also fails atomically if something outside the lock
          // (a move) created the file meanwhile.
          try {
            await fsp.link(temp, target);
          } catch (err) {
            throw isErrno(err, 'EEXIST')
              ? new HttpError(412, 'precondition_failed', `${apiPath} already exists.`)
              : err;
          }
        } else {
          await fsp.rename(temp, target);
          committed = true;
        }
        await syncDir(parent);
        // Describe our file while no other upload can replace it.
        return { created: now.kind !== 'exists', entry: entryOf(segments, await fsp.lstat(target, { bigint: true })) };
      });
    } catch (err) {
      if (err instanceof HttpError && (err.status === 413 || err.status === 408)) {
        res.set('Connection', 'close');
      }
      throw fsError(err, apiPath);
    } finally {
      if (!committed) {
        await fsp.rm(temp, { force: true }).catch(() => undefined);
      }
    }
    res.status(result.created ? 201 : 200).json(result.entry);
  }

  private checkWritable(segments: readonly string[], found: Lookup, req: Request): void {
    const apiPath = toApiPath(segments);
    if (found.kind === 'parentIsFile') {
      throw conflict(
        'not_a_folder',
        `${toApiPath(segments.slice(0, found.index + 1))} is a file, so it cannot hold ${apiPath}.`,
      );
    }
    if (found.kind === 'exists' && found.stat.isDirectory()) {
      throw conflict('not_a_file', `${apiPath} is a folder.`);
    }
    const ifMatch = req.headers['if-match'];
    const ifNoneMatch = req.headers['if-none-match'];
    const current = found.kind === 'exists' ? etagOf(found.stat) : undefined;
    if (ifMatch !== undefined) {
      const wanted = ifMatch.split(',').map((s) => s.trim());
      if (current === undefined || !(wanted.includes('*') || wanted.includes(current))) {
        throw new HttpError(
          412,
          'precondition_failed',
          `${apiPath} does not match If-Match (it changed or does not exist).`,
        );
      }
    }
    if (ifNoneMatch !== undefined && current !== undefined) {
      const unwanted = ifNoneMatch.split(',').map((s) => s.trim());
      if (unwanted.includes('*') || unwanted.includes(current)) {
        throw new HttpError(412, 'precondition_failed', `${apiPath} already exists.`);
      }
    }
  }

  async remove(segments: readonly string[], recursive: boolean): Promise<void> {
    const apiPath = toApiPath(segments);
    if (segments.length === 0) {
      throw new HttpError(400, 'invalid_path', 'The root folder cannot be deleted.');
    }
    const found = await this.lookup(segments);
    if (found.kind !== 'exists') {
      throw notFound(`No such file or folder: ${apiPath}`);
    }
    const target = this.abs(segments);
    try {
      if (found.stat.isDirectory()) {
        if (recursive) {
          await fsp.rm(target, { recursive: true });
        } else {
          await fsp.rmdir(target);
        }
      } else {
        await fsp.unlink(target);
      }
    } catch (err) {
      throw fsError(err, apiPath);
    }
  }

  async move(from: readonly string[], to: readonly string[], overwrite: boolean): Promise<Entry> {
    const fromPath = toApiPath(from);
    const toPath = toApiPath(to);
    if (from.length === 0) {
      throw new HttpError(400, 'invalid_path', 'The root folder cannot be moved.');
    }
    if (to.length === 0) {
      throw conflict('already_exists', 'The root folder already exists.');
    }
    const source = await this.lookup(from);
    if (source.kind !== 'exists') {
      throw notFound(`No such file or folder: ${fromPath}`);
    }
    if (fromPath === toPath) {
      return entryOf(to, source.stat);
    }
    if (to.length > from.length && from.every((s, i) => to[i] === s)) {
      throw new HttpError(400, 'invalid_path', `Cannot move ${fromPath} into itself.`);
    }
    const dest = await this.lookup(to);
    if (dest.kind === 'parentIsFile') {
      throw conflict('not_a_folder', `${toApiPath(to.slice(0, dest.index + 1))} is a file.`);
    }
    try {
      if (dest.kind === 'exists') {
        if (!overwrite) {
          throw conflict('already_exists', `${toPath} already exists.`);
        }
        if (dest.stat.isDirectory()) {
          await fsp.rmdir(this.abs(to)); // only an empty folder is replaced
        } else {
          await fsp.unlink(this.abs(to));
        }
      }
      await fsp.mkdir(this.abs(to.slice(0, -1)), { recursive: true });
      await fsp.rename(this.abs(from), this.abs(to));
    } catch (err) {
      throw err instanceof HttpError ? err : fsError(err, toPath);
    }
    return this.entry(to);
  }
}

interface SortKey {
  readonly rank: number;
  readonly name: string;
  readonly bytes?: Buffer;
}

function compareKeys(a: SortKey, b: SortKey): number {
  return (
    a.rank - b.rank || Buffer.compare(a.bytes ?? Buffer.from(a.name, 'utf8'), b.bytes ?? Buffer.from(b.name, 'utf8'))
  );
}

/** The cursor is the sort key of the last entry sent; opaque to clients, stable under changes. */
function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify([key.rank, key.name]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): SortKey {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (value[0] === 0 || value[0] === 1) &&
      typeof value[1] === 'string'
    ) {
      return { rank: value[0], name: value[1] };
    }
  } catch {
    // fall through
  }
  throw new HttpError(400, 'invalid_request', 'The cursor is not valid.');
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

async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await handle.close();
  }
}
