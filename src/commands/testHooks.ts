/**
 * Seams for the integration tests, returned from `activate()`: they answer the
 * questions a person would answer in a dialog. Inert unless a test sets them.
 */

import type * as vscode from 'vscode';
import type { SaveConflictChoice } from '../fs/gitshareFileSystem';
import type { PromptingSaveConflictResolver } from '../fs/saveConflict';
import type { AskConflict } from './conflicts';
import type { TransferService } from './transferService';

export interface FilesTestHooks {
  /** Answers "changed on GitShare since you opened it"; `undefined` restores the dialog. */
  setSaveConflictAnswer(answer: ((uri: vscode.Uri) => Promise<SaveConflictChoice>) | undefined): void;
  /** Answers Overwrite / Skip / Keep Both; `undefined` restores the quick pick. */
  setTransferConflictAnswer(answer: AskConflict | undefined): void;
}

export function filesTestHooks(saveConflicts: PromptingSaveConflictResolver, transfers: TransferService): FilesTestHooks {
  return {
    setSaveConflictAnswer: (answer) => (saveConflicts.override = answer),
    setTransferConflictAnswer: (answer) => (transfers.askOverride = answer),
  };
}
