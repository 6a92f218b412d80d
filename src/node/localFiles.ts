/**
 * The local side of transfers in the Node extension host: the disk through node:fs. Uploads
 * stream from the file; downloads stream into a temporary file beside the destination, renamed
 * into place only when whole. Paths follow this computer's rules (node:path), Windows included.
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { UploadSource } from '../api/client';
import { alreadyExistsLocally, type DownloadSink } from '../api/download';
import { randomHex } from '../common/bytes';
import type { LocalEntry, LocalFiles, LocalUri } from '../transfers/localFiles';
import { leavesDestination } from '../transfers/localPaths';
import { ActivityStream } from './activityStream';

/**
 * An upload reads its file 1 MiB at a time: each read is a round through Node's thread pool, and
 * 64 KiB reads cost about twice the CPU per MiB (bench: client CPU per MiB, upload).
 */
const UPLOAD_READ_BYTES = 1024 * 1024;
/**
 * ...and hands the socket 64 KiB at a time, as before: written in 1 MiB pieces, a server's early
 * answer (a 429 before reading the body) was lost to the broken pipe, and the upload not retried.
 */
const UPLOAD_WRITE_BYTES = 64 * 1024;
/** Buffer of the local file a download writes. */
const FILE_BUFFER_BYTES = 1024 * 1024;

export const nodeLocalFiles: LocalFiles = {
  platform: process.platform,
  maxFileBytes: undefined,

  locationOf: (uri: LocalUri) => (uri.scheme === 'file' ? uri.fsPath : undefined),
  name: (location) => nodePath.basename(location),
  join: (folder, name) => nodePath.join(folder, name),
  parent: (location) => nodePath.dirname(location),
  below(root, segments) {
    const resolvedRoot = nodePath.resolve(root);
    const target = nodePath.resolve(resolvedRoot, ...segments);
    const relative = nodePath.relative(resolvedRoot, target);
    if (relative === '' || relative.startsWith('..') || nodePath.isAbsolute(relative)) {
      throw leavesDestination(root, segments);
    }
    return target;
  },

  async stat(location, followLink): Promise<LocalEntry> {
    const stat = followLink ? await fsp.stat(location) : await fsp.lstat(location);
    const kind = stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'folder' : stat.isFile() ? 'file' : 'other';
    return { kind, size: stat.size };
  },
  list: (folder) => fsp.readdir(folder),
  exists: (location) =>
    fsp.lstat(location).then(
      () => true,
      () => false,
    ),
  createFolder: async (location) => void (await fsp.mkdir(location, { recursive: true })),

  async uploadSource(location): Promise<UploadSource> {
    const { size } = await fsp.stat(location);
    return {
      size,
      open: (onBytes) => {
        // No bigger than the file: a read buffer is allocated whole, and 1 MiB per 4 KiB file
        // kept the extension host's garbage collector busy through a folder of small files.
        const highWaterMark = Math.max(1, Math.min(size, UPLOAD_READ_BYTES));
        return fs
          .createReadStream(location, { highWaterMark })
          .pipe(new ActivityStream((chunk) => onBytes(chunk.length), UPLOAD_WRITE_BYTES));
      },
    };
  },

  downloadSink: (destination) => new TempFileSink(destination),
};

/** A temporary file next to the destination, renamed into place when whole. */
class TempFileSink implements DownloadSink {
  private readonly temp: string;

  constructor(private readonly destination: string) {
    this.temp = nodePath.join(
      nodePath.dirname(destination),
      `.${nodePath.basename(destination)}.${randomHex(4)}.gitshare-part`,
    );
  }

  async write(body: AsyncIterable<Uint8Array>, append: boolean, _total: number | undefined, signal?: AbortSignal) {
    // A large buffer keeps the body flowing while a write is on disk: fewer pauses, and
    // the chunks waiting meanwhile go down in one writev.
    const sink = fs.createWriteStream(this.temp, { flags: append ? 'a' : 'w', highWaterMark: FILE_BUFFER_BYTES });
    try {
      await pipeline(body, sink, { signal });
    } catch (error) {
      // What reached the disk is what a resume continues from: wait until it is all there.
      if (!sink.closed) {
        await once(sink, 'close').catch(() => undefined);
      }
      throw error;
    }
  }

  async written(): Promise<number> {
    return (await fsp.stat(this.temp).catch(() => undefined))?.size ?? 0;
  }

  /** Without `overwrite` an existing file is never replaced. */
  async commit(overwrite: boolean): Promise<void> {
    const { temp, destination } = this;
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
        throw alreadyExistsLocally(nodePath.basename(destination), destination);
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
        throw alreadyExistsLocally(nodePath.basename(destination), destination);
      }
      await fsp.rename(temp, destination);
    }
  }

  async dispose(): Promise<void> {
    await fsp.rm(this.temp, { force: true });
  }
}
