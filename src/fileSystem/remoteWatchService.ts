/**
 * Open editors follow GitShare: every `gitshare:` file open in an editor tab,
 * and everything VS Code asks the file system to `watch()`, is checked every
 * `gitshare.watch.interval` seconds (0 = off) with a metadata request. A change
 * fires `onDidChangeFile`, so VS Code reloads a clean editor and keeps a dirty
 * one (its save then meets VS Code's own "file is newer" Compare/Overwrite);
 * a file deleted on GitShare shows as deleted.
 *
 * Checks back off while the window is in the background and run at once when
 * it comes back (see common/poller.ts); a closed tab stops its checks.
 */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import { FS_SCHEME } from '../common/constants';
import { GitShareError } from '../common/errors';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import type { Poller } from '../common/poller';
import { createWindowPoller } from '../workbench/windowPoller';
import { RemoteWatcher, type RemoteChangeKind, type WatchTarget } from './remoteWatcher';
import { parseRemoteUri } from './uris';

/** The parts of the file system provider the watcher needs. */
export interface WatchedFileSystem {
  knownEtag(uri: vscode.Uri): string | undefined;
  notifyChanged(uri: vscode.Uri, type: vscode.FileChangeType): void;
}

export class RemoteWatchService extends Disposable {
  private readonly watcher: RemoteWatcher;
  private readonly poller: Poller;
  /** Watch handles of the files open in tabs, by URI. */
  private readonly tabWatches = new Map<string, { dispose(): void }>();

  constructor(
    private readonly clients: GitShareClients,
    private readonly fileSystem: WatchedFileSystem,
    private readonly logger: Logger,
  ) {
    super();
    this.watcher = new RemoteWatcher({
      stat: async (target, signal) => {
        const { client } = this.clients.forAuthority(target.authority);
        return client.tryEntry(target.path, signal);
      },
      knownEtag: (target) => this.fileSystem.knownEtag(toUri(target)),
      onChange: (target, kind) => this.report(target, kind),
      logger,
    });
    this.poller = createWindowPoller(
      () => this.watcher.check(),
      (disposable) => this._register(disposable),
    );
    this._register(vscode.window.tabGroups.onDidChangeTabs(() => this.syncTabs()));
    this._register(vscode.window.tabGroups.onDidChangeTabGroups(() => this.syncTabs()));
    this.syncTabs();
    this.poller.start();
  }

  /** The file system provider's `watch()`. */
  watch(uri: vscode.Uri): vscode.Disposable {
    const target = toTarget(uri);
    if (!target) {
      return new vscode.Disposable(() => undefined);
    }
    const handle = this.watcher.watch(target);
    return new vscode.Disposable(() => handle.dispose());
  }

  /** One round now (for tests and for focus regained). */
  checkNow(): Promise<void> {
    return this.poller.now();
  }

  private syncTabs(): void {
    const open = new Set<string>();
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        for (const uri of tabUris(tab.input)) {
          if (uri.scheme === FS_SCHEME) {
            open.add(uri.toString());
          }
        }
      }
    }
    for (const [key, handle] of [...this.tabWatches]) {
      if (!open.has(key)) {
        handle.dispose();
        this.tabWatches.delete(key);
      }
    }
    // No round for a new tab: VS Code reads the file to show it, and that read is the baseline the next
    // round compares with (a request now would cost every opened file a second round trip).
    for (const key of open) {
      if (!this.tabWatches.has(key)) {
        this.tabWatches.set(key, this.watch(vscode.Uri.parse(key)));
      }
    }
  }

  private report(target: WatchTarget, kind: RemoteChangeKind): void {
    const uri = toUri(target);
    this.logger.info(
      `${target.path} ${kind === 'changed' ? 'changed' : kind === 'deleted' ? 'was deleted' : 'appeared'} on GitShare`,
    );
    const type =
      kind === 'changed'
        ? vscode.FileChangeType.Changed
        : kind === 'deleted'
          ? vscode.FileChangeType.Deleted
          : vscode.FileChangeType.Created;
    this.fileSystem.notifyChanged(uri, type);
  }

  override dispose(): void {
    for (const handle of this.tabWatches.values()) {
      handle.dispose();
    }
    this.tabWatches.clear();
    this.watcher.dispose();
    super.dispose();
  }
}

function tabUris(input: unknown): vscode.Uri[] {
  if (
    input instanceof vscode.TabInputText ||
    input instanceof vscode.TabInputCustom ||
    input instanceof vscode.TabInputNotebook
  ) {
    return [input.uri];
  }
  if (input instanceof vscode.TabInputTextDiff || input instanceof vscode.TabInputNotebookDiff) {
    return [input.modified];
  }
  return [];
}

function toTarget(uri: vscode.Uri): WatchTarget | undefined {
  if (uri.scheme !== FS_SCHEME) {
    return undefined;
  }
  try {
    return { authority: uri.authority, path: parseRemoteUri(uri).path };
  } catch (error) {
    if (error instanceof GitShareError) {
      return undefined; // A path the contract forbids: nothing there to watch.
    }
    throw error;
  }
}

function toUri(target: WatchTarget): vscode.Uri {
  return vscode.Uri.from({ scheme: FS_SCHEME, authority: target.authority, path: target.path });
}
