/**
 * The Files tree: a TreeDataProvider over FolderCache. One signed-in account
 * shows its files at the top level; several show as several roots. Folders
 * load lazily, a page at a time, with a "Load more…" item for the rest.
 */

import * as vscode from 'vscode';
import { isValidPath, parentPath } from '../api/paths';
import type { GitShareClients } from '../api/clients';
import type { GitShareAccount } from '../common/accounts';
import { Commands } from '../common/constants';
import { toGitShareError } from '../common/errors';
import { visibleText } from '../common/untrustedText';
import type { Logger } from '../common/logger';
import { remoteUri } from '../fileSystem/uris';
import { formatBytes, formatDateTime } from '../common/format';
import { FolderCache, type FolderState } from './folderCache';
import { AccountNode, EntryNode, LoadMoreNode, MessageNode, type FilesNode, type FolderNode } from './nodes';
import { Disposable } from '../common/lifecycle';

export const ContextValues = {
  account: 'account',
  folder: 'folder',
  file: 'file',
  loadMore: 'loadMore',
  // eslint-disable-next-line gitshare/localized-text -- a contextValue id for `when` clauses, never shown
  message: 'message',
} as const;

export class FilesTreeItem extends vscode.TreeItem {
  constructor(readonly node: FilesNode) {
    super(FilesTreeItem.label(node), FilesTreeItem.collapsible(node));
    switch (node.kind) {
      case 'account':
        this.id = `account:${node.account.id}`;
        this.description = new URL(node.account.serverUrl).host;
        this.iconPath = new vscode.ThemeIcon('account');
        this.contextValue = ContextValues.account;
        this.resourceUri = remoteUri(node.account, '/');
        this.tooltip = vscode.l10n.t('{0} on {1}', visibleText(node.account.label), node.account.serverUrl);
        break;
      case 'entry': {
        const { entry, account } = node;
        this.id = `entry:${account.id}:${entry.path}`;
        this.resourceUri = remoteUri(account, entry.path);
        this.contextValue = node.isFolder ? ContextValues.folder : ContextValues.file;
        // The path comes from the server: appendText escapes it, no icons, no HTML, no command links.
        const tooltip = new vscode.MarkdownString();
        tooltip.isTrusted = false;
        tooltip.supportHtml = false;
        tooltip.appendText(visibleText(entry.path));
        tooltip.appendMarkdown('\n\n');
        if (!node.isFolder) {
          tooltip.appendText(vscode.l10n.t('Size: {0}', formatBytes(entry.size)));
          tooltip.appendMarkdown('  \n');
        }
        if (entry.mtime) {
          tooltip.appendText(vscode.l10n.t('Modified: {0}', formatDateTime(entry.mtime)));
        }
        this.tooltip = tooltip;
        if (!node.isFolder) {
          this.command = { command: Commands.open, title: vscode.l10n.t('Open'), arguments: [node] };
        }
        break;
      }
      case 'loadMore':
        this.id = `more:${node.account.id}:${node.folderPath}`;
        this.iconPath = new vscode.ThemeIcon('more');
        this.contextValue = ContextValues.loadMore;
        this.command = { command: Commands.loadMore, title: vscode.l10n.t('Load More'), arguments: [node] };
        break;
      case 'message':
        this.iconPath = new vscode.ThemeIcon(node.isError ? 'warning' : 'info');
        this.contextValue = ContextValues.message;
        break;
    }
  }

  /** Names and messages may come from the server: no character in them acts unseen. */
  private static label(node: FilesNode): string {
    switch (node.kind) {
      case 'account':
        return visibleText(node.account.label);
      case 'entry':
        return visibleText(node.entry.name);
      case 'loadMore':
        return vscode.l10n.t('Load more…');
      case 'message':
        return visibleText(node.text);
    }
  }

  private static collapsible(node: FilesNode): vscode.TreeItemCollapsibleState {
    if (node.kind === 'account') {
      return vscode.TreeItemCollapsibleState.Expanded;
    }
    if (node.kind === 'entry' && node.isFolder) {
      return vscode.TreeItemCollapsibleState.Collapsed;
    }
    return vscode.TreeItemCollapsibleState.None;
  }
}

