/**
 * One FileIndex per signed-in account for "Go to File…": loaded from the
 * extension's global storage (a JSON file per account of names and paths
 * only — no content, no token), brought up to date by a walk of the account
 * (one at a time per account), kept current between walks with the changes
 * made through the extension, saved after changes, and deleted at sign-out.
 */

import * as vscode from 'vscode';
import type { GitShareClients } from '../api/clients';
import { isValidPath } from '../api/paths';
import type { GitShareAccount } from '../common/accounts';
import { fromUtf8, sha256, toHex, utf8 } from '../common/bytes';
import type { Logger } from '../common/logger';
import { FileIndex } from './fileIndex';
import { walkAccount, type WalkProgress } from './indexWalk';
import { Disposable } from '../common/lifecycle';

const SAVE_DELAY_MS = 2_000;

export class FileIndexService extends Disposable {
  private readonly indexes = new Map<string, Promise<FileIndex>>();
  private readonly walks = new Map<string, Promise<WalkProgress>>();
  private readonly progressListeners = new Map<string, Set<(progress: WalkProgress) => void>>();
  private readonly saveTimers = new Map<string, NodeJS.Timeout>();
  private known: GitShareAccount[];

  constructor(
    private readonly clients: GitShareClients,
    private readonly storage: vscode.Uri,
    private readonly logger: Logger,
    onDidChangeFile: vscode.Event<vscode.FileChangeEvent[]>,
  ) {
    super();
    this.known = [...clients.accounts];
    this._register(clients.directory.onDidChangeAccounts(() => void this.onAccountsChanged()));
    this._register(onDidChangeFile((events) => void this.onFilesChanged(events)));
  }

  /** The account's index: in memory, else from storage, else empty. */
  indexFor(account: GitShareAccount): Promise<FileIndex> {
    let index = this.indexes.get(account.authority);
    if (!index) {
      index = this.load(account);
      this.indexes.set(account.authority, index);
    }
    return index;
  }

  /** Is a walk of this account running? */
  isWalking(account: GitShareAccount): boolean {
    return this.walks.has(account.authority);
  }

  /**
   * Walks the account (or joins the walk already running), reporting progress,
   * and saves the index when done.
   */
  async refresh(account: GitShareAccount, onProgress?: (progress: WalkProgress) => void): Promise<WalkProgress> {
    const key = account.authority;
    const listeners = this.progressListeners.get(key) ?? new Set();
    this.progressListeners.set(key, listeners);
    if (onProgress) {
      listeners.add(onProgress);
    }
    try {
      let walk = this.walks.get(key);
      if (!walk) {
        walk = this.walk(account, listeners).finally(() => this.walks.delete(key));
        this.walks.set(key, walk);
      }
      return await walk;
    } finally {
      if (onProgress) {
        listeners.delete(onProgress);
      }
    }
  }

  private async walk(
    account: GitShareAccount,
    listeners: Set<(progress: WalkProgress) => void>,
  ): Promise<WalkProgress> {
    const index = await this.indexFor(account);
    const started = Date.now();
    try {
      const result = await walkAccount(this.clients.forAccount(account), index, {
        onProgress: (progress) => listeners.forEach((listener) => listener(progress)),
      });
      const seconds = (Date.now() - started) / 1000;
      this.logger.info(
        `Indexed ${result.entries} entries in ${result.folders} folders of ${account.label} in ${seconds.toFixed(1)} s`,
      );
      return result;
    } finally {
      // Also what a walk that stopped (at its bounds, or on an error) had listed.
      this.scheduleSave(account, 0);
    }
  }

  private async fileFor(authority: string): Promise<vscode.Uri> {
    // A hash, so the file name carries no account name and no character a file system refuses.
    const name = toHex(await sha256(authority)).slice(0, 24);
    return vscode.Uri.joinPath(this.storage, 'file-index', `${name}.json`);
  }

  private async load(account: GitShareAccount): Promise<FileIndex> {
    try {
      const bytes = await vscode.workspace.fs.readFile(await this.fileFor(account.authority));
      const index = FileIndex.deserialize(fromUtf8(bytes), account.authority);
      if (index) {
        return index;
      }
    } catch {
      // Not saved yet: start empty.
    }
    return new FileIndex(account.authority);
  }

  private scheduleSave(account: GitShareAccount, delay = SAVE_DELAY_MS): void {
    const key = account.authority;
    clearTimeout(this.saveTimers.get(key));
    this.saveTimers.set(
      key,
      setTimeout(() => {
        this.saveTimers.delete(key);
        void this.save(account);
      }, delay),
    );
  }

  private async save(account: GitShareAccount): Promise<void> {
    const index = await this.indexes.get(account.authority);
    // Signed out meanwhile: nothing to keep.
    if (!index || !this.clients.accounts.includes(account)) {
      return;
    }
    try {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(this.storage, 'file-index'));
      await vscode.workspace.fs.writeFile(await this.fileFor(account.authority), utf8(index.serialize()));
    } catch (error) {
      this.logger.warn(`Could not save the file index of ${account.label}`, error);
    }
  }

  /** Changes made through the extension (editors, the Files view, transfers) reach the index at once. */
  private async onFilesChanged(events: readonly vscode.FileChangeEvent[]): Promise<void> {
    for (const { type, uri } of events) {
      if (type === vscode.FileChangeType.Changed || !isValidPath(uri.path)) {
        continue; // A changed file keeps its name.
      }
      const account = this.clients.directory.findByAuthority(uri.authority);
      const index = account && (await this.indexes.get(account.authority));
      if (!account || !index) {
        continue;
      }
      if (type === vscode.FileChangeType.Deleted) {
        index.remove(uri.path);
      } else {
        const entry = await this.clients
          .forAccount(account)
          .tryEntry(uri.path)
          .catch(() => undefined);
        if (entry) {
          index.add(entry.path, entry.type === 'dir');
        }
      }
      this.scheduleSave(account);
    }
  }

  /** Sign-out: the account's index goes, from memory and from storage. */
  private async onAccountsChanged(): Promise<void> {
    const now = this.clients.accounts;
    const gone = this.known.filter((a) => !now.some((b) => b.authority === a.authority));
    this.known = [...now];
    for (const account of gone) {
      this.indexes.delete(account.authority);
      clearTimeout(this.saveTimers.get(account.authority));
      this.saveTimers.delete(account.authority);
      await Promise.resolve(vscode.workspace.fs.delete(await this.fileFor(account.authority))).catch(() => undefined);
      this.logger.info(`Removed the file index of ${account.label}`);
    }
  }

  override dispose(): void {
    for (const timer of this.saveTimers.values()) {
      clearTimeout(timer);
    }
    super.dispose();
  }
}
