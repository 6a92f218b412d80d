/**
 * Runs uploads and downloads in the window: a progress notification with
 * bytes and percent and a Cancel that aborts the requests at once, bounded
 * parallel transfers, the Overwrite / Skip / Keep Both question, and one
 * summary at the end. The decisions are in plan.ts, jobs.ts and queue.ts (vscode-free).
 */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import { isEqualOrDescendant } from '../api/paths';
import type { Entry } from '../api/types';
import type { GitShareAccount } from '../common/accounts';
import { formatBytes } from '../common/format';
import { abortSignalFor } from '../common/cancellation';
import type { ErrorHandler } from '../workbench/errorHandler';
import type { Logger } from '../common/logger';
import type { GitShareFileSystemProvider } from '../fileSystem/gitshareFileSystem';
import { remoteUri } from '../fileSystem/uris';
import type { Interaction } from '../workbench/interaction';
import { settings } from '../workbench/settings';
import { ConflictDecider, type AskConflict } from './conflicts';
import { createRemoteFolders, downloadJob, uploadJob } from './jobs';
import type { LocalFiles } from './localFiles';
import { planDownload, planUpload } from './plan';
import { describeSummary, summaryLines, DEFAULT_CONCURRENCY, TransferQueue, type TransferSummary } from './queue';

/** Shortest time between two updates of the progress notification. */
const PROGRESS_INTERVAL_MS = 100;
/** Files an upload's confirmation names one by one; the rest are counted. */
const MAX_NAMED_FILES = 12;

export interface TransferListener {
  /** Called after an upload, so the tree can show the new files. */
  onDidUpload(account: GitShareAccount, remoteFolder: string): void;
}

export class TransferService {
  constructor(
    private readonly clients: GitShareClients,
    private readonly logger: Logger,
    private readonly fileSystem: GitShareFileSystemProvider,
    private readonly listener: TransferListener,
    private readonly interaction: Interaction,
    private readonly errors: ErrorHandler,
    /** This extension host's local side: the disk, or the workspace's file system in the browser. */
    readonly files: LocalFiles,
  ) {}

  async upload(
    account: GitShareAccount,
    remoteFolder: string,
    localPaths: readonly string[],
  ): Promise<TransferSummary> {
    const client = this.clients.forAccount(account);
    const summary = await this.withProgress(vscode.l10n.t('Uploading to GitShare'), async (queue, signal) => {
      const plan = await planUpload(this.files, localPaths, remoteFolder, signal);
      plan.refused.forEach((outcome) => queue.record(outcome));
      // Parents come with each file; only folders that would stay empty need creating.
      const empty = plan.folders.filter(
        (folder) => !plan.files.some((file) => isEqualOrDescendant(file.remote, folder)),
      );
      (await createRemoteFolders(client, empty, signal)).forEach((outcome) => queue.record(outcome));
      const decider = new ConflictDecider(this.askConflict('gitshare'));
      return queue.run(
        plan.files.map((item) => uploadJob(client, this.files, item, decider)),
        signal,
      );
    });
    this.listener.onDidUpload(account, remoteFolder);
    this.fileSystem.notifyChanged(remoteUri(account, remoteFolder));
    await this.report(summary, 'uploaded');
    return summary;
  }

  /**
   * Before an upload of files the person did not choose in their own file dialog or drag from
   * the workspace: a modal that names the destination and the files. Named by a command's
   * arguments (a `command:` link, another extension) or dropped from outside, they may be any
   * file this computer lets VS Code read (`~/.ssh/id_rsa`). True only for its Upload button.
   */
  async confirmUpload(
    account: GitShareAccount,
    remoteFolder: string,
    localPaths: readonly string[],
    why: 'command' | 'drop',
  ): Promise<boolean> {
    const named = localPaths.slice(0, MAX_NAMED_FILES);
    const more = localPaths.length - named.length;
    return this.interaction.confirm({
      id: 'uploadNamedFiles',
      message:
        localPaths.length === 1
          ? vscode.l10n.t(
              'Upload "{0}" to {1} on GitShare ({2})?',
              this.files.name(localPaths[0]!),
              remoteFolder,
              account.label,
            )
          : vscode.l10n.t(
              'Upload {0} files and folders to {1} on GitShare ({2})?',
              localPaths.length,
              remoteFolder,
              account.label,
            ),
      // A modal's text is plain text: names in it stay names.
      detail: [
        why === 'command'
          ? vscode.l10n.t(
              "They were named by the command that started this upload (the Explorer's menu, a link or another extension), not chosen in your file dialog.",
            )
          : vscode.l10n.t('They were dropped from outside the open workspace.'),
        '',
        ...named,
        ...(more > 0 ? [vscode.l10n.t('…and {0} more', more)] : []),
      ].join('\n'),
      action: vscode.l10n.t('Upload'),
    });
  }

