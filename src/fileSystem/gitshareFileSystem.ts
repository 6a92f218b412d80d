/**
 * The `gitshare:` file system: `gitshare://<account authority>/<path>`.
 * Editors open, edit and save remote files through it. HTTP outcomes map to
 * FileSystemErrors; create/overwrite are honoured exactly; saves send
 * `If-Match` with the ETag last read, and a file that changed on GitShare
 * meanwhile is never overwritten without asking.
 *
 * One question per save conflict. VS Code has a check of its own before it
 * calls `writeFile`: when the `stat` at save time shows a newer mtime AND a
 * different size than the `stat` it got when it read the file, it rejects the
 * save with "The content of the file is newer" [Compare | Overwrite] (no
 * Cancel), and after Overwrite our If-Match check would ask again. So `stat`
 * reports, for a file whose version on GitShare is no longer the one the
 * editor read, the size the editor read (the mtime stays true): VS Code's check
 * stays quiet and the server's 412 decides, with our question (Compare,
 * Overwrite, Cancel). Nothing can be overwritten silently by this: the write
 * still carries If-Match.
 */

import * as vscode from 'vscode';
import type { GitShareClient, WritePrecondition } from '../api/client';
import type { GitShareClients } from '../api/clients';
import { baseName, parentPath, isValidName } from '../api/paths';
import type { Entry } from '../api/types';
import { GitShareError, toGitShareError } from '../common/errors';
import type { Logger } from '../common/logger';
import { notificationText } from '../common/untrustedText';
import { listDirectory } from './directoryListing';
import { sameEtag } from './remoteWatcher';
import { parseRemoteUri } from './uris';

import type { SaveConflictChoice } from '../workbench/interaction';

export interface SaveConflictResolver {
  resolve(uri: vscode.Uri): Promise<SaveConflictChoice>;
  /** Shows `remote` (the bytes on GitShare now) against the editor of `uri`. */
  showCompare(uri: vscode.Uri, remote: Uint8Array): Promise<void>;
}

/** What the editor of a URI holds: the version it read or saved last. */
interface KnownVersion {
  /** The ETag of that version. */
  readonly etag: string;
  /** Its size in bytes, as `stat` reported it when the editor read it. */
  readonly size: number;
  /**
   * What the next save may replace (If-Match): `etag`, or, after Compare, the
   * version on GitShare the person was shown.
   */
  base: string;
}

/**
 * How long an entry learned without asking for it answers `stat`: opening a file makes VS Code
 * stat it several times around the read, and each would be a round trip.
 */
export const FRESH_MS = 5_000;

