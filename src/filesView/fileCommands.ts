/**
 * The Files view's commands on files and folders: its title bar and context menu (Refresh, New
 * File…, New Folder…, Open, Rename…, Delete, Copy Path, Load More) and "Add GitShare Folder to
 * Workspace…". Upload… and Download… are the transfers' (transfers/transferCommands.ts). Every
 * command goes through the one ErrorHandler.
 */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import type { GitShareClient } from '../api/client';
import { baseName, joinPath, nameProblem, parentPath } from '../api/paths';
import { Commands } from '../common/constants';
import type { ErrorHandler } from '../workbench/errorHandler';
import type { Interaction } from '../workbench/interaction';
import type { GitShareFileSystemProvider } from '../fileSystem/gitshareFileSystem';
import { remoteUri } from '../fileSystem/uris';
import type { RemoteFilesTreeProvider } from './filesTree';
import { EntryNode, LoadMoreNode, type FilesNode } from './nodes';
import type { FilesViewTargets } from './targets';
import type { WorkspaceJoin } from './workspaceJoin';
import { Disposable } from '../common/lifecycle';

export class FileCommands extends Disposable {
  constructor(
    private readonly clients: GitShareClients,
    private readonly tree: RemoteFilesTreeProvider,
    private readonly fileSystem: GitShareFileSystemProvider,
    private readonly targets: FilesViewTargets,
    errors: ErrorHandler,
    private readonly interaction: Interaction,
    private readonly workspaceJoin: WorkspaceJoin,
  ) {
    super();
    const register = <A extends unknown[]>(id: string, action: string, callback: (...args: A) => unknown) =>
      this._register(vscode.commands.registerCommand(id, errors.wrap(action, callback)));

    register(Commands.refresh, vscode.l10n.t('Refresh'), (node?: FilesNode) => this.tree.refresh(node));
    register(Commands.newFolder, vscode.l10n.t('New folder'), (target?: unknown) => this.newFolder(target));
    register(Commands.newFile, vscode.l10n.t('New file'), (target?: unknown) => this.newFile(target));
    register(Commands.open, vscode.l10n.t('Open'), (node?: FilesNode) => this.open(node));
    register(Commands.rename, vscode.l10n.t('Rename'), (node?: FilesNode) => this.rename(node));
    register(Commands.delete, vscode.l10n.t('Delete'), (node?: FilesNode, selection?: FilesNode[]) =>
      this.delete(node, selection),
    );
    register(Commands.copyPath, vscode.l10n.t('Copy path'), (node?: FilesNode) => this.copyPath(node));
    register(Commands.loadMore, vscode.l10n.t('Load more'), (node?: FilesNode) =>
      node instanceof LoadMoreNode ? this.tree.loadMore(node) : undefined,
    );
    register(Commands.addFolderToWorkspace, vscode.l10n.t('Add folder to workspace'), (target?: unknown) =>
      this.addFolderToWorkspace(target),
    );
  }

  private async newFolder(target: unknown): Promise<void> {
    await this.createNew(
      target,
      vscode.l10n.t('New Folder on GitShare'),
      { id: 'newFolderName', prompt: vscode.l10n.t('New folder name') },
      (client, path) => client.createFolder(path),
    );
  }

  private async newFile(target: unknown): Promise<void> {
    const uri = await this.createNew(
      target,
      vscode.l10n.t('New File on GitShare'),
      { id: 'newFileName', prompt: vscode.l10n.t('New file name') },
      (client, path) => client.writeFile(path, new Uint8Array(), { ifNoneMatch: '*' }),
    );
    if (uri) {
      await vscode.commands.executeCommand('vscode.open', uri);
    }
  }

  private async open(node?: FilesNode): Promise<void> {
    if (node instanceof EntryNode && !node.isFolder) {
      const uri = remoteUri(node.account, node.entry.path);
      // The view's listing knows the entry: VS Code's stat before the read needs no round trip.
      this.fileSystem.learn(uri, node.entry);
      await vscode.commands.executeCommand('vscode.open', uri);
    }
  }

