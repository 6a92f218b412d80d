/**
 * Drag and drop for the Files tree: files from the Explorer or the operating
 * system are uploaded to the folder they are dropped on; items dragged within
 * the tree are moved there. Dragging out offers the gitshare: URIs, so an item
 * dropped on the editor opens.
 */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import { isEqualOrDescendant, joinPath, parentPath } from '../api/paths';
import { ViewIds } from '../common/constants';
import type { ErrorHandler } from '../workbench/errorHandler';
import { GitShareError } from '../common/errors';
import { freeRemotePath } from '../transfers/freeNames';
import type { TransferService } from '../transfers/transferService';
import type { GitShareFileSystemProvider } from '../fileSystem/gitshareFileSystem';
import { remoteUri } from '../fileSystem/uris';
import type { RemoteFilesTreeProvider } from './filesTree';
import { AccountNode, EntryNode, folderOf, type FilesNode } from './nodes';

const TREE_MIME = `application/vnd.code.tree.${ViewIds.files.toLowerCase()}`;
const URI_LIST = 'text/uri-list';

export class FilesDragAndDropController implements vscode.TreeDragAndDropController<FilesNode> {
  readonly dragMimeTypes = [URI_LIST];
  readonly dropMimeTypes = [TREE_MIME, URI_LIST, 'files'];

  constructor(
    private readonly clients: GitShareClients,
    private readonly tree: RemoteFilesTreeProvider,
    private readonly fileSystem: GitShareFileSystemProvider,
    private readonly transfers: TransferService,
    private readonly errors: ErrorHandler,
  ) {}

  handleDrag(source: readonly FilesNode[], dataTransfer: vscode.DataTransfer): void {
    const entries = source.filter((n): n is EntryNode => n instanceof EntryNode);
    if (!entries.length) {
      return;
    }
    dataTransfer.set(TREE_MIME, new vscode.DataTransferItem(entries));
    dataTransfer.set(
      URI_LIST,
      new vscode.DataTransferItem(entries.map((e) => remoteUri(e.account, e.entry.path).toString()).join('\r\n')),
    );
  }

  async handleDrop(
    target: FilesNode | undefined,
    dataTransfer: vscode.DataTransfer,
    token: vscode.CancellationToken,
  ): Promise<void> {
    try {
      const folder = target
        ? folderOf(target)
        : this.clients.accounts.length === 1
          ? { account: this.clients.accounts[0], path: '/' }
          : undefined;
      if (!folder) {
        return;
      }
      const moved = dataTransfer.get(TREE_MIME)?.value as EntryNode[] | undefined;
      if (Array.isArray(moved) && moved.length) {
        await this.move(moved, folder);
        return;
      }
      const local = await this.localUris(dataTransfer);
      if (token.isCancellationRequested) {
        return;
      }
      if (local.length) {
        // VS Code hands a drop from its Explorer and one from another application (a web page can
        // drag any `file:` URI) the same way. The Explorer shows only the workspace's files: a drop
        // of anything else asks first.
        const localPaths = local.map((l) => l.location);
        const outside = local.some(({ uri }) => !vscode.workspace.getWorkspaceFolder(uri));
        if (outside && !(await this.transfers.confirmUpload(folder.account, folder.path, localPaths, 'drop'))) {
          return;
        }
        await this.transfers.upload(folder.account, folder.path, localPaths);
        return;
      }
      await this.uploadDroppedBytes(dataTransfer, folder);
    } catch (error) {
      await this.errors.handle(error, vscode.l10n.t('Drop'));
    }
  }

  private async move(
    sources: readonly EntryNode[],
    folder: { account: AccountNode['account']; path: string },
  ): Promise<void> {
    const client = this.clients.forAccount(folder.account);
    const failures: unknown[] = [];
    const changed: string[] = [];
    for (const source of sources) {
      if (source.account.id !== folder.account.id) {
        failures.push(
          new GitShareError('invalidInput', vscode.l10n.t('Moving between GitShare accounts is not supported.')),
        );
        continue;
      }
      const from = source.entry.path;
      if (parentPath(from) === folder.path) {
        continue; // dropped on its own folder
      }
      if (isEqualOrDescendant(folder.path, from)) {
        failures.push(
          new GitShareError('invalidInput', vscode.l10n.t('Cannot move "{0}" into itself.', source.entry.name)),
        );
        continue;
      }
      const to = joinPath(folder.path, source.entry.name);
      try {
        await client.move(from, to);
        changed.push(from, to);
        this.fileSystem.notifyChanged(remoteUri(folder.account, from), vscode.FileChangeType.Deleted);
        this.fileSystem.notifyChanged(remoteUri(folder.account, to), vscode.FileChangeType.Created);
      } catch (error) {
        failures.push(error);
      }
    }
    this.tree.refreshParents(folder.account, changed);
    if (failures.length) {
      throw failures[0];
    }
  }

  /**
   * Files dropped from the OS into a browser (code-server, vscode.dev) come
   * without a path, only their bytes. They are written under a free name, so a
   * drop never replaces anything.
   */
  private async uploadDroppedBytes(
    dataTransfer: vscode.DataTransfer,
    folder: { account: AccountNode['account']; path: string },
  ): Promise<void> {
    const files: vscode.DataTransferFile[] = [];
    dataTransfer.forEach((item) => {
      const file = item.asFile();
      if (file && !file.uri) {
        files.push(file);
      }
    });
    const client = this.clients.forAccount(folder.account);
    for (const file of files) {
      let target = joinPath(folder.path, file.name);
      if (await client.tryEntry(target)) {
        target = await freeRemotePath(client, target);
      }
      await client.writeFile(target, await file.data(), { ifNoneMatch: '*' });
      this.fileSystem.notifyChanged(remoteUri(folder.account, target), vscode.FileChangeType.Created);
    }
    if (files.length) {
      this.tree.refreshFolder(folder.account, folder.path);
    }
  }

  /**
   * Local files from the Explorer (uri-list) or the OS (files), as locations of this host's
   * local side (the disk; in the browser the workspace's file system).
   */
  private async localUris(dataTransfer: vscode.DataTransfer): Promise<{ uri: vscode.Uri; location: string }[]> {
    const local = (uri: vscode.Uri | undefined) => {
      const location = uri ? this.transfers.files.locationOf(uri) : undefined;
      return uri && location !== undefined ? { uri, location } : undefined;
    };
    const list = await dataTransfer.get(URI_LIST)?.asString();
    const fromList = (list ?? '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => local(vscode.Uri.parse(line)))
      .filter((found) => found !== undefined);
    if (fromList.length) {
      return fromList;
    }
    const files: { uri: vscode.Uri; location: string }[] = [];
    dataTransfer.forEach((item) => {
      const found = local(item.asFile()?.uri);
      if (found) {
        files.push(found);
      }
    });
    return files;
  }
}