export class GitShareFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly _onDidChangeFile = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this._onDidChangeFile.event;

  /** Per URI: the version the editor holds, and what a save may replace. */
  private readonly known = new Map<string, KnownVersion>();
  /** Per URI: an entry learned a moment ago (the Files view's at a click, a listing, a read, a save, a stat). */
  private readonly fresh = new Map<string, { readonly entry: Entry; readonly at: number }>();
  /** Per URI: the entry request out now, which stats arriving meanwhile share. */
  private readonly lookingUp = new Map<string, Promise<Entry>>();
  private buffered: vscode.FileChangeEvent[] = [];
  private fireTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clients: GitShareClients,
    private readonly logger: Logger,
    private readonly conflicts: SaveConflictResolver,
  ) {}

  private watcher: { watch(uri: vscode.Uri): vscode.Disposable } | undefined;

  /** Who answers `watch()`: the polling watcher (remoteWatchService.ts), wired by extension.ts. */
  useWatcher(watcher: { watch(uri: vscode.Uri): vscode.Disposable }): void {
    this.watcher = watcher;
  }

  watch(uri: vscode.Uri): vscode.Disposable {
    // The server has no change feed: the watcher polls; our own changes are reported as they happen.
    return this.watcher?.watch(uri) ?? new vscode.Disposable(() => undefined);
  }

  /** The ETag of the bytes an editor holds of `uri` (last read or saved), when known. */
  knownEtag(uri: vscode.Uri): string | undefined {
    return this.known.get(uri.toString())?.etag;
  }

  /** An entry the caller has just been told by GitShare (the Files view's, at the click that opens it). */
  learn(uri: vscode.Uri, entry: Entry): void {
    this.fresh.set(uri.toString(), { entry, at: Date.now() });
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.run(uri, async (client, path) => {
      const fresh = this.fresh.get(uri.toString());
      const known = this.known.get(uri.toString());
      let entry: Entry;
      if (fresh && (Date.now() - fresh.at < FRESH_MS || isHeldAndEdited(uri, fresh.entry, known))) {
        entry = fresh.entry;
      } else {
        entry = await this.lookUp(uri, client, path);
      }
      const stat = toFileStat(entry);
      // Only for an editor with unsaved changes (a save is what this is for): a clean editor
      // that reloads (the watcher saw a change) must record the true size, or its next save
      // would meet VS Code's own check after all.
      if (entry.type === 'file' && known && entry.etag !== known.etag && isDirtyInEditor(uri)) {
        // Changed on GitShare since the editor read it: see the comment at the top.
        return { ...stat, size: known.size };
      }
      return stat;
    });
  }

  /** One request for the stats that come together: VS Code stats a file more than once as it opens it. */
  private lookUp(uri: vscode.Uri, client: GitShareClient, path: string): Promise<Entry> {
    const key = uri.toString();
    let pending = this.lookingUp.get(key);
    if (!pending) {
      // Only this promise's end removes the key, and a new one is set only when none is there.
      pending = client
        .entry(path)
        .then((entry) => {
          this.learn(uri, entry);
          return entry;
        })
        .finally(() => this.lookingUp.delete(key));
      this.lookingUp.set(key, pending);
    }
    return pending;
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.run(uri, async (client, path) => {
      const result: [string, vscode.FileType][] = [];
      for (const entry of await listDirectory(client, path)) {
        // A name the contract forbids would make a URI that points elsewhere.
        if (!isValidName(entry.name)) {
          this.logger.warn(`Skipping an entry with an invalid name in ${path}: ${JSON.stringify(entry.name)}`);
          continue;
        }
        // The Explorer stats what it lists: the listing already answered.
        this.learn(uri.with({ path: entry.path }), entry);
        result.push([entry.name, entry.type === 'dir' ? vscode.FileType.Directory : vscode.FileType.File]);
      }
      return result;
    });
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.run(uri, async (client, path) => {
      const { data, etag } = await client.readFile(path);
      const fresh = this.fresh.get(uri.toString())?.entry;
      const current = fresh !== undefined && sameEtag(fresh.etag, etag);
      this.remember(uri, etag, data.byteLength);
      if (current) {
        // VS Code stats again right after the read.
        this.learn(uri, fresh);
      } else if (fresh) {
        // Changed since that entry was learned (the Files view had not caught up): the editor
        // and the view look again, and the next stat asks GitShare.
        this.fireSoon({ type: vscode.FileChangeType.Changed, uri });
      }
      return data;
    });
  }

  async writeFile(
    uri: vscode.Uri,
    content: Uint8Array,
    options: { readonly create: boolean; readonly overwrite: boolean },
  ): Promise<void> {
    return this.run(uri, async (client, path) => {
      const known = this.known.get(uri.toString())?.base;
      let precondition: WritePrecondition;
      if (!options.overwrite && !options.create) {
        // Neither may happen: the only answers are "exists" and "not found".
        throw (await client.tryEntry(path)) ? fsError('FileExists', uri) : fsError('FileNotFound', uri);
      } else if (!options.overwrite) {
        // Create only: never replace, decided by the server atomically.
        precondition = { ifNoneMatch: '*' };
      } else if (known) {
        precondition = { ifMatch: known };
      } else {
        const existing = await client.tryEntry(path);
        if (!existing && !options.create) {
          throw fsError('FileNotFound', uri);
        }
        if (existing?.type === 'dir') {
          throw fsError('FileIsADirectory', uri);
        }
        precondition = existing ? { ifMatch: existing.etag } : { ifNoneMatch: '*' };
      }
      let entry: Entry;
      try {
        entry = await client.writeFile(path, content, precondition);
      } catch (error) {
        if (
          !(error instanceof GitShareError && error.kind === 'preconditionFailed') ||
          !precondition ||
          !('ifMatch' in precondition)
        ) {
          throw error;
        }
        entry = await this.resolveSaveConflict(uri, client, path, content);
      }
      this.remember(uri, entry.etag, entry.size);
      this.fireSoon({
        type:
          precondition && 'ifNoneMatch' in precondition ? vscode.FileChangeType.Created : vscode.FileChangeType.Changed,
        uri,
      });
      // VS Code stats the file after the write: the PUT's answer is that entry.
      this.learn(uri, entry);
    });
  }

  async createDirectory(uri: vscode.Uri): Promise<void> {
    return this.run(uri, async (client, path) => {
      await client.createFolder(path);
      this.fireSoon(
        { type: vscode.FileChangeType.Created, uri },
        { type: vscode.FileChangeType.Changed, uri: parentUri(uri) },
      );
    });
  }

  async delete(uri: vscode.Uri, options: { readonly recursive: boolean }): Promise<void> {
    return this.run(uri, async (client, path) => {
      await client.delete(path, { recursive: options.recursive });
      this.forget(uri);
      this.fireSoon(
        { type: vscode.FileChangeType.Deleted, uri },
        { type: vscode.FileChangeType.Changed, uri: parentUri(uri) },
      );
    });
  }

  async rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { readonly overwrite: boolean }): Promise<void> {
    if (oldUri.authority !== newUri.authority) {
      throw fsError('NoPermissions', vscode.l10n.t('Moving between GitShare accounts is not supported.'));
    }
    return this.run(oldUri, async (client, from) => {
      const to = parseRemoteUri(newUri).path;
      const entry = await client.move(from, to, { overwrite: options.overwrite });
      this.forget(oldUri);
      this.remember(newUri, entry.type === 'file' ? entry.etag : undefined, entry.size);
      this.fireSoon(
        { type: vscode.FileChangeType.Deleted, uri: oldUri },
        { type: vscode.FileChangeType.Created, uri: newUri },
      );
    });
  }

  /** Tells editors and the tree that something changed outside this provider (an upload, say). */
  notifyChanged(uri: vscode.Uri, type: vscode.FileChangeType = vscode.FileChangeType.Changed): void {
    if (type === vscode.FileChangeType.Deleted) {
      this.forget(uri);
    }
    this.fireSoon({ type, uri });
  }

  private async resolveSaveConflict(
    uri: vscode.Uri,
    client: GitShareClient,
    path: string,
    content: Uint8Array,
  ): Promise<Entry> {
    this.logger.info(`Save of ${path} met a newer version on GitShare; asking`);
    const choice = await this.conflicts.resolve(uri);
    if (choice === 'overwrite') {
      this.logger.info(`Overwriting ${path} on GitShare at the person's request`);
      return client.writeFile(path, content, undefined);
    }
    if (choice === 'compare') {
      // The version shown on the left is the one the next save may replace: saving from the
      // compare view does what it says. If GitShare changes again meanwhile, that save asks again.
      const remote = await client.readFile(path);
      const known = this.known.get(uri.toString());
      if (known && remote.etag) {
        known.base = remote.etag;
      }
      await this.conflicts.showCompare(uri, remote.data);
      throw fsError(
        'FileExists',
        vscode.l10n.t(
          '{0}: Not saved yet: compare it with the version on GitShare, then save again to replace that version.',
          baseName(path),
        ),
      );
    }
    // Cancel leaves the editor dirty and GitShare's version as it is; the next save asks again.
    throw fsError(
      'FileExists',
      vscode.l10n.t('{0}: Not saved: the file changed on GitShare since you opened it.', baseName(path)),
    );
  }

  private async run<T>(uri: vscode.Uri, action: (client: GitShareClient, path: string) => Promise<T>): Promise<T> {
    try {
      const { path } = parseRemoteUri(uri);
      const { client } = await this.clients.forAuthorityWhenRestored(uri.authority);
      return await action(client, path);
    } catch (error) {
      if (error instanceof vscode.FileSystemError) {
        throw error;
      }
      throw toFileSystemError(error, uri, this.logger);
    }
  }

  private remember(uri: vscode.Uri, etag: string | undefined, size: number): void {
    if (etag) {
      this.known.set(uri.toString(), { etag, size, base: etag });
    } else {
      this.known.delete(uri.toString());
    }
  }

  private forget(uri: vscode.Uri): void {
    const prefix = uri.toString();
    for (const key of [...this.known.keys()]) {
      if (key === prefix || key.startsWith(prefix + '/')) {
        this.known.delete(key);
      }
    }
    this.unlearn(uri);
  }

  /** Entries learned at and under `uri` no longer answer `stat`. */
  private unlearn(uri: vscode.Uri): void {
    const prefix = uri.toString();
    for (const key of [...this.fresh.keys()]) {
      if (key === prefix || key.startsWith(prefix + '/')) {
        this.fresh.delete(key);
      }
    }
  }

  /** Batches events: a folder upload fires one event per tick, not one per file. */
  private fireSoon(...events: vscode.FileChangeEvent[]): void {
    for (const { uri } of events) {
      this.unlearn(uri);
    }
    this.buffered.push(...events);
    clearTimeout(this.fireTimer);
    this.fireTimer = setTimeout(() => {
      const batch = this.buffered;
      this.buffered = [];
      this._onDidChangeFile.fire(batch);
    }, 5);
  }

  dispose(): void {
    clearTimeout(this.fireTimer);
    this._onDidChangeFile.dispose();
  }
}

