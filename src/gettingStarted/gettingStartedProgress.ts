import * as vscode from 'vscode';
import { ContextKeys, Settings } from '../common/constants';
import { settings } from '../workbench/settings';

/**
 * Keeps the context keys the Getting Started walkthrough's steps complete on (package.json
 * `completionEvents`) true to what the person has done. VS Code remembers a completed step, so a
 * key only has to become true once.
 */
export class GettingStartedProgress implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.updateServer();
    this.subscription = settings.onDidChange(Settings.serverUrl, () => this.updateServer());
  }

  didUpload(): void {
    void vscode.commands.executeCommand('setContext', ContextKeys.uploaded, true);
  }

  private updateServer(): void {
    const value = settings.serverUrlAsSet();
    void vscode.commands.executeCommand('setContext', ContextKeys.serverConfigured, value.trim() !== '');
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
