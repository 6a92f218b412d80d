/**
 * The composition root every extension host shares: builds the parts and hands them to
 * `context.subscriptions`. What differs by host comes in as `Host`, built by the entry file that
 * VS Code loads (extension.ts for the Node extension host).
 *
 * Returns nothing in normal use: no other extension gets an API, an account or a token from
 * GitShare (they ask VS Code with `vscode.authentication.getSession`). Only in
 * ExtensionMode.Test does it return the test API (src/testing/).
 */
import * as vscode from 'vscode';
import { GitShareClients } from './api/clients';
import { FS_SCHEME, ViewIds } from './common/constants';
import type { HttpTransport } from './common/http';
import { CheckConnectionCommand } from './connectionCheck/checkConnectionCommand';
import { ClearTextProxyWarning } from './connectionCheck/clearTextProxyWarning';
import type { HostNetwork } from './connectionCheck/networkSteps';
import { GitShareFileSystemProvider } from './fileSystem/gitshareFileSystem';
import { RemoteWatchService } from './fileSystem/remoteWatchService';
import { PromptingSaveConflictResolver, RemoteSnapshotProvider, SNAPSHOT_SCHEME } from './fileSystem/saveConflict';
import { FileCommands } from './filesView/fileCommands';
import { WorkspaceJoin } from './filesView/workspaceJoin';
import { FilesDragAndDropController } from './filesView/filesDragAndDrop';
import { RemoteFilesTreeProvider } from './filesView/filesTree';
import { revealInFilesView, type RevealRemote } from './filesView/reveal';
import { RevealInViewCommand } from './filesView/revealInViewCommand';
import { FilesViewTargets } from './filesView/targets';
import { TreeFreshness } from './filesView/treeFreshness';
import { GettingStartedProgress } from './gettingStarted/gettingStartedProgress';
import { GoToFileCommand } from './search/goToFileCommand';
import { FileIndexService } from './search/indexService';
import { GitShareAuthentication } from './sessions/authentication';
import { TransferCommands } from './transfers/transferCommands';
import type { LocalFiles } from './transfers/localFiles';
import { TransferService } from './transfers/transferService';
import { followDisplayLanguage } from './workbench/displayLanguage';
import { ErrorHandler } from './workbench/errorHandler';
import { VsCodeInteraction } from './workbench/interaction';
import { LogChannel } from './workbench/logChannel';
import type { TestSeam } from './workbench/testSeam';

/** What differs by extension host, built by the entry file. */
export interface Host {
  /** HTTP: node-fetch through VS Code's proxy support, or the browser's fetch. */
  readonly transport: HttpTransport;
  /** The local side of uploads and downloads: the disk, or the workspace's file system in the browser. */
  readonly files: LocalFiles;
  /** Check Connection's steps below HTTP (DNS, proxy, TLS), as the host can run them. */
  readonly network: HostNetwork;
  /** The test-only code (src/testing/); asked for only in ExtensionMode.Test. */
  loadTestSeam(): TestSeam;
}

export function activateGitShare(context: vscode.ExtensionContext, host: Host): unknown {
  followDisplayLanguage();
  const testSeam = context.extensionMode === vscode.ExtensionMode.Test ? host.loadTestSeam() : undefined;
  const log = new LogChannel();
  const logger = log.logger;
  const interaction = testSeam ? testSeam.interaction(new VsCodeInteraction()) : new VsCodeInteraction();
  const errors = new ErrorHandler(logger, interaction, testSeam?.shownErrors);
  context.subscriptions.push(log);
  const auth = new GitShareAuthentication(context.secrets, logger.child('auth'), errors, interaction, host.transport);
  context.subscriptions.push(auth);

  const version: string = context.extension.packageJSON.version;
  const clients = GitShareClients.withDefaults(auth.accounts, logger, {
    userAgent: `GitShare-VSCode/${version} (${vscode.env.appName})`,
    transport: host.transport,
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
    host.files,
  );
  const filesView = vscode.window.createTreeView(ViewIds.files, {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
    dragAndDropController: new FilesDragAndDropController(clients, tree, fileSystem, transfers, errors),
  });
  const targets = new FilesViewTargets(clients);
  const fileIndexes = new FileIndexService(
    clients,
    context.globalStorageUri,
    logger.child('index'),
    fileSystem.onDidChangeFile,
  );
  const workspaceJoin = new WorkspaceJoin(context.globalState, interaction, logger.child('workspace'));
  void workspaceJoin
    .checkAfterReload()
    .catch((error: unknown) => errors.handle(error, vscode.l10n.t('Add folder to workspace')));
  const reveal: RevealRemote = (account, path, isFolder) =>
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
    workspaceJoin,
    new FileCommands(clients, tree, fileSystem, targets, errors, interaction, workspaceJoin),
    new TransferCommands(transfers, targets, errors, interaction),
    new CheckConnectionCommand(logger.child('check'), errors, version, host.transport, host.network),
    ...(host.network.proxySettingsApply
      ? [new ClearTextProxyWarning(auth.accounts, host.network, errors, logger.child('check'))]
      : []),
    gettingStarted,
  );
  logger.info(`GitShare ${version} activated`);
  return testSeam?.api({ accounts: auth.accounts, filesView: tree });
}
