import { randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { HttpError, conflict, notFound } from './errors';
import { FolderOrders, type SortKey, indexAfter, sortKey } from './folderOrder';
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
 * - Listings sort folders first, then by name in UTF-8 byte order (= Unicode code point order); the
 *   order is kept while the folder does not change (folderOrder.ts), each page's entries are read fresh.
 * - Writes stream into `<dir>/.gitshare-upload-<random>` (same folder, so the rename is atomic),
 *   are fsynced, then renamed over the target; the temp file is removed on every failure path.
 *   Bodies stream in parallel, each into its own temp file; only the commit step (lookup → If-Match /
 *   If-None-Match → link/rename → fsync of the folder) is serialized per target path, so of several
 *   uploads racing with the same ETag exactly one wins.
 *
 * Nothing here knows HTTP requests: fileBodies.ts streams request bodies in and files out, api.ts
 * routes the rest.
 */

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
/** The same for the folders' listing order. */
const processOrders = new FolderOrders();
/** What a write must meet: HTTP's If-Match / If-None-Match (ETags or `*`) and the size limit. */
export interface WriteConditions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
  /** The size announced before the content (Content-Length), when there is one. */
  readonly declaredBytes?: number;
  readonly maxBytes: number;
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
    private readonly orders: FolderOrders = processOrders,
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
    const statAt = Date.now();
    const found = await this.lookup(segments);
    if (found.kind !== 'exists') {
      throw notFound(`No such folder: ${toApiPath(segments)}`);
    }
    if (!found.stat.isDirectory()) {
      throw conflict('not_a_folder', `${toApiPath(segments)} is a file, not a folder.`);
    }
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const keys = await this.orders.of(this.abs(segments), found.stat, statAt);
    const start = after === undefined ? 0 : indexAfter(keys, after);
    const page = keys.slice(start, start + limit);
    // One lstat per entry of the page, all at once: one after another they were most of a page's time.
    const stats = await Promise.all(
      page.map((key) =>
        fsp.lstat(this.abs([...segments, key.name]), { bigint: true }).catch((err: unknown) => {
          if (isErrno(err, 'ENOENT')) {
            return undefined;
          }
          throw err;
        }),
      ),
    );
    const entries: Entry[] = [];
    page.forEach((key, i) => {
      const stat = stats[i];
      if (stat && (stat.isDirectory() || stat.isFile())) {
        entries.push(entryOf([...segments, key.name], stat));
      }
    });
    const last = page[page.length - 1];
    const more = start + limit < keys.length;
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
  /**
   * Opens a file for reading and describes the very file opened: a concurrent replace swaps the
   * name, not this descriptor, so what is sent never mixes versions. The caller closes the handle.
   */
  async openFile(
    segments: readonly string[],
  ): Promise<{ readonly handle: fsp.FileHandle; readonly stat: BigIntStats }> {
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
    try {
      return { handle, stat: await handle.stat({ bigint: true }) };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /**
   * Writes a file: `receive` fills a new temporary file beside the target with the content (the
   * body streams outside the lock, so racing uploads stream in parallel), then the commit step
   * (lookup → preconditions → link/rename → fsync of the folder) runs one at a time per path.
   * Preconditions are checked before anything is received and again at the commit. The temporary
   * file is removed on every failure path.
   */
  async write(
    segments: readonly string[],
    conditions: WriteConditions,
    receive: (tempFile: string) => Promise<void>,
  ): Promise<{ readonly created: boolean; readonly entry: Entry }> {
    const apiPath = toApiPath(segments);
    if (segments.length === 0) {
      throw conflict('not_a_file', 'The root is a folder.');
    }
    if (conditions.declaredBytes !== undefined && conditions.declaredBytes > conditions.maxBytes) {
      throw new HttpError(413, 'too_large', `Files are limited to ${conditions.maxBytes} bytes.`);
    }
    // Early refusal, before reading the body; checked again under the lock below.
    this.checkWritable(segments, await this.lookup(segments), conditions);
    const target = this.abs(segments);
    const parent = path.dirname(target);
    try {
      await fsp.mkdir(parent, { recursive: true });
    } catch (err) {
      throw fsError(err, apiPath);
    }
    const temp = path.join(parent, TEMP_PREFIX + randomBytes(12).toString('hex'));
    let committed = false;
    try {
      await receive(temp);
      // The commit is one step per path: no other upload of this path can run between the
      // precondition check and the rename, so of several writers holding one ETag one wins.
      return await this.locks.run(target, async () => {
        const now = await this.lookup(segments);
        this.checkWritable(segments, now, conditions);
        if (conditions.ifNoneMatch?.trim() === '*') {
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
      throw fsError(err, apiPath);
    } finally {
      if (!committed) {
        await fsp.rm(temp, { force: true }).catch(() => undefined);
      }
    }
  }

  private checkWritable(segments: readonly string[], found: Lookup, conditions: WriteConditions): void {
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
    const { ifMatch, ifNoneMatch } = conditions;
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
      return sortKey(value[0], value[1]);
    }
  } catch {
    // fall through
  }
  throw new HttpError(400, 'invalid_request', 'The cursor is not valid.');
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
