/**
 * What a command's argument stands for on GitShare: a row of the Files view, a `gitshare:` URI,
 * or, when it names nothing, what the person picks in the remote picker. The Files view's own
 * commands use it, and the transfers' commands get it as their RemoteTargets.
 */

import type { GitShareClients } from '../api/clients';
import { parentPath } from '../api/paths';
import type { Entry } from '../api/types';
import type { GitShareAccount } from '../common/accounts';
import { isRemoteUri, parseRemoteUri } from '../fileSystem/uris';
import type { RemoteFolder, RemoteTargets } from '../transfers/transferCommands';
import { AccountNode, EntryNode, folderOf } from './nodes';
import { pickRemote } from './remotePicker';

export class FilesViewTargets implements RemoteTargets {
  constructor(private readonly clients: GitShareClients) {}

  /** The folder a command acts on: the one its argument stands for, else the one the person picks. */
  async folderOrPick(target: unknown, title: string): Promise<RemoteFolder | undefined> {
    return (await this.folderTarget(target)) ?? (await pickRemote(this.clients, { mode: 'folder', title }));
  }

  /** What to download: the tree's selection, a gitshare: URI, or what the person picks. */
  async entriesOrPick(
    target: unknown,
    selection: readonly unknown[] | undefined,
    title: string,
  ): Promise<Map<GitShareAccount, Entry[]> | undefined> {
    const groups = new Map<GitShareAccount, Entry[]>();
    const nodes = (selection?.length ? selection : target ? [target] : []).filter(
      (n): n is EntryNode => n instanceof EntryNode,
    );
    for (const node of nodes) {
      groups.set(node.account, [...(groups.get(node.account) ?? []), node.entry]);
    }
    if (groups.size) {
      return groups;
    }
    if (isRemoteUri(target)) {
      const { account, client } = this.clients.forAuthority(target.authority);
      groups.set(account, [await client.entry(parseRemoteUri(target).path)]);
      return groups;
    }
    const choice = await pickRemote(this.clients, { mode: 'fileOrFolder', title });
    if (!choice) {
      return undefined;
    }
    const entry = choice.entry ?? (await this.clients.forAccount(choice.account).entry(choice.path));
    groups.set(choice.account, [entry]);
    return groups;
  }

  /** The folder a command argument stands for: a tree node or a gitshare: URI of a folder. */
  private async folderTarget(target: unknown): Promise<RemoteFolder | undefined> {
    if (target instanceof EntryNode || target instanceof AccountNode) {
      return folderOf(target);
    }
    if (isRemoteUri(target)) {
      const { account, client } = this.clients.forAuthority(target.authority);
      const { path } = parseRemoteUri(target);
      const entry = path === '/' ? undefined : await client.tryEntry(path);
      return { account, path: entry && entry.type === 'file' ? parentPath(path) : path };
    }
    return undefined;
  }
}