  private async rename(node?: FilesNode): Promise<void> {
    if (!(node instanceof EntryNode)) {
      return;
    }
    const old = node.entry;
    const name = await this.askName('rename', vscode.l10n.t('New name'), old.name, old.type === 'file');
    if (!name || name === old.name) {
      return;
    }
    const to = joinPath(parentPath(old.path), name);
    await this.clients.forAccount(node.account).move(old.path, to);
    this.tree.refreshParents(node.account, [old.path]);
    this.fileSystem.notifyChanged(remoteUri(node.account, old.path), vscode.FileChangeType.Deleted);
    this.fileSystem.notifyChanged(remoteUri(node.account, to), vscode.FileChangeType.Created);
  }

  private async delete(node: FilesNode | undefined, selection: readonly FilesNode[] | undefined): Promise<void> {
    const targets = (selection?.length ? selection : node ? [node] : []).filter(
      (n): n is EntryNode => n instanceof EntryNode,
    );
    if (!targets.length) {
      return;
    }
    const folders = targets.filter((t) => t.isFolder).length;
    const message =
      targets.length === 1
        ? vscode.l10n.t('Delete "{0}" from GitShare?', targets[0].entry.name)
        : vscode.l10n.t('Delete {0} items from GitShare?', targets.length);
    const detail = folders
      ? vscode.l10n.t('Folders are deleted with everything in them. This cannot be undone.')
      : vscode.l10n.t('This cannot be undone.');
    if (!(await this.interaction.confirm({ id: 'delete', message, detail, action: vscode.l10n.t('Delete') }))) {
      return;
    }
    const failures: unknown[] = [];
    await Promise.all(
      targets.map(async (target) => {
        try {
          await this.clients.forAccount(target.account).delete(target.entry.path, { recursive: target.isFolder });
          this.fileSystem.notifyChanged(remoteUri(target.account, target.entry.path), vscode.FileChangeType.Deleted);
        } catch (error) {
          failures.push(error);
        }
      }),
    );
    for (const target of targets) {
      this.tree.refreshParents(target.account, [target.entry.path]);
    }
    if (failures.length) {
      throw failures[0];
    }
  }

  private async copyPath(node?: FilesNode): Promise<void> {
    if (node instanceof EntryNode) {
      await vscode.env.clipboard.writeText(node.entry.path);
    }
  }

  private async addFolderToWorkspace(target: unknown): Promise<void> {
    const folder = await this.targets.folderOrPick(target, vscode.l10n.t('Add GitShare Folder to Workspace'));
    if (!folder) {
      return;
    }
    const uri = remoteUri(folder.account, folder.path);
    const name =
      folder.path === '/'
        ? vscode.l10n.t('GitShare ({0})', folder.account.label)
        : vscode.l10n.t('{0} (GitShare)', baseName(folder.path));
    if (!(await this.workspaceJoin.add({ uri, name }))) {
      await this.interaction.notify({
        severity: 'warning',
        message: vscode.l10n.t(
          'VS Code did not add "{0}": another change to the workspace\'s folders is still under way. Try again in a moment.',
          name,
        ),
      });
    }
  }

  /**
   * New Folder… and New File…: the folder (argument or pick), the name asked for, the entry
   * created there and shown in the view. Undefined when the person dismissed a question.
   */
  private async createNew(
    target: unknown,
    title: string,
    name: { id: string; prompt: string },
    create: (client: GitShareClient, path: string) => Promise<unknown>,
  ): Promise<vscode.Uri | undefined> {
    const folder = await this.targets.folderOrPick(target, title);
    if (!folder) {
      return undefined;
    }
    const chosen = await this.askName(name.id, name.prompt, '');
    if (!chosen) {
      return undefined;
    }
    const path = joinPath(folder.path, chosen);
    await create(this.clients.forAccount(folder.account), path);
    this.tree.refreshFolder(folder.account, folder.path);
    const uri = remoteUri(folder.account, path);
    this.fileSystem.notifyChanged(uri, vscode.FileChangeType.Created);
    return uri;
  }

  private async askName(id: string, prompt: string, value: string, selectStem = false): Promise<string | undefined> {
    const dot = value.lastIndexOf('.');
    const name = await this.interaction.input({
      id,
      prompt,
      value,
      valueSelection: selectStem && dot > 0 ? [0, dot] : undefined,
      validate: (input) => nameProblem(input.trim()),
    });
    return name?.trim();
  }
}
