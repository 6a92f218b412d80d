/**
 * The one seam between GitShare and the person at the keyboard: everything a
 * person answers (the browser for sign-in, input boxes, picks, confirmations,
 * the save and transfer conflict questions) and the notifications they read.
 *
 * activate.ts builds one `VsCodeInteraction` (the real VS Code UI) and hands it
 * to every part. This is the one test seam: only when VS Code runs the
 * extension in `ExtensionMode.Test` is that instance wrapped so that a test
 * can put a fake in front of it (src/testing/, through the test API that
 * `activate()` returns then, and only then). In normal use `activate()`
 * returns nothing: no other extension can reach this seam, the accounts, or a
 * token.
 */

import * as vscode from 'vscode';
import { notificationText, visibleText } from '../common/untrustedText';

/** What the person chose when a save met a file that changed on GitShare. */
export type SaveConflictChoice = 'compare' | 'overwrite' | 'cancel';

/** What to do with a file that already exists at a transfer's destination. */
export type TransferConflictChoice = 'overwrite' | 'skip' | 'keepBoth';

export interface TransferConflictAnswer {
  readonly choice: TransferConflictChoice;
  /** Answer every later conflict of the same transfer the same way. */
  readonly applyToAll: boolean;
}

export interface TransferConflictQuestion {
  /** The name as shown in the transfer's summary (relative to what was chosen). */
  readonly name: string;
  /** Where the existing file is. */
  readonly where: 'gitshare' | 'local';
  /** How many more conflicts wait for an answer after this one. */
  readonly remaining: number;
}

export interface InputQuestion {
  /** Names the question for tests and logs: `serverUrl`, `signInCode`, `newName`, … */
  readonly id: string;
  readonly title?: string;
  /** Our own words; outside text in it must go through `notificationText`. */
  readonly prompt?: string;
  readonly placeHolder?: string;
  readonly value?: string;
  readonly valueSelection?: [number, number];
  readonly password?: boolean;
  /** Undefined when the value is acceptable, else what to tell the person. */
  readonly validate?: (value: string) => string | undefined;
}

export interface PickItem<T> {
  /** Our own words; outside text in it must go through `labelText`. */
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly value: T;
}

export interface PickQuestion<T> {
  readonly id: string;
  readonly title?: string;
  readonly placeHolder?: string;
  readonly items: readonly PickItem<T>[];
}

export interface ConfirmQuestion {
  readonly id: string;
  /** Shown as plain text in a modal dialog. */
  readonly message: string;
  readonly detail?: string;
  /** The button that goes ahead, e.g. "Delete"; VS Code adds Cancel. */
  readonly action: string;
}

export interface LocalChoiceQuestion {
  readonly id: string;
  readonly title: string;
  /** The accept button, e.g. "Upload". */
  readonly openLabel: string;
  readonly files: boolean;
  readonly folders: boolean;
  readonly many: boolean;
}

export type Severity = 'info' | 'warning' | 'error';

export interface Note {
  readonly severity: Severity;
  /** Shown as text: a `[label](command:…)` in it never becomes a link. */
  readonly message: string;
  readonly actions?: readonly string[];
}

/** Everything a person answers or reads, as GitShare asks it. */
export interface Interaction {
  /** Opens `url` in the person's browser; false when it could not be opened. */
  openExternal(url: string): Promise<boolean>;
  /** An input box; undefined when the person dismissed it. */
  input(question: InputQuestion): Promise<string | undefined>;
  /** A quick pick of one item; undefined when dismissed. */
  pick<T>(question: PickQuestion<T>): Promise<T | undefined>;
  /** The open dialog for files or folders on this computer; undefined when dismissed. */
  chooseLocal(question: LocalChoiceQuestion): Promise<vscode.Uri[] | undefined>;
  /** A modal question with one action and Cancel; true only for the action. */
  confirm(question: ConfirmQuestion): Promise<boolean>;
  /** "changed on GitShare since you opened it": Compare, Overwrite or Cancel. */
  askSaveConflict(name: string): Promise<SaveConflictChoice>;
  /** Overwrite / Skip / Keep Both (optionally for all); undefined cancels the transfer. */
  askTransferConflict(question: TransferConflictQuestion): Promise<TransferConflictAnswer | undefined>;
  /** A notification; resolves with the action chosen, undefined when dismissed. Not awaited by callers that go on. */
  notify(note: Note): Promise<string | undefined>;
}

