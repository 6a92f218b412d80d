/**
 * A quick pick that browses the remote tree: Upload… uses it to choose a
 * folder, Download… to choose a file or a folder. Folders load a page at a
 * time, like the tree.
 */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import { parentPath } from '../api/paths';
import type { Entry } from '../api/types';
import type { GitShareAccount } from '../common/accounts';
import { GitShareError, toGitShareError } from '../common/errors';
import { labelText } from '../common/untrustedText';

export interface RemoteChoice {
  readonly account: GitShareAccount;
  readonly path: string;
  /** Undefined for a folder chosen with "Use this folder". */
  readonly entry?: Entry;
}

type PickAction = { kind: 'choose' } | { kind: 'up' } | { kind: 'open'; entry: Entry } | { kind: 'more' };

interface PickItem extends vscode.QuickPickItem {
  readonly action: PickAction;
}

const PAGE = 200;

/** The only account, or the one the person picks; `signInRequired` when there is none. */
async function pickAccount(clients: GitShareClients, placeHolder: string): Promise<GitShareAccount | undefined> {
  const accounts = clients.accounts;
  if (accounts.length === 0) {
    throw new GitShareError('signInRequired', vscode.l10n.t('Sign in to GitShare first.'));
  }
  if (accounts.length === 1) {
    return accounts[0];
  }
  const picked = await vscode.window.showQuickPick(
    accounts.map((account) => ({
      label: labelText(account.label),
      description: new URL(account.serverUrl).host,
      account,
    })),
    { placeHolder },
  );
  return picked?.account;
}

export async function pickRemote(
  clients: GitShareClients,
  options: { mode: 'folder' | 'fileOrFolder'; title: string; account?: GitShareAccount; startPath?: string },
): Promise<RemoteChoice | undefined> {
  const account = options.account ?? (await pickAccount(clients, options.title));
  if (!account) {
    return undefined;
  }
  const client = clients.forAccount(account);
  const quickPick = vscode.window.createQuickPick<PickItem>();
  quickPick.title = options.title;
  quickPick.matchOnDescription = true;
  quickPick.ignoreFocusOut = true;
  let path = options.startPath ?? '/';
  let entries: Entry[] = [];
  let cursor: string | null = null;
  let generation = 0;

  const render = () => {
    const items: PickItem[] = [];
    // Names and user names come from the server: `$(…)` in them stays text.
    const where = labelText(`${account.label}:${path}`);
    if (options.mode === 'folder') {
      items.push({
        label: vscode.l10n.t('$(check) Use this folder'),
        description: where,
        action: { kind: 'choose' },
        alwaysShow: true,
      });
    } else if (path !== '/') {
      items.push({
        label: vscode.l10n.t('$(cloud-download) Download this folder'),
        description: where,
        action: { kind: 'choose' },
        alwaysShow: true,
      });
    }
    if (path !== '/') {
      items.push({
        label: '$(arrow-up) ..',
        description: labelText(parentPath(path)),
        action: { kind: 'up' },
        alwaysShow: true,
      });
    }
    for (const entry of entries) {
      if (entry.type === 'dir') {
        items.push({ label: `$(folder) ${labelText(entry.name)}`, action: { kind: 'open', entry } });
      } else if (options.mode === 'fileOrFolder') {
        items.push({
          label: `$(file) ${labelText(entry.name)}`,
          description: vscode.l10n.t('{0} bytes', entry.size),
          action: { kind: 'open', entry },
        });
      }
    }
    if (cursor) {
      items.push({ label: vscode.l10n.t('$(more) Load more…'), action: { kind: 'more' }, alwaysShow: true });
    }
    quickPick.items = items;
    quickPick.placeholder =
      options.mode === 'folder'
        ? vscode.l10n.t('Choose a folder on GitShare (in {0})', path)
        : vscode.l10n.t('Choose a file or folder on GitShare (in {0})', path);
  };

  const load = async (more: boolean) => {
    const mine = ++generation;
    quickPick.busy = true;
    try {
      const page = await client.listFolder(path, { limit: PAGE, cursor: more ? (cursor ?? undefined) : undefined });
      if (mine !== generation) {
        return;
      }
      entries = more ? [...entries, ...page.entries] : [...page.entries];
      cursor = page.nextCursor;
      render();
    } catch (error) {
      if (mine === generation) {
        entries = [];
        cursor = null;
        render();
        quickPick.placeholder = vscode.l10n.t('Could not load {0}: {1}', path, toGitShareError(error).message);
      }
    } finally {
      if (mine === generation) {
        quickPick.busy = false;
      }
    }
  };

  return new Promise<RemoteChoice | undefined>((resolve) => {
    let settled = false;
    const finish = (choice: RemoteChoice | undefined) => {
      if (!settled) {
        settled = true;
        resolve(choice);
        quickPick.hide();
      }
    };
    const subscriptions = [
      quickPick.onDidAccept(() => {
        const item = quickPick.selectedItems[0];
        if (!item) {
          return;
        }
        switch (item.action.kind) {
          case 'choose':
            finish({ account, path });
            return;
          case 'up':
            path = parentPath(path);
            break;
          case 'open':
            if (item.action.entry.type === 'file') {
              finish({ account, path: item.action.entry.path, entry: item.action.entry });
              return;
            }
            path = item.action.entry.path;
            break;
          case 'more':
            void load(true);
            return;
        }
        quickPick.value = '';
        entries = [];
        cursor = null;
        render();
        void load(false);
      }),
      quickPick.onDidHide(() => {
        finish(undefined);
        subscriptions.forEach((s) => s.dispose());
        quickPick.dispose();
      }),
    ];
    render();
    quickPick.show();
    void load(false);
  });
}
