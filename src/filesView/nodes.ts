/** The elements of the Files tree. Plain data: the provider turns them into TreeItems. */

import { parentPath } from '../api/paths';
import type { Entry } from '../api/types';
import type { GitShareAccount } from '../common/accounts';

/** An account's root, shown only when more than one account is signed in. */
export class AccountNode {
  readonly kind = 'account';
  readonly path = '/';
  readonly parent = undefined;
  constructor(readonly account: GitShareAccount) {}
}

export class EntryNode {
  readonly kind = 'entry';
  constructor(
    readonly account: GitShareAccount,
    readonly entry: Entry,
    /** Undefined for a top-level entry when one account is signed in. */
    readonly parent: FolderNode | undefined,
  ) {}
  get path(): string {
    return this.entry.path;
  }
  get isFolder(): boolean {
    return this.entry.type === 'dir';
  }
}

export class LoadMoreNode {
  readonly kind = 'loadMore';
  constructor(
    readonly account: GitShareAccount,
    readonly folderPath: string,
    readonly parent: FolderNode | undefined,
  ) {}
}

export class MessageNode {
  readonly kind = 'message';
  constructor(
    readonly text: string,
    readonly parent: FolderNode | undefined,
    readonly isError: boolean,
  ) {}
}

export type FolderNode = AccountNode | EntryNode;
export type FilesNode = AccountNode | EntryNode | LoadMoreNode | MessageNode;

/** The account and folder a node stands for when it is the target of an upload or a new folder. */
export function folderOf(node: FilesNode): { account: GitShareAccount; path: string } | undefined {
  switch (node.kind) {
    case 'account':
      return { account: node.account, path: '/' };
    case 'entry':
      if (node.isFolder) {
        return { account: node.account, path: node.entry.path };
      }
      return { account: node.account, path: parentPath(node.entry.path) };
    default:
      return undefined;
  }
}
