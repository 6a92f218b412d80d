/**
 * GitShare: Go to File… — Quick Open for the files of every signed-in account.
 * Matches show as the person types, from the saved index at once; a walk
 * brings the index up to date meanwhile (progress in the picker's title) and
 * the list fills in. Enter opens a file; a folder is revealed in the Files view.
 * A path from Copy Path (or a whole `gitshare:` URI) finds its file.
 */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import { baseName, parentPath } from '../api/paths';
import type { GitShareAccount } from '../common/accounts';
import { Commands, FS_SCHEME } from '../common/constants';
import type { ErrorHandler } from '../workbench/errorHandler';
import { GitShareError, toGitShareError } from '../common/errors';
import { formatCount } from '../common/format';
import type { Logger } from '../common/logger';
import { labelText } from '../common/untrustedText';
import { remoteUri } from '../fileSystem/uris';
import type { IndexedItem } from './fileIndex';
import type { FileIndexService } from './indexService';
import type { RevealRemote } from '../filesView/reveal';
import { Disposable, DisposableStore } from '../common/lifecycle';

/** An index walked less than this long ago is fresh enough not to walk again on open. */
const FRESH_MS = 60_000;
const RESULTS = 100;
/** Redraws while a walk fills the index, at most this often. */
const PROGRESS_REDRAW_MS = 150;

interface FileItem extends vscode.QuickPickItem {
  readonly account: GitShareAccount;
  readonly path: string;
  readonly isFolder: boolean;
}

export class GoToFileCommand extends Disposable {
  constructor(
    private readonly clients: GitShareClients,
    private readonly indexes: FileIndexService,
    private readonly reveal: RevealRemote,
    private readonly errors: ErrorHandler,
    private readonly logger: Logger,
  ) {
    super();
    this._register(
      vscode.commands.registerCommand(
        Commands.goToFile,
        errors.wrap(vscode.l10n.t('Go to File'), () => this.run()),
      ),
    );
  }

  private async run(): Promise<void> {
    const accounts = [...this.clients.accounts];
    if (accounts.length === 0) {
      throw new GitShareError('signInRequired', vscode.l10n.t('Sign in to GitShare to find your files.'));
    }
    const picker = vscode.window.createQuickPick<FileItem>();
    picker.title = vscode.l10n.t('GitShare: Go to File');
    picker.placeholder = vscode.l10n.t('Type part of a file or folder name, or paste a path');
    picker.matchOnDescription = false;
    picker.matchOnDetail = false;
    // Our order is the ranking; VS Code would otherwise re-sort by its own label match.
    // A runtime property of the QuickPick (proposed typing only), ignored where absent.
    (picker as unknown as { sortByLabel: boolean }).sortByLabel = false;
    const loaded = await Promise.all(
      accounts.map(async (account) => ({ account, index: await this.indexes.indexFor(account) })),
    );
    const progress = new Map<GitShareAccount, string>();
    const several = accounts.length > 1;

    const redraw = () => {
      const query = queryOf(picker.value);
      const found: { account: GitShareAccount; item: IndexedItem }[] = [];
      for (const { account, index } of loaded) {
        for (const item of index.search(query, RESULTS)) {
          found.push({ account, item });
        }
      }
      found.sort((a, b) => b.item.score - a.item.score);
      picker.items = found.slice(0, RESULTS).map(({ account, item }) => toItem(account, item, several));
      const walking = [...progress.values()];
      picker.busy = walking.length > 0;
      picker.title =
        walking.length > 0
          ? vscode.l10n.t('GitShare: Go to File — indexing {0}', walking.join(', '))
          : vscode.l10n.t('GitShare: Go to File');
    };
    let timer: NodeJS.Timeout | undefined;
    const redrawSoon = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        redraw();
      }, PROGRESS_REDRAW_MS);
    };

    const disposables = new DisposableStore();
    disposables.add(picker);
    disposables.add(picker.onDidChangeValue(redraw));
    disposables.add(
      picker.onDidAccept(() => {
        const chosen = picker.selectedItems[0] ?? picker.activeItems[0];
        if (!chosen) {
          return;
        }
        picker.hide();
        void this.errors.wrap(vscode.l10n.t('Go to File'), () => this.open(chosen))();
      }),
    );
    disposables.add(
      picker.onDidHide(() => {
        clearTimeout(timer);
        disposables.dispose();
      }),
    );
    picker.show();
    redraw();

    for (const { account, index } of loaded) {
      if (index.walkedAt !== undefined && Date.now() - index.walkedAt < FRESH_MS && !this.indexes.isWalking(account)) {
        continue;
      }
      // With several accounts each progress line names its account.
      const line = (text: string) => (several ? vscode.l10n.t('{0}: {1}', account.label, text) : text);
      progress.set(account, line(vscode.l10n.t('starting…')));
      this.indexes
        .refresh(account, (p) => {
          progress.set(
            account,
            line(vscode.l10n.t('{0} entries in {1} folders', formatCount(p.entries), formatCount(p.folders))),
          );
          redrawSoon();
        })
        .catch((error: unknown) => {
          const e = toGitShareError(error);
          this.logger.warn(`Indexing ${account.label} stopped`, e);
          picker.title = vscode.l10n.t(
            'GitShare: Go to File — the index of {0} may be incomplete: {1}',
            account.label,
            e.message,
          );
        })
        .finally(() => {
          progress.delete(account);
          redrawSoon();
        });
    }
    redraw();
  }

  private async open(item: FileItem): Promise<void> {
    if (item.isFolder) {
      await this.reveal(item.account, item.path, true);
    } else {
      await vscode.commands.executeCommand('vscode.open', remoteUri(item.account, item.path));
    }
  }
}

/** A pasted `gitshare:` URI is searched for by its path. */
function queryOf(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith(`${FS_SCHEME}:`)) {
    return vscode.Uri.parse(trimmed).path;
  }
  return value;
}

function toItem(account: GitShareAccount, item: IndexedItem, several: boolean): FileItem {
  const folder = parentPath(item.path);
  return {
    // Names come from the server: shown as text, never as an icon.
    label: labelText(baseName(item.path)),
    description: labelText(several ? `${folder} — ${account.label}` : folder),
    iconPath: item.isFolder ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File,
    resourceUri: remoteUri(account, item.path),
    // Our matcher decides what matches; VS Code's own filter must not hide the rest.
    alwaysShow: true,
    account,
    path: item.path,
    isFolder: item.isFolder,
  };
}
