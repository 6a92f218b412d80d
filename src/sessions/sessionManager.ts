/**
 * The signed-in accounts of this window, kept in step with the token store
 * (and through it with other windows). Implements `AccountDirectory` for the
 * rest of the extension; each account's `tokens` is a `TokenSource` whose
 * tokens come from the one refresher (tokenRefresh.ts, with its rules).
 *
 * Sign-out rules: the session leaves storage at once; a refresh still in flight
 * stores its answer only if the session still exists, otherwise revokes the
 * tokens it got; sign-out waits for it and revokes the newest stored tokens
 * (another window may have rotated them a moment ago), through revocation.ts,
 * which keeps a failed revocation for later. The servers' OAuth endpoints come
 * from authorizationServers.ts.
 */
import { AccountDirectory, GitShareAccount, TokenSource, accountAuthority } from '../common/accounts';
import { randomUUID } from '../common/bytes';
import { Logger } from '../common/logger';
import type { User } from '../api/types';
import { SerialQueue } from '../common/async';
import { Emitter } from '../common/event';
import type { AuthorizationServers } from '../oauth/authorizationServers';
import type { ClientCredentials } from '../oauth/credentials';
import { OAuthClient, TokenSet } from '../oauth/oauthClient';
import { TokenRevocation } from './revocation';
import { TokenRefresher, type TokenRefreshOptions } from './tokenRefresh';
import { StoredSession, TokenStore, TokenStoreChange } from './tokenStore';

export interface SessionsChange {
  readonly added: readonly StoredSession[];
  readonly removed: readonly StoredSession[];
  readonly changed: readonly StoredSession[];
}

/** Its options all tune how tokens are refreshed (tokenRefresh.ts). */
export type SessionManagerOptions = TokenRefreshOptions;

export interface NewSession {
  readonly serverUrl: string;
  readonly user: User;
  readonly scopes: readonly string[];
  readonly client: ClientCredentials;
  readonly tokens: TokenSet;
}

export class SessionManager implements AccountDirectory {
  private readonly _onDidChangeSessions = new Emitter<SessionsChange>();
  readonly onDidChangeSessions = this._onDidChangeSessions.event;
  private readonly _onDidChangeAccounts = new Emitter<void>();
  readonly onDidChangeAccounts = this._onDidChangeAccounts.event;
  private readonly _onDidLoseSession = new Emitter<StoredSession>();
  /** A session ended because its grant is gone (invalid_grant): ask once to sign in again. */
  readonly onDidLoseSession = this._onDidLoseSession.event;

  private readonly sessions = new Map<string, StoredSession>();
  private readonly accountObjects = new Map<string, GitShareAccount>();
  private readonly subscription: { dispose(): unknown };
  /** Local changes and changes seen in storage take turns, so a change event caused by this window's own write never races the write itself. */
  private readonly turns = new SerialQueue();
  private initialized: Promise<void> | undefined;
  private readonly refresher: TokenRefresher;
  private readonly revocation: TokenRevocation;
  /** Sessions being signed out in this window: a refresh finishing now must not store its tokens. */
  private readonly signingOut = new Set<string>();

  constructor(
    private readonly store: TokenStore,
    oauth: OAuthClient,
    authorizationServers: AuthorizationServers,
    private readonly logger: Logger,
    options: SessionManagerOptions = {},
  ) {
    this.refresher = new TokenRefresher(
      store,
      oauth,
      authorizationServers,
      logger,
      {
        get: (id) => this.sessions.get(id),
        adopt: (session) => this.adopt(session),
        lose: (session, why) => this.loseSession(session, why),
        removeLocal: (session) => this.removeLocal(session),
        saveRefreshed: (next) => this.saveRefreshed(next),
        revoke: (session) => this.revokeBestEffort(session),
        retryPendingRevocations: () => this.retryPendingRevocations(),
      },
      options,
    );
    this.revocation = new TokenRevocation(store, oauth, authorizationServers, logger);
    this.subscription = store.onDidChange((change) => {
      this.turns
        .run(() => this.sync(change))
        .catch((error) => this.logger.warn('Could not follow a change of the stored sessions:', error));
    });
  }

