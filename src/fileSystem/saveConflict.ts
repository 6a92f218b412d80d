/**
 * What the person sees when a save meets a file that changed on GitShare:
 * Compare, Overwrite or Cancel, asked through the one Interaction. Compare
 * opens a diff of the version on GitShare (read-only, from
 * `RemoteSnapshotProvider`, the very bytes the next save may replace) against
 * the editor; saving from there replaces that version.
 */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import { baseName } from '../api/paths';
import { FS_SCHEME } from '../common/constants';
import { toGitShareError } from '../common/errors';
import type { Interaction, SaveConflictChoice } from '../workbench/interaction';
import type { SaveConflictResolver } from './gitshareFileSystem';
import { parseRemoteUri } from './uris';

/** The scheme of read-only snapshots of the current remote bytes. */
export const SNAPSHOT_SCHEME = `${FS_SCHEME}-remote`;

export class RemoteSnapshotProvider implements vscode.TextDocumentContentProvider {
  /** Bytes read for a Compare, by snapshot URI: the diff shows exactly what was read. */
  private readonly stashed = new Map<string, Uint8Array>();

  constructor(private readonly clients: GitShareClients) {}

  /** A snapshot URI that shows `data` for `uri`. */
  stash(uri: vscode.Uri, data: Uint8Array): vscode.Uri {
    const snapshot = uri.with({ scheme: SNAPSHOT_SCHEME, query: `${Date.now()}-${this.stashed.size}` });
    // Only the latest few are kept: each is a whole file.
    if (this.stashed.size >= 8) {
      this.stashed.delete(this.stashed.keys().next().value!);
    }
    this.stashed.set(snapshot.toString(), data);
    return snapshot;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const stashed = this.stashed.get(uri.toString());
    if (stashed) {
      return new TextDecoder().decode(stashed);
    }
    try {
      const { path } = parseRemoteUri(uri);
      const { client } = this.clients.forAuthority(uri.authority);
      const { data } = await client.readFile(path);
      return new TextDecoder().decode(data);
    } catch (error) {
      return vscode.l10n.t('Could not read the version on GitShare: {0}', toGitShareError(error).message);
    }
  }
}

/** Asks through the one Interaction; Compare opens the diff. */
export class PromptingSaveConflictResolver implements SaveConflictResolver {
  constructor(
    private readonly interaction: Interaction,
    private readonly snapshots: RemoteSnapshotProvider,
  ) {}

  async resolve(uri: vscode.Uri): Promise<SaveConflictChoice> {
    const name = baseName(uri.path) || uri.path;
    // A question that cannot be shown ends in "not saved", never in an overwrite.
    return this.interaction.askSaveConflict(name).catch(() => 'cancel' as const);
  }

  async showCompare(uri: vscode.Uri, remote: Uint8Array): Promise<void> {
    const name = baseName(uri.path) || uri.path;
    // Not awaited: the save must fail now so the editor stays dirty.
    void vscode.commands.executeCommand(
      'vscode.diff',
      this.snapshots.stash(uri, remote),
      uri,
      vscode.l10n.t('{0} (on GitShare) ↔ {0} (yours): save to replace the version on GitShare', name),
    );
  }
}