export class RemoteFilesTreeProvider extends Disposable implements vscode.TreeDataProvider<FilesNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<FilesNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  private readonly cache = new FolderCache();
  /** Folder nodes by account and path, so a refresh can name the node the view knows. */
  private readonly folders = new Map<string, FolderNode>();

  constructor(
    private readonly clients: GitShareClients,
    private readonly logger: Logger,
    /** Changes made through the gitshare: file system (editors, the Explorer, our commands). */
    onDidChangeFile: vscode.Event<vscode.FileChangeEvent[]>,
  ) {
    super();
    this._register(clients.directory.onDidChangeAccounts(() => this.refresh()));
    this._register(onDidChangeFile((events) => this.onFilesChanged(events)));
  }

  private onFilesChanged(events: readonly vscode.FileChangeEvent[]): void {
    const byAccount = new Map<GitShareAccount, string[]>();
    for (const { uri } of events) {
      const account = this.clients.directory.findByAuthority(uri.authority);
      if (account && isValidPath(uri.path)) {
        byAccount.set(account, [...(byAccount.get(account) ?? []), uri.path]);
      }
    }
    for (const [account, paths] of byAccount) {
      this.refreshParents(account, paths);
    }
  }

  getTreeItem(node: FilesNode): vscode.TreeItem {
    return new FilesTreeItem(node);
  }

  async getChildren(node?: FilesNode): Promise<FilesNode[]> {
    if (!node) {
      const accounts = this.clients.accounts;
      if (accounts.length === 0) {
        return []; // The welcome view asks the person to sign in.
      }
      if (accounts.length === 1) {
        return this.folderChildren(accounts[0], '/', undefined);
      }
      return accounts.map((account) => this.remember(new AccountNode(account)));
    }
    if (node.kind === 'account') {
      return this.folderChildren(node.account, '/', node);
    }
    if (node.kind === 'entry' && node.isFolder) {
      return this.folderChildren(node.account, node.entry.path, node);
    }
    return [];
  }

  getParent(node: FilesNode): FilesNode | undefined {
    return node.parent;
  }

  /** Reloads one folder (the whole tree when none is named). */
  refresh(node?: FilesNode): void {
    if (!node) {
      this.cache.invalidate();
      this.folders.clear();
      this._onDidChangeTreeData.fire(undefined);
      return;
    }
    const folder = node.kind === 'account' || (node.kind === 'entry' && node.isFolder) ? node : node.parent;
    if (!folder) {
      this.refreshFolder(node.kind === 'message' ? this.clients.accounts[0] : node.account, '/');
      return;
    }
    this.refreshFolder(folder.account, folder.path);
  }

  /** Reloads the folder at `path` of `account`, wherever the view shows it. */
  refreshFolder(account: GitShareAccount | undefined, path: string): void {
    if (!account) {
      return;
    }
    this.cache.invalidate(account.id, path);
    const node = this.folders.get(FolderCache.key(account.id, path));
    if (node) {
      this._onDidChangeTreeData.fire(node);
    } else if (path === '/' && this.clients.accounts.length <= 1) {
      this._onDidChangeTreeData.fire(undefined);
    }
    // A folder the view never showed needs no refresh.
  }

  /** Refreshes the folders holding these paths (after an upload, a move, a delete). */
  refreshParents(account: GitShareAccount, paths: readonly string[]): void {
    for (const folder of new Set(paths.map((p) => (p === '/' ? '/' : parentPath(p))))) {
      this.refreshFolder(account, folder);
    }
  }

  /** What the view has loaded of a folder; undefined when it is not loaded. */
  loadedFolder(account: GitShareAccount, path: string): FolderState | undefined {
    return this.cache.peek(account.id, path);
  }

  /**
   * Shows a fresher listing of a loaded folder (treeFreshness.ts): only that folder's
   * node is redrawn; ids stay, so selection and expansion are kept.
   */
  updateFolder(account: GitShareAccount, path: string, state: FolderState): void {
    this.cache.set(account.id, path, state);
    const node = this.folders.get(FolderCache.key(account.id, path));
    if (node) {
      this._onDidChangeTreeData.fire(node);
    } else if (path === '/' && this.clients.accounts.length <= 1) {
      this._onDidChangeTreeData.fire(undefined);
    }
  }

  async loadMore(node: LoadMoreNode): Promise<void> {
    await this.cache.loadMore(this.clients.forAccount(node.account), node.account.id, node.folderPath);
    if (node.parent) {
      this._onDidChangeTreeData.fire(node.parent);
    } else {
      this._onDidChangeTreeData.fire(undefined);
    }
  }

  private async folderChildren(
    account: GitShareAccount,
    path: string,
    parent: FolderNode | undefined,
  ): Promise<FilesNode[]> {
    try {
      const state = await this.cache.get(this.clients.forAccount(account), account.id, path);
      const children: FilesNode[] = state.entries.map((entry) => {
        const child = new EntryNode(account, entry, parent);
        return child.isFolder ? this.remember(child) : child;
      });
      if (state.nextCursor) {
        children.push(new LoadMoreNode(account, path, parent));
        this.cache.prefetch(this.clients.forAccount(account), account.id, path);
      }
      if (children.length === 0 && path !== '/') {
        children.push(new MessageNode(vscode.l10n.t('Empty folder'), parent, false));
      }
      return children;
    } catch (error) {
      const gitShareError = toGitShareError(error);
      this.logger.warn(`Listing ${path} failed`, gitShareError);
      return [new MessageNode(vscode.l10n.t('Could not load: {0}', gitShareError.message), parent, true)];
    }
  }

  private remember<T extends FolderNode>(node: T): T {
    this.folders.set(FolderCache.key(node.account.id, node.path), node);
    return node;
  }
}
