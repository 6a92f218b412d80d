/**
 * The local side of transfers in the web worker host: the workspace's file system through
 * `vscode.workspace.fs` (in code-server the machine code-server runs on, reached through the
 * window; in vscode.dev whatever file systems are open). A location is a URI string.
 *
 * Honest limits: `workspace.fs` reads and writes files whole, and the browser sends a request
 * body whole, so a file passes through the worker's memory in one piece. A file over
 * `maxFileBytes` is refused before a byte of it is read (transfers/plan.ts), instead of taking
 * the worker down. The number is not measured yet (docs/performance.md says what is missing).
 */
import * as vscode from 'vscode';
import type { UploadSource } from '../api/client';
import { alreadyExistsLocally, type DownloadSink } from '../api/download';
import { randomHex, concatBytes } from '../common/bytes';
import { FS_SCHEME } from '../common/constants';
import { tooLargeHere, type LocalEntry, type LocalFiles, type LocalUri } from '../transfers/localFiles';
import { leavesDestination } from '../transfers/localPaths';
import { WholeBody } from './transport';

/**
 * The largest file moved through the browser in one piece: a first estimate, not a measurement
 * (docs/performance.md, "The browser's web worker host"); replace it from the bench's run.
 */
export const BROWSER_MAX_FILE_BYTES = 256 * 1024 * 1024;

export function browserLocalFiles(maxFileBytes = BROWSER_MAX_FILE_BYTES): LocalFiles {
  const uri = (location: string) => vscode.Uri.parse(location, true);
  return {
    // Names follow the rules every system shares; the workspace's file system refuses what its
    // own system does not take, and the summary says so file by file.
    platform: 'web',
    maxFileBytes,

    // Any file system of the window (text documents of other schemes are none), except GitShare.
    locationOf: (candidate: LocalUri) =>
      candidate.scheme !== FS_SCHEME && vscode.workspace.fs.isWritableFileSystem(candidate.scheme) !== undefined
        ? candidate.toString()
        : undefined,
    name: (location) => baseName(uri(location).path),
    join: (folder, name) => vscode.Uri.joinPath(uri(folder), name).toString(),
    parent: (location) => {
      const u = uri(location);
      return u.with({ path: parentPath(u.path) }).toString();
    },
    below(root, segments) {
      const base = uri(root);
      const target = vscode.Uri.joinPath(base, ...segments);
      const prefix = base.path.endsWith('/') ? base.path : `${base.path}/`;
      if (
        target.scheme !== base.scheme ||
        target.authority !== base.authority ||
        !target.path.startsWith(prefix) ||
        target.path.length === prefix.length
      ) {
        throw leavesDestination(root, segments);
      }
      return target.toString();
    },

    async stat(location, followLink): Promise<LocalEntry> {
      const stat = await vscode.workspace.fs.stat(uri(location));
      const kind =
        !followLink && stat.type & vscode.FileType.SymbolicLink
          ? 'link'
          : stat.type & vscode.FileType.Directory
            ? 'folder'
            : stat.type & vscode.FileType.File
              ? 'file'
              : 'other';
      return { kind, size: stat.size };
    },
    list: async (folder) => (await vscode.workspace.fs.readDirectory(uri(folder))).map(([name]) => name),
    exists: (location) =>
      Promise.resolve(vscode.workspace.fs.stat(uri(location))).then(
        () => true,
        () => false,
      ),
    createFolder: async (location) => void (await vscode.workspace.fs.createDirectory(uri(location))),

    async uploadSource(location): Promise<UploadSource> {
      const file = uri(location);
      const { size } = await vscode.workspace.fs.stat(file);
      if (size > maxFileBytes) {
        throw tooLargeHere(baseName(file.path), size, maxFileBytes);
      }
      return {
        size,
        open: async (onBytes) => new WholeBody(await vscode.workspace.fs.readFile(file), onBytes),
      };
    },

    downloadSink: (destination) => new MemorySink(uri(destination), maxFileBytes),
  };
}

/**
 * A download held in memory (the body still arrives chunk by chunk, with progress), written whole
 * to a temporary file beside the destination and renamed into place: never a half file. A broken
 * connection starts the file over rather than resuming, since `If-Range` is not among the headers
 * a GitShare must allow a browser (contract section 4).
 */
class MemorySink implements DownloadSink {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private temp: vscode.Uri | undefined;

  constructor(
    private readonly destination: vscode.Uri,
    private readonly maxBytes: number,
  ) {}

  async write(body: AsyncIterable<Uint8Array>, _append: boolean, total: number | undefined): Promise<void> {
    this.release();
    const name = baseName(this.destination.path);
    if (total !== undefined && total > this.maxBytes) {
      throw tooLargeHere(name, total, this.maxBytes);
    }
    try {
      for await (const chunk of body) {
        this.size += chunk.byteLength;
        if (this.size > this.maxBytes) {
          throw tooLargeHere(name, this.size, this.maxBytes);
        }
        this.chunks.push(chunk);
      }
    } catch (error) {
      this.release();
      throw error;
    }
  }

  async written(): Promise<number> {
    return this.size;
  }

  async commit(overwrite: boolean): Promise<void> {
    const data = concatBytes(this.chunks);
    this.release();
    const folder = this.destination.with({ path: parentPath(this.destination.path) });
    this.temp = vscode.Uri.joinPath(folder, `.${baseName(this.destination.path)}.${randomHex(4)}.gitshare-part`);
    await vscode.workspace.fs.writeFile(this.temp, data);
    try {
      await vscode.workspace.fs.rename(this.temp, this.destination, { overwrite });
      this.temp = undefined;
    } catch (error) {
      if (error instanceof vscode.FileSystemError && error.code === 'FileExists') {
        throw alreadyExistsLocally(baseName(this.destination.path), this.destination.toString());
      }
      throw error;
    }
  }

  async dispose(): Promise<void> {
    this.release();
    if (this.temp) {
      await Promise.resolve(vscode.workspace.fs.delete(this.temp)).catch(() => undefined);
      this.temp = undefined;
    }
  }

  private release(): void {
    this.chunks = [];
    this.size = 0;
  }
}

function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function parentPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  return slash <= 0 ? '/' : trimmed.slice(0, slash);
}