/**
 * A save: VS Code stats the file before it writes it. For an editor with unsaved changes whose
 * version is the entry learned last, that entry answers, however old: the PUT's If-Match is what
 * finds a newer version on GitShare (and asks), so a round trip here would decide nothing.
 * A file the watcher saw deleted is forgotten, and asks again.
 */
function isHeldAndEdited(uri: vscode.Uri, entry: Entry, known: KnownVersion | undefined): boolean {
  return entry.type === 'file' && !!known && sameEtag(entry.etag, known.etag) && isDirtyInEditor(uri);
}

function isDirtyInEditor(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.workspace.textDocuments.some((document) => document.isDirty && document.uri.toString() === key);
}

function toFileStat(entry: Entry): vscode.FileStat {
  return {
    type: entry.type === 'dir' ? vscode.FileType.Directory : vscode.FileType.File,
    ctime: entry.mtime,
    mtime: entry.mtime,
    size: entry.size,
  };
}

function parentUri(uri: vscode.Uri): vscode.Uri {
  return uri.with({ path: parentPath(uri.path) });
}

type FileSystemErrorCode =
  'FileExists' | 'FileNotFound' | 'FileIsADirectory' | 'FileNotADirectory' | 'NoPermissions' | 'Unavailable';

/**
 * Every FileSystemError this provider throws. VS Code shows their messages in notifications (a
 * folder the Explorer cannot read, "Failed to save"), which turn `[label](command:…)` into a
 * link; the message holds names from GitShare (ours, or a URI's, which VS Code writes with
 * `toString(true)`: brackets and parentheses as they are), so it reads as text.
 */