  /** Loads the sessions saved by earlier runs and other windows; once, later calls share it. */
  initialize(): Promise<void> {
    this.initialized ??= this.turns
      .run(() => this.sync({ kind: 'sessions' }))
      .then(() => {
        this.logger.info(`${this.sessions.size} stored session(s)`);
        void this.retryPendingRevocations();
      });
    return this.initialized;
  }

  /** AccountDirectory.whenRestored: the stored sessions are loaded (or could not be; that is logged at start-up). */
  whenRestored(): Promise<void> {
    return this.initialize().catch(() => undefined);
  }

  /** Resolves once the changes seen so far from other windows are applied. Mostly for tests. */
  whenSynced(): Promise<void> {
    return this.turns.run(async () => undefined);
  }

  getSessions(): StoredSession[] {
    return [...this.sessions.values()];
  }

  getSession(id: string): StoredSession | undefined {
    return this.sessions.get(id);
  }

  get accounts(): readonly GitShareAccount[] {
    return [...this.sessions.keys()]
      .map((id) => this.accountObjects.get(id))
      .filter((account): account is GitShareAccount => !!account);
  }

  findByAuthority(authority: string): GitShareAccount | undefined {
    return this.accounts.find((account) => account.authority === authority);
  }

  /**
   * Saves a new sign-in. The same user on the same server replaces the earlier
   * session (same id), whose tokens are then revoked.
   */
  addSession(input: NewSession): Promise<StoredSession> {
    return this.turns.run(() => this.doAddSession(input));
  }

  private async doAddSession(input: NewSession): Promise<StoredSession> {
    const existing = this.getSessions().find((s) => s.serverUrl === input.serverUrl && s.user.id === input.user.id);
    const session: StoredSession = {
      id: existing?.id ?? randomUUID(),
      serverUrl: input.serverUrl,
      user: input.user,
      scopes: [...new Set(input.scopes)].sort(),
      client: input.client,
      accessToken: input.tokens.accessToken,
      refreshToken: input.tokens.refreshToken,
      expiresAt: input.tokens.expiresAt,
      lifetimeMs: input.tokens.lifetimeMs,
    };
    await this.store.saveSession(session);
    this.put(session);
    this.logger.info(`Signed in as ${session.user.username} on ${session.serverUrl} (session ${session.id})`);
    this.fire(
      existing ? { added: [], removed: [], changed: [session] } : { added: [session], removed: [], changed: [] },
    );
    if (existing) {
      void this.revokeBestEffort(existing);
    }
    void this.retryPendingRevocations();
    return session;
  }

  /**
   * Removes the local secrets at once, then revokes at the server the newest
   * tokens of the session, including those a refresh in flight gets.
   */
  async signOut(id: string): Promise<void> {
    this.signingOut.add(id);
    try {
      const removed = await this.turns.run(async () => {
        // Storage before memory: another window may have rotated the tokens a moment ago.
        const session = (await this.store.readSession(id)) ?? this.sessions.get(id);
        if (session) {
          await this.doRemoveLocal(session);
        }
        return session;
      });
      if (!removed) {
        return;
      }
      this.logger.info(`Signed out ${removed.user.username} on ${removed.serverUrl} (session ${removed.id})`);
      // A refresh of this window still in flight finds the session gone and revokes what it got.
      await this.refresher.whenSettled(id);
      await this.revokeBestEffort(removed);
      await this.afterOtherWindowsRefresh(id);
    } finally {
      this.signingOut.delete(id);
    }
  }

  /**
   * Another window refreshing this session right now revokes what it gets once
   * it sees the session gone; should its save have raced the removal, the
   * session is back in storage: remove and revoke it again.
   */
  private async afterOtherWindowsRefresh(id: string): Promise<void> {
    await this.refresher.whenOtherWindowsDone(id);
    const back = await this.store.readSession(id);
    if (back) {
      await this.removeLocal(back);
      await this.revokeBestEffort(back);
    }
  }

  /** A current access token for the session, refreshed first when it is about to expire. */
  getAccessToken(id: string): Promise<string> {
    return this.refresher.getAccessToken(id);
  }

  /** After a 401 with `failedToken`: a newer token if one exists, else one refresh. */
  refreshAfterUnauthorized(id: string, failedToken: string): Promise<string> {
    return this.refresher.refreshAfterUnauthorized(id, failedToken);
  }

