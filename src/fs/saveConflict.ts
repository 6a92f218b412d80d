/**
 * What the person sees when a save meets a file that changed on GitShare:
 * Compare, Overwrite or Cancel. Compare opens a diff of the version on
 * GitShare (read-only, from `RemoteSnapshotProvider`) against the editor.
 */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import { baseName } from '../api/paths';
import { FS_SCHEME } from '../common/constants';
import { toGitShareError } from '../common/errors';
import type { Interaction, SaveConflictChoice } from '../common/interaction';
import type { SaveConflictResolver } from './gitshareFileSystem';
import { parseRemoteUri } from './uris';

/** The scheme of read-only snapshots of the current remote bytes. */
export const SNAPSHOT_SCHEME = `${FS_SCHEME}-remote`;

export class RemoteSnapshotProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly clients: GitShareClients) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    try {
      const { path } = parseRemoteUri(uri);
      const { client } = this.clients.forAuthority(uri.authority);
      const { data } = await client.readFile(path);
      return new TextDecoder().decode(data);
    } catch (error) {
      return `Could not read the version on GitShare: ${toGitShareError(error).message}`;
    }
  }
}

/** Asks through the one Interaction; Compare also opens the diff. */
export class PromptingSaveConflictResolver implements SaveConflictResolver {
  constructor(private readonly interaction: Interaction) {}

  async resolve(uri: vscode.Uri): Promise<SaveConflictChoice> {
    const name = baseName(uri.path) || uri.path;
    const choice = await this.interaction.askSaveConflict(name).catch(() => 'cancel' as const);
    if (choice === 'compare') {
      // Not awaited: the save must fail now so the editor stays dirty.
      void vscode.commands.executeCommand(
        'vscode.diff',
        uri.with({ scheme: SNAPSHOT_SCHEME, query: String(Date.now()) }),
        uri,
        `${name} (GitShare) ↔ ${name} (yours)`,
      );
    }
    return choice;
  }
}
