import type * as vscode from 'vscode';
import type {
  ConfirmQuestion,
  InputQuestion,
  Interaction,
  LocalChoiceQuestion,
  Note,
  PickQuestion,
  SaveConflictChoice,
  TransferConflictAnswer,
  TransferConflictQuestion,
} from '../workbench/interaction';

/**
 * The Interaction every part holds in ExtensionMode.Test. It forwards to the real UI; a test,
 * through `GitShareTestApi.setInteraction` (testApi.ts), may put a fake in front of it. Methods
 * the fake leaves out still reach the real UI.
 */
export class SwappableInteraction implements Interaction {
  private fake: Partial<Interaction> | undefined;

  constructor(private readonly real: Interaction) {}

  /** Not part of `Interaction`: only `createTestApi` (testApi.ts) calls it. */
  swap(fake: Partial<Interaction> | undefined): void {
    this.fake = fake;
  }

  openExternal(url: string): Promise<boolean> {
    return this.fake?.openExternal ? this.fake.openExternal(url) : this.real.openExternal(url);
  }
  input(question: InputQuestion): Promise<string | undefined> {
    return this.fake?.input ? this.fake.input(question) : this.real.input(question);
  }
  pick<T>(question: PickQuestion<T>): Promise<T | undefined> {
    return this.fake?.pick ? this.fake.pick(question) : this.real.pick(question);
  }
  chooseLocal(question: LocalChoiceQuestion): Promise<vscode.Uri[] | undefined> {
    return this.fake?.chooseLocal ? this.fake.chooseLocal(question) : this.real.chooseLocal(question);
  }
  confirm(question: ConfirmQuestion): Promise<boolean> {
    return this.fake?.confirm ? this.fake.confirm(question) : this.real.confirm(question);
  }
  askSaveConflict(name: string): Promise<SaveConflictChoice> {
    return this.fake?.askSaveConflict ? this.fake.askSaveConflict(name) : this.real.askSaveConflict(name);
  }
  askTransferConflict(question: TransferConflictQuestion): Promise<TransferConflictAnswer | undefined> {
    return this.fake?.askTransferConflict
      ? this.fake.askTransferConflict(question)
      : this.real.askTransferConflict(question);
  }
  notify(note: Note): Promise<string | undefined> {
    return this.fake?.notify ? this.fake.notify(note) : this.real.notify(note);
  }
}
