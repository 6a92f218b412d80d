/**
 * One GitShareClient per signed-in account, created on first use and dropped
 * when the account goes away. The tree, the file system and the commands ask
 * here instead of building clients of their own.
 */

import * as l10n from '@vscode/l10n';
import type { AccountDirectory, GitShareAccount } from '../common/accounts';
import { GitShareError } from '../common/errors';
import type { Logger } from '../common/logger';
import { GitShareClient, type GitShareClientOptions } from './client';

export type ClientFactory = (account: GitShareAccount) => GitShareClient;

export class GitShareClients {
  private readonly clients = new Map<string, { account: GitShareAccount; client: GitShareClient }>();
  private readonly subscription: { dispose(): unknown };

  constructor(
    readonly directory: AccountDirectory,
    private readonly factory: ClientFactory,
  ) {
    this.subscription = directory.onDidChangeAccounts(() => this.prune());
  }

  static withDefaults(
    directory: AccountDirectory,
    logger: Logger,
    options: Pick<GitShareClientOptions, 'transport'> &
      Partial<Omit<GitShareClientOptions, 'serverUrl' | 'tokens' | 'logger' | 'transport'>>,
  ): GitShareClients {
    return new GitShareClients(
      directory,
      (account) =>
        new GitShareClient({
          ...options,
          serverUrl: account.serverUrl,
          tokens: account.tokens,
          logger: logger.child('api'),
        }),
    );
  }

  get accounts(): readonly GitShareAccount[] {
    return this.directory.accounts;
  }

  forAccount(account: GitShareAccount): GitShareClient {
    const known = this.clients.get(account.id);
    if (known && known.account === account) {
      return known.client;
    }
    const client = this.factory(account);
    this.clients.set(account.id, { account, client });
    return client;
  }

  /** The client for a `gitshare:` URI authority; `signInRequired` when that account is not signed in. */
  forAuthority(authority: string): { account: GitShareAccount; client: GitShareClient } {
    const account = this.directory.findByAuthority(authority);
    if (!account) {
      throw new GitShareError('signInRequired', l10n.t('Sign in to GitShare to open this file.'), {
        detail: `no signed-in account for ${authority}`,
      });
    }
    return { account, client: this.forAccount(account) };
  }

  /**
   * forAuthority once the accounts of earlier runs are loaded: the file system is
   * asked for a workspace's `gitshare:` folder right after the window opens (or
   * reloads), before they are, and must not answer "sign in" for an account that is.
   */
  async forAuthorityWhenRestored(authority: string): Promise<{ account: GitShareAccount; client: GitShareClient }> {
    if (!this.directory.findByAuthority(authority)) {
      await this.directory.whenRestored?.();
    }
    return this.forAuthority(authority);
  }

  private prune(): void {
    const live = new Set(this.directory.accounts.map((a) => a.id));
    for (const id of [...this.clients.keys()]) {
      if (!live.has(id)) {
        this.clients.delete(id);
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.clients.clear();
  }
}
