/**
 * Seams for the integration tests, returned from `activate()`: they answer the
 * questions a person would answer in a dialog. Inert unless a test sets them.
 */

import type * as vscode from 'vscode';
import type { SaveConflictChoice } from '../fs/gitshareFileSystem';
import type { PromptingSaveConflictResolver } from '../fs/saveConflict';
import type { AskConflict } from './conflicts';
import type { TransferService } from './transferService';
import type { RemoteFilesTreeProvider } from '../views/filesTree';

export interface FilesTestHooks {
  /** Answers "changed on GitShare since you opened it"; `undefined` restores the dialog. */
  setSaveConflictAnswer(answer: ((uri: vscode.Uri) => Promise<SaveConflictChoice>) | undefined): void;
  /** Answers Overwrite / Skip / Keep Both; `undefined` restores the quick pick. */
  setTransferConflictAnswer(answer: AskConflict | undefined): void;
  /** The labels the Files view shows at the top level, or below a folder path of the only account. */
  treeLabels(folderPath?: string): Promise<string[]>;
}

export function filesTestHooks(
  saveConflicts: PromptingSaveConflictResolver,
  transfers: TransferService,
  tree: RemoteFilesTreeProvider,
): FilesTestHooks {
  return {
    treeLabels: async (folderPath) => {
      let nodes = await tree.getChildren();
      for (const name of (folderPath ?? '/').split('/').filter(Boolean)) {
        const folder = nodes.find((n) => n.kind === 'entry' && n.entry.name === name);
        nodes = folder ? await tree.getChildren(folder) : [];
      }
      return nodes.map((n) => String(tree.getTreeItem(n).label));
    },
    setSaveConflictAnswer: (answer) => (saveConflicts.override = answer),
    setTransferConflictAnswer: (answer) => (transfers.askOverride = answer),
  };
}
