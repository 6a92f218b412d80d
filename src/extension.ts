import * as vscode from 'vscode';
import { Commands } from './common/constants';
import { ErrorHandler } from './common/errorHandler';
import { Logger } from './common/logger';
import { GitShareAuthentication } from './auth/authentication';
import { GitShareAuthTestHooks } from './auth/authProvider';
import { AccountDirectory } from './common/accounts';

/**
 * What `activate` returns. `accounts` is the signed-in account directory;
 * `auth` holds test seams (see GitShareAuthTestHooks), inert in normal use.
 */
export interface GitShareExtensionApi {
  readonly accounts: AccountDirectory;
  readonly auth: GitShareAuthTestHooks;
}

/** The composition root: builds the parts and hands them to `context.subscriptions`. */
export function activate(context: vscode.ExtensionContext): GitShareExtensionApi {
  const output = vscode.window.createOutputChannel('GitShare', { log: true });
  const logger = Logger.create(output);
  const errors = new ErrorHandler(logger);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand(Commands.showLog, () => output.show()),
  );
  const auth = new GitShareAuthentication(context.secrets, logger.child('auth'), errors);
  context.subscriptions.push(auth);
  void errors;
  logger.info(`GitShare ${context.extension.packageJSON.version} activated`);
  return { accounts: auth.accounts, auth: auth.testHooks };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