  async download(account: GitShareAccount, entries: readonly Entry[], localFolder: string): Promise<TransferSummary> {
    const client = this.clients.forAccount(account);
    const summary = await this.withProgress(vscode.l10n.t('Downloading from GitShare'), async (queue, signal) => {
      const plan = await planDownload(client, this.files, entries, localFolder, signal);
      plan.refused.forEach((outcome) => queue.record(outcome));
      for (const folder of plan.folders) {
        await this.files.createFolder(folder);
      }
      const decider = new ConflictDecider(this.askConflict('local'));
      return queue.run(
        plan.files.map((item) => downloadJob(client, this.files, item, decider)),
        signal,
      );
    });
    await this.report(summary, 'downloaded');
    return summary;
  }

  private concurrency(): number {
    return settings.transfersConcurrency() ?? DEFAULT_CONCURRENCY;
  }

  private withProgress(
    title: string,
    work: (queue: TransferQueue, signal: AbortSignal) => Promise<TransferSummary>,
  ): Thenable<TransferSummary> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const cancellation = abortSignalFor(token);
        let reported = 0;
        let lastReport = -Infinity;
        const queue = new TransferQueue(this.concurrency(), (p) => {
          // A few updates a second are enough for the notification (each one is a message to the window).
          const now = performance.now();
          if (p.filesDone < p.filesTotal && now - lastReport < PROGRESS_INTERVAL_MS) {
            return;
          }
          lastReport = now;
          const percent = p.bytesTotal > 0 ? Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 100)) : 0;
          const message =
            p.bytesTotal > 0
              ? vscode.l10n.t(
                  '{0} of {1} files — {2} of {3} ({4}%)',
                  p.filesDone,
                  p.filesTotal,
                  formatBytes(p.bytesDone),
                  formatBytes(p.bytesTotal),
                  percent,
                )
              : vscode.l10n.t('{0} of {1} files', p.filesDone, p.filesTotal);
          progress.report({ message, increment: Math.max(0, percent - reported) });
          reported = Math.max(reported, percent);
        });
        try {
          return await work(queue, cancellation.signal);
        } catch (error) {
          if (cancellation.signal.aborted) {
            return queue.summary(true);
          }
          throw error;
        } finally {
          cancellation.dispose();
        }
      },
    );
  }

  private async report(summary: TransferSummary, verb: 'uploaded' | 'downloaded'): Promise<void> {
    const text = describeSummary(summary, verb);
    this.logger.info(text);
    for (const line of summaryLines(summary)) {
      this.logger.info(`  ${line}`);
    }
    for (const outcome of summary.outcomes) {
      if (outcome.status === 'failed' && outcome.error) {
        this.logger.debug(`  ${outcome.label}`, outcome.error);
      }
    }
    const firstFailure = summary.outcomes.find((o) => o.status === 'failed');
    const shown = firstFailure
      ? vscode.l10n.t('{0} {1}: {2}', text, firstFailure.label, firstFailure.reason ?? vscode.l10n.t('failed'))
      : text;
    // Not awaited: the command is done; the message stays until dismissed. The names in it
    // come from the disk or the server: it is shown as text, never as a link.
    void this.errors.show(firstFailure ? 'warning' : 'info', shown);
  }

  /** The Overwrite / Skip / Keep Both question, with "for all" answers when more are waiting. */
  private askConflict(where: 'gitshare' | 'local'): AskConflict {
    return (name, remaining) => this.interaction.askTransferConflict({ name, where, remaining });
  }
}
