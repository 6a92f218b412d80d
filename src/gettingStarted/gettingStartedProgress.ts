import * as vscode from 'vscode';
import { SETTINGS_SECTION, Settings } from '../common/constants';

/** Context keys the Getting Started walkthrough's steps complete on (package.json `completionEvents`). */
export const GettingStartedContext = {
  /** `gitshare.serverUrl` is set: true also when it was set before the walkthrough was opened. */
  serverConfigured: 'gitshare.serverConfigured',
  /** An upload to GitShare finished in this window. */
  uploaded: 'gitshare.uploaded',
} as const;

/**
 * Keeps the walkthrough's context keys true to what the person has done. VS Code remembers a
 * completed step, so a key only has to become true once.
 */
export class GettingStartedProgress implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.updateServer();
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SETTINGS_SECTION}.${Settings.serverUrl}`)) {
        this.updateServer();
      }
    });
  }

  didUpload(): void {
    void vscode.commands.executeCommand('setContext', GettingStartedContext.uploaded, true);
  }

  private updateServer(): void {
    const value = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>(Settings.serverUrl, '');
    void vscode.commands.executeCommand('setContext', GettingStartedContext.serverConfigured, value.trim() !== '');
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
