/** "Reveal in GitShare View": the active (or the clicked) `gitshare:` editor's file, selected in the Files view. */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import { Commands, FS_SCHEME } from '../common/constants';
import type { ErrorHandler } from '../workbench/errorHandler';
import { GitShareError } from '../common/errors';
import { parseRemoteUri } from '../fileSystem/uris';
import type { RevealRemote } from './reveal';

export class RevealInViewCommand implements vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly clients: GitShareClients,
    private readonly reveal: RevealRemote,
    errors: ErrorHandler,
  ) {
    this.registration = vscode.commands.registerCommand(
      Commands.revealInView,
      errors.wrap(vscode.l10n.t('Reveal in GitShare View'), (uri?: unknown) => this.run(uri)),
    );
  }

  private async run(target?: unknown): Promise<void> {
    const uri =
      target instanceof vscode.Uri ? target : (vscode.window.activeTextEditor?.document.uri ?? activeTabUri());
    if (!uri || uri.scheme !== FS_SCHEME) {
      throw new GitShareError('invalidInput', vscode.l10n.t('The active editor is not a GitShare file.'));
    }
    const { account } = this.clients.forAuthority(uri.authority);
    await this.reveal(account, parseRemoteUri(uri).path, false);
  }

  dispose(): void {
    this.registration.dispose();
  }
}

function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
}
