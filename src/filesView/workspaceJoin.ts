/**
 * "Add Folder to Workspace…" in a window that is not yet a multi-root workspace (one folder, or
 * none): VS Code makes a new untitled workspace of the window's folders and the added one, and
 * reloads the window into it. VS Code for the web (code-server) reads a workspace kept on the
 * remote from its configuration cache first — empty for a new workspace — and the file itself
 * in the background; when the file arrives while the reloaded window is still being set up, the
 * folders are dropped and the window shows "No Folder Opened", the person's own folder gone too,
 * until the next reload. (The file is right; VS Code's own "Add Folder to Workspace…" takes the
 * same path.)
 *
 * So before such an add the folders the new window must have are remembered, and the reloaded
 * window checks them when GitShare starts there: a window that came back without them gets them
 * added back once (VS Code then reloads it, this time from its cache); if that fails too, the
 * person is told what happened and offered the reload that brings them back.
 */

import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import { Disposable } from '../common/lifecycle';
import type { Interaction } from '../workbench/interaction';
import { checkJoin, type PendingJoin } from './workspaceJoinCheck';

const KEY = 'gitshare.pendingWorkspaceJoin';

export class WorkspaceJoin extends Disposable {
  constructor(
    private readonly state: vscode.Memento,
    private readonly interaction: Interaction,
    private readonly logger: Logger,
  ) {
    super();
  }

  /**
   * Adds `folder` at the end of the window's folders; when that turns the window into a new
   * workspace, first remembers what the new window must show. False when VS Code refused the
   * change (another change of the folders is still under way).
   */
  async add(folder: { uri: vscode.Uri; name: string }): Promise<boolean> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const reloads = vscode.workspace.workspaceFile === undefined;
    if (reloads) {
      const pending: PendingJoin = {
        folders: [
          ...folders.map((f) => ({ uri: f.uri.toString() })),
          { uri: folder.uri.toString(), name: folder.name },
        ],
        since: Date.now(),
      };
      // Awaited: the window reloads right after the change below.
      await this.state.update(KEY, pending);
    }
    const accepted = vscode.workspace.updateWorkspaceFolders(folders.length, 0, folder);
    if (!accepted && reloads) {
      await this.state.update(KEY, undefined);
    }
    return accepted;
  }

  /** Run once when GitShare starts in a window: a window an add reloaded into gets its folders. */
  async checkAfterReload(): Promise<void> {
    const pending = this.state.get<PendingJoin>(KEY);
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
    const check = checkJoin(pending, Date.now(), {
      untitledWorkspace: vscode.workspace.workspaceFile?.scheme === 'untitled',
      folders,
    });
    switch (check.kind) {
      case 'none':
        return;
      case 'forget':
        await this.state.update(KEY, undefined);
        return;
      case 'addBack': {
        this.logger.warn(
          `The window reopened as a new workspace without ${check.missing.length} of its folders; adding them back`,
        );
        await this.state.update(KEY, { ...pending, repaired: true });
        this.forgetOnceShown(pending!);
        const added = vscode.workspace.updateWorkspaceFolders(
          folders.length,
          0,
          ...check.missing.map((f) => ({ uri: vscode.Uri.parse(f.uri), name: f.name })),
        );
        if (added) {
          return; // VS Code reloads the window, or its folders change here
        }
        break;
      }
      case 'tell':
        break;
    }
    await this.state.update(KEY, undefined);
    this.logger.warn('The window reopened as a new workspace without its folders again');
    const reload = vscode.l10n.t('Reload Window');
    const choice = await this.interaction.notify({
      severity: 'warning',
      message: vscode.l10n.t(
        'VS Code opened the new workspace without its folders (it sometimes does in the browser). Reload the window to see them.',
      ),
      actions: [reload],
    });
    if (choice === reload) {
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
    }
  }

  /** Forgets the add once this window shows all its folders (where VS Code adds them without a reload). */
  private forgetOnceShown(pending: PendingJoin): void {
    const listener = this._register(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        const present = new Set((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()));
        if (pending.folders.every((f) => present.has(f.uri))) {
          listener.dispose();
          void this.state.update(KEY, undefined);
        }
      }),
    );
  }
}
