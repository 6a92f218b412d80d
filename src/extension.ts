import * as vscode from 'vscode';
import { Commands } from './common/constants';
import { ErrorHandler } from './common/errorHandler';
import { Logger } from './common/logger';

/** The composition root: builds the parts and hands them to `context.subscriptions`. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('GitShare', { log: true });
  const logger = Logger.create(output);
  const errors = new ErrorHandler(logger);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand(Commands.showLog, () => output.show()),
  );
  void errors;
  logger.info(`GitShare ${context.extension.packageJSON.version} activated`);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
