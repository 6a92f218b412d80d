/**
 * What `activate()` returns in `ExtensionMode.Test`, and only then (activate.ts checks the mode;
 * this folder is a bundle of its own that only then is loaded): the one way a test reaches into
 * the running extension. Through it, and nowhere else, a test may put a fake in front of the
 * Interaction seam (workbench/interaction.ts); beside that it only reads (accounts by name, errors
 * as shown, the Files view's rows) or clicks a row as a person does. It holds no token and nothing
 * that hands one out. In normal use `activate()` returns nothing, so no other extension can reach
 * any of this.
 */

import * as vscode from 'vscode';
import type { AccountDirectory } from '../common/accounts';
import type { ShownError, ShownErrorSink } from '../workbench/errorHandler';
import type { Interaction } from '../workbench/interaction';
import type { SwappableInteraction } from './swappableInteraction';

export type { ShownError };

/** What an account looks like to a test: names, never tokens. */
export interface AccountSummary {
  readonly id: string;
  readonly label: string;
  readonly serverUrl: string;
  readonly authority: string;
}

/**
 * What `activate()` returns in `ExtensionMode.Test`, and only then. It holds no
 * token and nothing that hands one out.
 */
export interface GitShareTestApi {
  /** Puts a fake in front of the real UI; `undefined` restores the real UI. */
  setInteraction(fake: Partial<Interaction> | undefined): void;
  /** The signed-in accounts. */
  accounts(): readonly AccountSummary[];
  /** Every error the error handler has shown since activation (or the last `clearShownErrors`). */
  shownErrors(): readonly ShownError[];
  clearShownErrors(): void;
  /**
   * The labels the Files view shows at its top level, or inside the folder
   * reached by following `labels` (each a label shown one level up).
   */
  filesViewLabels(...labels: string[]): Promise<string[]>;
  /** Runs the command of the Files view row reached by following `labels`, as a click on it does. */
  clickFilesViewRow(...labels: string[]): Promise<void>;
}

/** The error record a Test-mode ErrorHandler writes to. */
export class ShownErrorRecord implements ShownErrorSink {
  private readonly shown: ShownError[] = [];
  add(error: ShownError): void {
    this.shown.push(error);
  }
  list(): readonly ShownError[] {
    return [...this.shown];
  }
  clear(): void {
    this.shown.length = 0;
  }
}

export function createTestApi<T>(parts: {
  interaction: SwappableInteraction;
  accounts: AccountDirectory;
  shownErrors: ShownErrorRecord;
  filesView: vscode.TreeDataProvider<T>;
}): GitShareTestApi {
  const labelOf = async (node: T) => {
    const label = (await parts.filesView.getTreeItem(node)).label;
    return typeof label === 'string' ? label : (label?.label ?? '');
  };
  /** The rows inside the folder reached by following `labels` (each a label shown one level up). */
  const follow = async (labels: readonly string[]): Promise<T[]> => {
    let nodes = (await parts.filesView.getChildren()) ?? [];
    for (const wanted of labels) {
      let folder: T | undefined;
      for (const node of nodes) {
        if ((await labelOf(node)) === wanted) {
          folder = node;
        }
      }
      nodes = folder === undefined ? [] : ((await parts.filesView.getChildren(folder)) ?? []);
    }
    return nodes;
  };
  return {
    setInteraction: (fake) => parts.interaction.swap(fake),
    accounts: () =>
      parts.accounts.accounts.map(({ id, label, serverUrl, authority }) => ({ id, label, serverUrl, authority })),
    shownErrors: () => parts.shownErrors.list(),
    clearShownErrors: () => parts.shownErrors.clear(),
    filesViewLabels: async (...labels) => Promise.all((await follow(labels)).map(labelOf)),
    clickFilesViewRow: async (...labels) => {
      const nodes = await follow(labels.slice(0, -1));
      let row: T | undefined;
      for (const node of nodes) {
        if ((await labelOf(node)) === labels.at(-1)) {
          row = node;
        }
      }
      const command = row === undefined ? undefined : (await parts.filesView.getTreeItem(row)).command;
      if (!command) {
        throw new Error(vscode.l10n.t('No row {0} with a command in the Files view', labels.join(' › ')));
      }
      await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    },
  };
}
