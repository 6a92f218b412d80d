/**
 * The local side of uploads and downloads, one adapter per extension host: the Node host's disk
 * (node/localFiles.ts: streams, a temporary file renamed into place), and in the browser the
 * workspace's file system through `vscode.workspace.fs` (browser/localFiles.ts). Planning, the
 * jobs and their questions are the same code for both; only this differs.
 *
 * A location is the adapter's own string: a file system path in the Node host, a URI in the
 * browser. The core never takes one apart; it asks the adapter to name, join and look.
 */
import * as l10n from '@vscode/l10n';
import type { UploadSource } from '../api/client';
import type { DownloadSink } from '../api/download';
import { GitShareError } from '../common/errors';
import { formatBytes } from '../common/format';

/** What a local location holds. */
export interface LocalEntry {
  readonly kind: 'file' | 'folder' | 'link' | 'other';
  readonly size: number;
}

/** The parts of a `vscode.Uri` an adapter reads (structural, so this module needs no VS Code). */
export interface LocalUri {
  readonly scheme: string;
  readonly fsPath: string;
  toString(): string;
}

export interface LocalFiles {
  /** Whose rules a local name follows (localPaths.ts): `win32` refuses what Windows refuses. */
  readonly platform: string;
  /**
   * The largest file moved in one piece, or undefined when files stream and size does not
   * matter. Bigger files are refused before any byte is read (plan.ts).
   */
  readonly maxFileBytes: number | undefined;

  /** The location of a URI the person chose, or undefined when this host cannot transfer it. */
  locationOf(uri: LocalUri): string | undefined;
  /** The last segment of a location. */
  name(location: string): string;
  /** `name` (already checked: localPaths.ts) inside `folder`. */
  join(folder: string, name: string): string;
  parent(location: string): string;
  /**
   * `segments` (each already checked) below `root`; throws when the result is not below it, a
   * second line of defence against names from the server.
   */
  below(root: string, segments: readonly string[]): string;

  /** What is there; `followLink`: what a symbolic link leads to, instead of the link. Rejects when nothing is. */
  stat(location: string, followLink: boolean): Promise<LocalEntry>;
  /** The names in a folder. */
  list(folder: string): Promise<string[]>;
  exists(location: string): Promise<boolean>;
  /** Creates the folder and its parents; an existing one is fine. */
  createFolder(location: string): Promise<void>;

  /** The file at `location`, ready to be sent. */
  uploadSource(location: string): Promise<UploadSource>;
  /** Where a download to `destination` writes until it is whole. */
  downloadSink(destination: string): DownloadSink;
}

/**
 * A file over the host's `maxFileBytes`, refused before a byte of it moves. Only the browser has
 * such a limit (browser/localFiles.ts), so the message says what to use instead.
 */
export function tooLargeHere(name: string, size: number, maxBytes: number): GitShareError {
  return new GitShareError(
    'tooLarge',
    l10n.t(
      '{0} is {1}: VS Code in the browser moves files of at most {2}. Use desktop VS Code for larger files.',
      name,
      formatBytes(size),
      formatBytes(maxBytes),
    ),
    { detail: `${name}: ${size} bytes, more than this host's ${maxBytes}`, code: 'too_large_here' },
  );
}
