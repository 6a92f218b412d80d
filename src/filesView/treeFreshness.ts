/**
 * The Files view stays current: while it is visible, the folders it shows
 * expanded are re-listed every `gitshare.watch.interval` seconds and at once
 * when the window regains focus or the view is shown again. Only folders whose
 * listing changed are redrawn, so selection and expansion stay as they are.
 */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import type { GitShareAccount } from '../common/accounts';
import { toGitShareError } from '../common/errors';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import type { Poller } from '../common/poller';
import { createWindowPoller } from '../workbench/windowPoller';
import { DEFAULT_PAGE_SIZE, FolderCache } from './folderCache';
import type { RemoteFilesTreeProvider } from './filesTree';
import { relistIfChanged } from './folderFreshness';
import type { FilesNode } from './nodes';

/** At most this many expanded folders are re-listed per round. */
const MAX_FOLDERS = 50;
const CONCURRENCY = 4;

export class TreeFreshness extends Disposable {
  private readonly poller: Poller;
  /** Expanded folders by key; account roots count as expanded unless collapsed. */
  private readonly expanded = new Map<string, { account: GitShareAccount; path: string }>();
  private readonly collapsedRoots = new Set<string>();

  constructor(
    private readonly clients: GitShareClients,
    private readonly tree: RemoteFilesTreeProvider,
    private readonly view: vscode.TreeView<FilesNode>,
    private readonly logger: Logger,
  ) {
    super();
    this.poller = createWindowPoller(
      () => this.round(),
      (disposable) => this._register(disposable),
    );
    this._register(view.onDidExpandElement(({ element }) => this.setExpanded(element, true)));
    this._register(view.onDidCollapseElement(({ element }) => this.setExpanded(element, false)));
    this._register(
      view.onDidChangeVisibility(({ visible }) => {
        if (visible && this.poller.schedule.enabled) {
          void this.poller.now();
        }
      }),
    );
    this.poller.start();
  }

  private setExpanded(node: FilesNode, expanded: boolean): void {
    if (node.kind !== 'account' && !(node.kind === 'entry' && node.isFolder)) {
      return;
    }
    const key = FolderCache.key(node.account.id, node.path);
    if (node.path === '/') {
      if (expanded) {
        this.collapsedRoots.delete(node.account.id);
      } else {
        this.collapsedRoots.add(node.account.id);
      }
      return;
    }
    if (expanded) {
      this.expanded.delete(key);
      this.expanded.set(key, { account: node.account, path: node.path });
    } else {
      this.expanded.delete(key);
    }
  }

  /** The folders to check: every account's root, then the folders expanded last. */
  private folders(): { account: GitShareAccount; path: string }[] {
    const accounts = this.clients.accounts;
    const live = new Set(accounts.map((a) => a.id));
    for (const [key, folder] of [...this.expanded]) {
      if (!live.has(folder.account.id) || !accounts.includes(folder.account)) {
        this.expanded.delete(key);
      }
    }
    const roots = accounts.filter((a) => !this.collapsedRoots.has(a.id)).map((account) => ({ account, path: '/' }));
    return [...roots, ...[...this.expanded.values()].reverse()].slice(0, MAX_FOLDERS);
  }

  private async round(): Promise<boolean> {
    if (!this.view.visible) {
      return true; // Checked when the view is shown again.
    }
    const folders = this.folders().filter((f) => this.tree.loadedFolder(f.account, f.path));
    let reached = 0;
    let failed = 0;
    let next = 0;
    const work = async () => {
      while (next < folders.length) {
        const { account, path } = folders[next++];
        const shown = this.tree.loadedFolder(account, path);
        if (!shown) {
          continue;
        }
        try {
          const fresh = await relistIfChanged(this.clients.forAccount(account), path, shown, DEFAULT_PAGE_SIZE);
          reached++;
          // Only if nothing replaced the listing meanwhile (a Refresh, an upload).
          if (fresh && this.tree.loadedFolder(account, path) === shown) {
            this.logger.debug(`${path} changed on GitShare; updating the view`);
            this.tree.updateFolder(account, path, fresh);
          }
        } catch (error) {
          const e = toGitShareError(error);
          if (e.kind === 'notFound' || e.kind === 'conflict') {
            reached++; // Gone or no longer a folder: its parent's listing shows that.
          } else if (e.kind !== 'signInRequired') {
            failed++;
            this.logger.debug(`Checking ${path} for changes failed: ${e.kind}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, folders.length) }, work));
    return reached > 0 || failed === 0;
  }
}
