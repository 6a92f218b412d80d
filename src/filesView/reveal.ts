/**
 * Shows a remote file or folder in the Files view: builds the chain of nodes
 * from the account's root down to it (the tree finds them by id, so they need
 * not be the objects it made) and asks the view to reveal, select and focus it.
 */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import { baseName } from '../api/paths';
import type { GitShareAccount } from '../common/accounts';
import { AccountNode, EntryNode, type FilesNode, type FolderNode } from './nodes';

/** Shows a file or folder of an account in the Files view (revealInFilesView over the one view). */
export type RevealRemote = (account: GitShareAccount, path: string, isFolder: boolean) => Promise<void>;

export async function revealInFilesView(
  view: vscode.TreeView<FilesNode>,
  clients: GitShareClients,
  account: GitShareAccount,
  path: string,
  isFolder: boolean,
): Promise<void> {
  // The view shows roots per account only when several are signed in.
  let parent: FolderNode | undefined = clients.accounts.length > 1 ? new AccountNode(account) : undefined;
  const segments = path.split('/').filter((s) => s.length > 0);
  if (segments.length === 0) {
    if (parent) {
      await view.reveal(parent, { select: true, focus: true, expand: true });
    }
    return;
  }
  let node: EntryNode | undefined;
  let current = '';
  segments.forEach((segment, i) => {
    current += `/${segment}`;
    const type = i < segments.length - 1 || isFolder ? 'dir' : 'file';
    node = new EntryNode(
      account,
      { name: baseName(current), path: current, type, size: 0, modified: '', mtime: 0, etag: '' },
      parent,
    );
    parent = node;
  });
  await view.reveal(node!, { select: true, focus: true, expand: isFolder });
}
