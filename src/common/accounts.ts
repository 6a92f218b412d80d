/**
 * What the rest of the extension knows of a signed-in account. `src/auth/`
 * implements it; the API client, the tree and the file system use it.
 */

import type { EventLike } from './event';

/** Hands out access tokens for one account; implemented by src/auth/. */
export interface TokenSource {
  /** A current access token, refreshed first when it is about to expire. */
  getAccessToken(): Promise<string>;
  /**
   * Called once after a 401 `invalid_token` with the token that failed. Refreshes
   * (one refresh at a time per account, shared by every caller) and returns the
   * new token. Throws a GitShareError of kind `signInRequired` when the grant is gone.
   */
  refreshAfterUnauthorized(failedToken: string): Promise<string>;
}

export interface GitShareAccount {
  /** The AuthenticationSession id. */
  readonly id: string;
  /** The username, as shown in the Accounts menu. */
  readonly label: string;
  /** The server's origin, e.g. `http://127.0.0.2:8765`. */
  readonly serverUrl: string;
  /**
   * The authority of this account's `gitshare:` URIs: `<username>@<host[:port]>`,
   * with the username percent-encoded. Unique per account and server.
   */
  readonly authority: string;
  readonly tokens: TokenSource;
}

export interface AccountDirectory {
  /** The accounts signed in now, in a stable order. */
  readonly accounts: readonly GitShareAccount[];
  readonly onDidChangeAccounts: EventLike<void>;
  findByAuthority(authority: string): GitShareAccount | undefined;
  /**
   * Resolves once the accounts signed in by earlier runs are loaded. Until then an
   * unknown authority may still be a signed-in account (a `gitshare:` workspace
   * folder is asked for as soon as the window opens).
   */
  whenRestored?(): Promise<void>;
}

export function accountAuthority(username: string, serverUrl: string): string {
  return `${encodeURIComponent(username)}@${new URL(serverUrl).host}`;
}