  dispose(): void {
    this.subscription.dispose();
    this._onDidChangeSessions.dispose();
    this._onDidChangeAccounts.dispose();
    this._onDidLoseSession.dispose();
  }

  private async loseSession(session: StoredSession, why: string): Promise<void> {
    this.logger.warn(`Session ${session.id} of ${session.user.username} on ${session.serverUrl} ended: ${why}`);
    const known = this.sessions.has(session.id);
    await this.removeLocal(session);
    if (known) {
      this._onDidLoseSession.fire(session);
    }
  }

  /**
   * Saves a refresh's tokens before they are handed out, and only if the session
   * still exists: a sign-out meanwhile must not bring it back.
   */
  private saveRefreshed(next: StoredSession): Promise<boolean> {
    return this.turns.run(async () => {
      const id = next.id;
      if (!this.sessions.has(id) || this.signingOut.has(id) || !(await this.store.readSessionIds()).includes(id)) {
        return false;
      }
      await this.store.saveSession(next);
      this.adopt(next);
      return true;
    });
  }

  private removeLocal(session: StoredSession): Promise<void> {
    return this.turns.run(() => this.doRemoveLocal(session));
  }

  private async doRemoveLocal(session: StoredSession): Promise<void> {
    await this.store.removeSession(session.id);
    const had = this.sessions.get(session.id);
    if (had) {
      this.sessions.delete(session.id);
      this.accountObjects.delete(session.id);
      this.fire({ added: [], removed: [had], changed: [] });
    }
  }

  /**
   * Tries the revocations that failed earlier: at start-up and whenever a server
   * answered a token request.
   */
  retryPendingRevocations(): Promise<void> {
    return this.revocation.retryPending();
  }

  private revokeBestEffort(session: StoredSession): Promise<void> {
    return this.revocation.revokeSession(session);
  }

  /** Takes a newer stored copy of a session into memory. */
  private adopt(session: StoredSession): void {
    const current = this.sessions.get(session.id);
    if (!current) {
      return;
    }
    if (
      current.accessToken !== session.accessToken ||
      current.refreshToken !== session.refreshToken ||
      current.expiresAt !== session.expiresAt
    ) {
      this.put(session);
      this.fire({ added: [], removed: [], changed: [session] }, false);
    }
  }

  private put(session: StoredSession): void {
    this.sessions.set(session.id, session);
    if (!this.accountObjects.has(session.id)) {
      const id = session.id;
      const tokens: TokenSource = {
        getAccessToken: () => this.getAccessToken(id),
        refreshAfterUnauthorized: (failedToken: string) => this.refreshAfterUnauthorized(id, failedToken),
      };
      this.accountObjects.set(id, {
        id,
        label: session.user.username,
        serverUrl: session.serverUrl,
        authority: accountAuthority(session.user.username, session.serverUrl),
        tokens,
      });
    }
  }

  private fire(change: SessionsChange, accountsChanged = change.added.length > 0 || change.removed.length > 0): void {
    this._onDidChangeSessions.fire(change);
    if (accountsChanged) {
      this._onDidChangeAccounts.fire();
    }
  }

  /** Applies what storage says now: sessions added, removed or refreshed by any window. */
  private async sync(change: TokenStoreChange): Promise<void> {
    if (change.kind === 'clients') {
      return;
    }
    if (change.kind === 'session') {
      const stored = await this.store.readSession(change.id);
      if (stored && this.sessions.has(change.id)) {
        this.adopt(stored);
      }
      return;
    }
    const ids = await this.store.readSessionIds();
    const added: StoredSession[] = [];
    const removed: StoredSession[] = [];
    for (const id of ids) {
      if (!this.sessions.has(id)) {
        const stored = await this.store.readSession(id);
        if (stored) {
          this.put(stored);
          added.push(stored);
        }
      }
    }
    for (const [id, session] of [...this.sessions]) {
      if (!ids.includes(id)) {
        this.sessions.delete(id);
        this.accountObjects.delete(id);
        removed.push(session);
      }
    }
    if (added.length || removed.length) {
      this.fire({ added, removed, changed: [] });
    }
  }
}
