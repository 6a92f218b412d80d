import * as vscode from 'vscode';
import { Commands } from './common/constants';
import { ErrorHandler } from './common/errorHandler';
import { Logger } from './common/logger';
import { GitShareAuthentication } from './auth/authentication';
import { GitShareAuthTestHooks } from './auth/authProvider';
import { AccountDirectory } from './common/accounts';
import { GitShareClients } from './api/clients';
import { CheckConnectionCommand } from './commands/checkConnection';
import { FileCommands } from './commands/fileCommands';
import { filesTestHooks, type FilesTestHooks } from './commands/testHooks';
import { TransferService } from './commands/transferService';
import { FS_SCHEME, ViewIds } from './common/constants';
import { GitShareFileSystemProvider } from './fs/gitshareFileSystem';
import { PromptingSaveConflictResolver, RemoteSnapshotProvider, SNAPSHOT_SCHEME } from './fs/saveConflict';
import { FilesDragAndDropController } from './views/filesDragAndDrop';
import { RemoteFilesTreeProvider } from './views/filesTree';

/**
 * What `activate` returns. `accounts` is the signed-in account directory;
 * `auth` holds test seams (see GitShareAuthTestHooks), inert in normal use.
 */
export interface GitShareExtensionApi {
  readonly accounts: AccountDirectory;
  readonly auth: GitShareAuthTestHooks;
  readonly files: FilesTestHooks;
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

  const version: string = context.extension.packageJSON.version;
  const clients = GitShareClients.withDefaults(auth.accounts, logger, { userAgent: `GitShare-VSCode/${version} (${vscode.env.appName})` });
  const saveConflicts = new PromptingSaveConflictResolver();
  const fileSystem = new GitShareFileSystemProvider(clients, logger.child('fs'), saveConflicts);
  const tree = new RemoteFilesTreeProvider(clients, logger.child('tree'), fileSystem.onDidChangeFile);
  const transfers = new TransferService(clients, logger.child('transfers'), fileSystem, { onDidUpload: (account, folder) => tree.refreshFolder(account, folder) });
  context.subscriptions.push(
    clients,
    fileSystem,
    tree,
    vscode.workspace.registerFileSystemProvider(FS_SCHEME, fileSystem, { isCaseSensitive: true }),
    vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, new RemoteSnapshotProvider(clients)),
    vscode.window.createTreeView(ViewIds.files, {
      treeDataProvider: tree,
      canSelectMany: true,
      showCollapseAll: true,
      dragAndDropController: new FilesDragAndDropController(clients, tree, fileSystem, transfers, errors),
    }),
    new FileCommands(clients, tree, fileSystem, transfers, errors),
    new CheckConnectionCommand(logger.child('check'), errors, version),
  );
  void errors;
  logger.info(`GitShare ${context.extension.packageJSON.version} activated`);
  return { accounts: auth.accounts, auth: auth.testHooks, files: filesTestHooks(saveConflicts, transfers, tree) };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
