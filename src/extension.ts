import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { Commands, FS_SCHEME, ViewIds } from './common/constants';
import { ErrorHandler } from './workbench/errorHandler';
import { setDisplayLanguage } from './common/format';
import { SwappableInteraction, VsCodeInteraction } from './workbench/interaction';
import { createTestApi, GitShareTestApi, ShownErrorRecord } from './testing/testApi';
import { Logger } from './common/logger';
import { GitShareAuthentication } from './sessions/authentication';
import { GitShareClients } from './api/clients';
import type { GitShareAccount } from './common/accounts';
import { CheckConnectionCommand } from './connectionCheck/checkConnectionCommand';
import { FileCommands } from './filesView/fileCommands';
import { GettingStartedProgress } from './gettingStarted/gettingStartedProgress';
import { GoToFileCommand } from './search/goToFileCommand';
import { RevealInViewCommand } from './filesView/revealInViewCommand';
import { TransferService } from './transfers/transferService';
import { GitShareFileSystemProvider } from './fileSystem/gitshareFileSystem';
import { RemoteWatchService } from './fileSystem/remoteWatchService';
import { PromptingSaveConflictResolver, RemoteSnapshotProvider, SNAPSHOT_SCHEME } from './fileSystem/saveConflict';
import { FilesDragAndDropController } from './filesView/filesDragAndDrop';
import { RemoteFilesTreeProvider } from './filesView/filesTree';
import { revealInFilesView } from './filesView/reveal';
import { TreeFreshness } from './filesView/treeFreshness';
import { FileIndexService } from './search/indexService';

/**
 * The composition root: builds the parts and hands them to `context.subscriptions`.
 * Returns nothing in normal use: no other extension gets an API, an account or a
 * token from GitShare (they ask VS Code with `vscode.authentication.getSession`).
 * Only in ExtensionMode.Test does it return the test API (src/testing/testApi.ts).
 */
export function activate(context: vscode.ExtensionContext): GitShareTestApi | undefined {
  // The vscode-free modules (api/, auth/'s protocol, common/errors.ts) translate with @vscode/l10n:
  // hand it the bundle VS Code loaded for the display language (none for English).
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  // Counts, sizes and times follow the display language too (common/format.ts).
  setDisplayLanguage(vscode.env.language);
  const testMode = context.extensionMode === vscode.ExtensionMode.Test;
  const output = vscode.window.createOutputChannel('GitShare', { log: true });
  const logger = Logger.create(output);
  const interaction = new SwappableInteraction(new VsCodeInteraction());
  const shownErrors = testMode ? new ShownErrorRecord() : undefined;
  const errors = new ErrorHandler(logger, interaction, shownErrors);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand(Commands.showLog, () => output.show()),
  );
  const auth = new GitShareAuthentication(context.secrets, logger.child('auth'), errors, interaction);
  context.subscriptions.push(auth);

  const version: string = context.extension.packageJSON.version;
  const clients = GitShareClients.withDefaults(auth.accounts, logger, {
    userAgent: `GitShare-VSCode/${version} (${vscode.env.appName})`,
  });
  const snapshots = new RemoteSnapshotProvider(clients);
  const saveConflicts = new PromptingSaveConflictResolver(interaction, snapshots);
  const fileSystem = new GitShareFileSystemProvider(clients, logger.child('fs'), saveConflicts);
  const watcher = new RemoteWatchService(clients, fileSystem, logger.child('watch'));
  fileSystem.useWatcher(watcher);
  const tree = new RemoteFilesTreeProvider(clients, logger.child('tree'), fileSystem.onDidChangeFile);
  const gettingStarted = new GettingStartedProgress();
  const transfers = new TransferService(
    clients,
    logger.child('transfers'),
    fileSystem,
    {
      onDidUpload: (account, folder) => {
        tree.refreshFolder(account, folder);
        gettingStarted.didUpload();
      },
    },
    interaction,
    errors,
  );
  const filesView = vscode.window.createTreeView(ViewIds.files, {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
    dragAndDropController: new FilesDragAndDropController(clients, tree, fileSystem, transfers, errors),
  });
  const fileIndexes = new FileIndexService(
    clients,
    context.globalStorageUri,
    logger.child('index'),
    fileSystem.onDidChangeFile,
  );
  const reveal = (account: GitShareAccount, path: string, isFolder: boolean) =>
    revealInFilesView(filesView, clients, account, path, isFolder);
  context.subscriptions.push(
    clients,
    fileSystem,
    watcher,
    tree,
    vscode.workspace.registerFileSystemProvider(FS_SCHEME, fileSystem, { isCaseSensitive: true }),
    vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, snapshots),
    filesView,
    new TreeFreshness(clients, tree, filesView, logger.child('tree')),
    fileIndexes,
    new GoToFileCommand(clients, fileIndexes, reveal, errors, logger.child('goToFile')),
    new RevealInViewCommand(clients, reveal, errors),
    new FileCommands(clients, tree, fileSystem, transfers, errors, interaction),
    new CheckConnectionCommand(logger.child('check'), errors, version),
    gettingStarted,
  );
  logger.info(`GitShare ${version} activated`);
  if (!testMode || !shownErrors) {
    return undefined;
  }
  return createTestApi({ interaction, accounts: auth.accounts, shownErrors, filesView: tree });
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