/** The real VS Code UI. */
export class VsCodeInteraction implements Interaction {
  async openExternal(url: string): Promise<boolean> {
    // The string, not Uri.parse(url): parsing re-encodes a nested redirect_uri and
    // the server would see a different value (the workbench accepts a string).
    return vscode.env.openExternal(url as unknown as vscode.Uri);
  }

  async input(question: InputQuestion): Promise<string | undefined> {
    const { validate } = question;
    return vscode.window.showInputBox({
      title: question.title,
      prompt: question.prompt,
      placeHolder: question.placeHolder,
      value: question.value,
      valueSelection: question.valueSelection,
      password: question.password,
      ignoreFocusOut: true,
      validateInput: validate ? (value) => validate(value) ?? null : undefined,
    });
  }

  async pick<T>(question: PickQuestion<T>): Promise<T | undefined> {
    const picked = await vscode.window.showQuickPick(
      question.items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, item })),
      { title: question.title, placeHolder: question.placeHolder, ignoreFocusOut: true },
    );
    return picked?.item.value;
  }

  async chooseLocal(question: LocalChoiceQuestion): Promise<vscode.Uri[] | undefined> {
    const chosen = await vscode.window.showOpenDialog({
      title: question.title,
      openLabel: question.openLabel,
      canSelectFiles: question.files,
      canSelectFolders: question.folders,
      canSelectMany: question.many,
    });
    return chosen?.length ? chosen : undefined;
  }

  async confirm(question: ConfirmQuestion): Promise<boolean> {
    // Plain text, but it may name files: no character in it acts unseen.
    const answer = await vscode.window.showWarningMessage(
      visibleText(question.message),
      { modal: true, detail: question.detail === undefined ? undefined : visibleText(question.detail) },
      question.action,
    );
    return answer === question.action;
  }

  async askSaveConflict(name: string): Promise<SaveConflictChoice> {
    const compare = vscode.l10n.t('Compare');
    const overwrite = vscode.l10n.t('Overwrite');
    // A dialog that cannot be shown (no UI) ends in "not saved", never in an overwrite.
    const choice = await Promise.resolve(
      vscode.window.showWarningMessage(
        vscode.l10n.t('"{0}" changed on GitShare since you opened it.', visibleText(name)),
        {
          modal: true,
          detail: vscode.l10n.t(
            'Compare shows the version on GitShare next to yours; saving from there replaces it. Overwrite replaces it now. Cancel leaves both as they are.',
          ),
        },
        compare,
        overwrite,
      ),
    ).catch(() => undefined);
    return choice === overwrite ? 'overwrite' : choice === compare ? 'compare' : 'cancel';
  }

  async askTransferConflict(question: TransferConflictQuestion): Promise<TransferConflictAnswer | undefined> {
    type Item = vscode.QuickPickItem & { answer?: TransferConflictAnswer };
    const items: Item[] = [
      { label: vscode.l10n.t('$(replace-all) Overwrite'), answer: { choice: 'overwrite', applyToAll: false } },
      { label: vscode.l10n.t('$(debug-step-over) Skip'), answer: { choice: 'skip', applyToAll: false } },
      {
        label: vscode.l10n.t('$(files) Keep Both'),
        description: vscode.l10n.t('adds a number to the new name'),
        answer: { choice: 'keepBoth', applyToAll: false },
      },
      { label: vscode.l10n.t('For this and all other conflicts'), kind: vscode.QuickPickItemKind.Separator },
      { label: vscode.l10n.t('$(replace-all) Overwrite All'), answer: { choice: 'overwrite', applyToAll: true } },
      { label: vscode.l10n.t('$(debug-step-over) Skip All'), answer: { choice: 'skip', applyToAll: true } },
      { label: vscode.l10n.t('$(files) Keep Both for All'), answer: { choice: 'keepBoth', applyToAll: true } },
    ];
    const where =
      question.where === 'gitshare' ? vscode.l10n.t('on GitShare') : vscode.l10n.t('in the destination folder');
    const picked = await vscode.window.showQuickPick(items, {
      // A quick pick's title is plain text.
      title: vscode.l10n.t('"{0}" already exists {1}', visibleText(question.name), where),
      placeHolder: vscode.l10n.t(
        'Overwrite it, skip it, or keep both?{0}',
        question.remaining > 0 ? vscode.l10n.t(' ({0} more waiting)', question.remaining) : '',
      ),
      ignoreFocusOut: true,
    });
    return picked?.answer;
  }

  async notify(note: Note): Promise<string | undefined> {
    const show =
      note.severity === 'error'
        ? vscode.window.showErrorMessage
        : note.severity === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    return show(notificationText(note.message), ...(note.actions ?? []));
  }
}