function fsError(code: FileSystemErrorCode, what: vscode.Uri | string): vscode.FileSystemError {
  return vscode.FileSystemError[code](notificationText(typeof what === 'string' ? what : what.toString(true)));
}

/** The contract's outcomes as the editor understands them. */
function toFileSystemError(error: unknown, uri: vscode.Uri, logger?: Logger): vscode.FileSystemError {
  const e = toGitShareError(error);
  logger?.debug(`${uri.toString()}: ${e.kind}`, e);
  switch (e.kind) {
    case 'notFound':
      return fsError('FileNotFound', uri);
    case 'forbidden':
      return fsError('NoPermissions', uri);
    case 'conflict':
      if (e.code === 'not_a_file') {
        return fsError('FileIsADirectory', uri);
      }
      if (e.code === 'not_a_folder') {
        return fsError('FileNotADirectory', uri);
      }
      return fsError('FileExists', uri);
    case 'preconditionFailed':
      return fsError('FileExists', uri);
    case 'network':
    case 'timeout':
    case 'rateLimited':
    case 'server':
      return fsError('Unavailable', uri);
    case 'invalidInput':
      return fsError('NoPermissions', e.message);
    case 'signInRequired':
      return fsError('Unavailable', e.message);
    default:
      return fsError('Unavailable', e.message);
  }
}
