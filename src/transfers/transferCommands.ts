/**
 * Upload… and Download…: from the palette, the Files view (its title bar, a folder's "Upload
 * Here…", an item's "Download…") and the Explorer's "Upload to GitShare…". What to upload, and
 * where to download to, is asked on this computer; the place on GitShare comes from the command's
 * argument or the remote picker, which the Files view answers (RemoteTargets). Every command goes
 * through the one ErrorHandler.
 */

import * as vscode from 'vscode';
import type { Entry } from '../api/types';
import type { GitShareAccount } from '../common/accounts';
import { Commands } from '../common/constants';
import { GitShareError } from '../common/errors';
import { Disposable } from '../common/lifecycle';
import type { ErrorHandler } from '../workbench/errorHandler';
import type { Interaction } from '../workbench/interaction';
import type { TransferService } from './transferService';

/** A folder on GitShare. */
export interface RemoteFolder {
  readonly account: GitShareAccount;
  readonly path: string;
}

/**
 * What a command's argument stands for on GitShare (a Files view row, a `gitshare:` URI), or else
 * what the person picks there. Undefined when the person dismissed the picker.
 */
export interface RemoteTargets {
  folderOrPick(target: unknown, title: string): Promise<RemoteFolder | undefined>;
  /** The selection's (or the target's) files and folders, by account. */
  entriesOrPick(
    target: unknown,
    selection: readonly unknown[] | undefined,
    title: string,
  ): Promise<Map<GitShareAccount, Entry[]> | undefined>;
}

export class TransferCommands extends Disposable {
  constructor(
    private readonly transfers: TransferService,
    private readonly targets: RemoteTargets,
    errors: ErrorHandler,
    private readonly interaction: Interaction,
  ) {
    super();
    const register = <A extends unknown[]>(id: string, action: string, callback: (...args: A) => unknown) =>
      this._register(vscode.commands.registerCommand(id, errors.wrap(action, callback)));

    register(Commands.upload, vscode.l10n.t('Upload'), (target?: unknown, sources?: vscode.Uri[]) =>
      this.upload(target, sources),
    );
    register(Commands.uploadHere, vscode.l10n.t('Upload'), (target?: unknown) => this.upload(target));
    register(Commands.uploadFromExplorer, vscode.l10n.t('Upload'), (uri?: vscode.Uri, uris?: vscode.Uri[]) =>
      this.upload(undefined, uris?.length ? uris : uri ? [uri] : undefined),
    );
    // Names, destinations and confirmations come from the person (through the Interaction),
    // never from command arguments another extension could pass.
    register(Commands.download, vscode.l10n.t('Download'), (target?: unknown, selection?: unknown[]) =>
      this.download(target, selection),
    );
  }

  /** Files named in `sources` (a command's arguments) were not chosen here: the upload asks first. */
  private async upload(target: unknown, sources?: readonly vscode.Uri[]): Promise<void> {
    const chosen = sources ?? (await this.askLocalSources());
    if (!chosen?.length) {
      return;
    }
    const locations = chosen.map((uri) => this.transfers.files.locationOf(uri));
    const foreign = chosen.find((_uri, i) => locations[i] === undefined);
    if (foreign) {
      throw new GitShareError('invalidInput', vscode.l10n.t('Only files on this computer can be uploaded.'), {
        detail: `not a local URI: ${foreign.scheme}`,
      });
    }
    const folder = await this.targets.folderOrPick(target, vscode.l10n.t('Upload to GitShare'));
    if (!folder) {
      return;
    }
    const localPaths = locations as string[];
    if (sources && !(await this.transfers.confirmUpload(folder.account, folder.path, localPaths, 'command'))) {
      return;
    }
    await this.transfers.upload(folder.account, folder.path, localPaths);
  }

  private async askLocalSources(): Promise<vscode.Uri[] | undefined> {
    // Desktop dialogs on Windows and Linux cannot offer files and folders at once.
    const both = this.transfers.files.platform === 'darwin' || vscode.env.uiKind === vscode.UIKind.Web;
    let folders = both;
    let files = true;
    if (!both) {
      const kind = await this.interaction.pick({
        id: 'uploadKind',
        placeHolder: vscode.l10n.t('Upload files or folders?'),
        items: [
          { label: vscode.l10n.t('$(file) Files…'), value: 'files' as const },
          { label: vscode.l10n.t('$(folder) Folders…'), value: 'folders' as const },
        ],
      });
      if (!kind) {
        return undefined;
      }
      folders = kind === 'folders';
      files = !folders;
    }
    return this.interaction.chooseLocal({
      id: 'uploadSources',
      title: vscode.l10n.t('Upload to GitShare'),
      openLabel: vscode.l10n.t('Upload'),
      files,
      folders,
      many: true,
    });
  }

  private async download(target: unknown, selection: readonly unknown[] | undefined): Promise<void> {
    const groups = await this.targets.entriesOrPick(target, selection, vscode.l10n.t('Download from GitShare'));
    if (!groups) {
      return;
    }
    const folder = (
      await this.interaction.chooseLocal({
        id: 'downloadDestination',
        title: vscode.l10n.t('Download from GitShare'),
        openLabel: vscode.l10n.t('Download Here'),
        files: false,
        folders: true,
        many: false,
      })
    )?.[0];
    if (!folder) {
      return;
    }
    const destination = this.transfers.files.locationOf(folder);
    if (destination === undefined) {
      throw new GitShareError('invalidInput', vscode.l10n.t('Choose a folder on this computer.'), {
        detail: `destination scheme ${folder.scheme}`,
      });
    }
    for (const [account, entries] of groups) {
      await this.transfers.download(account, entries, destination);
    }
  }
}
