/**
 * The signed-in accounts of this window, kept in step with the token store
 * (and through it with other windows), and the one place tokens are refreshed.
 * Implements `AccountDirectory` for the rest of the extension; each account's
 * `tokens` is a `TokenSource` backed by this class. Imports no `vscode`.
 *
 * Refresh rules: refresh shortly before the absolute expiry and once after a
 * 401; one refresh at a time per account, shared by every caller in the window;
 * re-read storage first (another window may have refreshed) and again before
 * concluding a rotated token failed; save the new refresh token before the new
 * access token is handed out. `invalid_grant` removes the session and fires
 * `onDidLoseSession` once; a network failure keeps the session.
 *
 * Sign-out rules: the session leaves storage at once; a refresh still in flight
 * stores its answer only if the session still exists, otherwise revokes the
 * tokens it got; sign-out waits for it and revokes the newest stored tokens
 * (another window may have rotated them a moment ago), through revocation.ts,
 * which keeps a failed revocation for later. Which window may refresh a session
 * is decided by the cross-window lease (refreshLease.ts); the servers' OAuth
 * endpoints come from authorizationServers.ts.
 */
import * as l10n from '@vscode/l10n';
import { randomUUID } from 'node:crypto';
import { AccountDirectory, GitShareAccount, TokenSource, accountAuthority } from '../common/accounts';
import { GitShareError } from '../common/errors';
import { Logger } from '../common/logger';
import type { User } from '../api/types';
import { SerialQueue } from '../common/async';
import { Emitter } from '../common/event';
import type { AuthorizationServers } from './authorizationServers';
import { ClientCredentials, OAuthClient, TokenSet } from './oauthClient';
import { RefreshLeases } from './refreshLease';
import { TokenRevocation } from './revocation';
import { StoredSession, TokenStore, TokenStoreChange } from './tokenStore';

export interface SessionsChange {
  readonly added: readonly StoredSession[];
  readonly removed: readonly StoredSession[];
  readonly changed: readonly StoredSession[];
}

export interface SessionManagerOptions {
  /** Refresh this long before the expiry; default 60 s. */
  readonly refreshMarginMs?: number;
  /** Waits between re-reads of storage after a refresh failed with invalid_grant. */
  readonly rereadDelaysMs?: readonly number[];
  /**
   * How long a window may hold the refresh lease of a session. Never less than
   * the OAuth request timeout plus 5 s (default): a lease that ran out while the
   * refresh request was still open would let another window spend the same
   * refresh token, and the server would then end the grant everywhere.
   */
  readonly leaseMs?: number;
  /** How often a running refresh renews its lease; default a third of the lease. */
  readonly leaseRenewMs?: number;
  /** How long to wait before checking a lease write won; default 100 ms. */
  readonly leaseSettleMs?: number;
  readonly now?: () => number;
}

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
  private readonly refreshes = new Map<string, Promise<string>>();
  private readonly subscription: { dispose(): unknown };
  /** Local changes and changes seen in storage take turns, so a change event caused by this window's own write never races the write itself. */
  private readonly turns = new SerialQueue();
  private initialized: Promise<void> | undefined;
  private readonly refreshMarginMs: number;
  private readonly rereadDelaysMs: readonly number[];
  private readonly now: () => number;
  private readonly leases: RefreshLeases;
  private readonly revocation: TokenRevocation;
  /** Sessions being signed out in this window: a refresh finishing now must not store its tokens. */
  private readonly signingOut = new Set<string>();

  constructor(
    private readonly store: TokenStore,
    private readonly oauth: OAuthClient,
    private readonly authorizationServers: AuthorizationServers,
    private readonly logger: Logger,
    options: SessionManagerOptions = {},
  ) {
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
    this.rereadDelaysMs = options.rereadDelaysMs ?? [250, 750, 1500];
    this.now = options.now ?? Date.now;
    const leaseMs = Math.max(options.leaseMs ?? 0, oauth.timeoutMs + 5_000);
    this.leases = new RefreshLeases(store, logger, {
      leaseMs,
      renewMs: options.leaseRenewMs ?? Math.floor(leaseMs / 3),
      settleMs: options.leaseSettleMs ?? 100,
      now: this.now,
    });
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
      await this.refreshes.get(id)?.catch(() => undefined);
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
    await this.leases.waitForRelease(id);
    const back = await this.store.readSession(id);
    if (back) {
      await this.removeLocal(back);
      await this.revokeBestEffort(back);
    }
  }

  /** A current access token for the session, refreshed first when it is about to expire. */
  async getAccessToken(id: string): Promise<string> {
    const session = this.sessions.get(id);
    if (!session) {
      throw signInRequired();
    }
    if (!this.isExpiring(session)) {
      return session.accessToken;
    }
    return this.refreshShared(id, session.accessToken);
  }

  /** After a 401 with `failedToken`: a newer token if one exists, else one refresh. */
  async refreshAfterUnauthorized(id: string, failedToken: string): Promise<string> {
    const session = this.sessions.get(id);
    if (!session) {
      throw signInRequired();
    }
    const running = this.refreshes.get(id);
    if (running) {
      return running;
    }
    if (session.accessToken !== failedToken) {
      return session.accessToken;
    }
    return this.refreshShared(id, failedToken, true);
  }

  dispose(): void {
    this.subscription.dispose();
    this._onDidChangeSessions.dispose();
    this._onDidChangeAccounts.dispose();
    this._onDidLoseSession.dispose();
  }

  private refreshShared(id: string, staleToken: string, rejected = false): Promise<string> {
    let running = this.refreshes.get(id);
    if (!running) {
      running = this.refresh(id, staleToken, rejected).finally(() => this.refreshes.delete(id));
      this.refreshes.set(id, running);
    }
    return running;
  }

  private async refresh(id: string, staleToken: string, rejected: boolean): Promise<string> {
    // Another window may have refreshed already: its tokens are in storage.
    const latest = await this.store.readSession(id);
    if (!latest) {
      const gone = this.sessions.get(id);
      if (gone) {
        await this.removeLocal(gone);
      }
      throw signInRequired();
    }
    if (latest.accessToken !== staleToken && !this.isExpiring(latest)) {
      this.logger.debug(`Session ${id}: using the token another window refreshed`);
      this.adopt(latest);
      return latest.accessToken;
    }
    if (!latest.refreshToken) {
      await this.loseSession(latest, 'no refresh token');
      throw signInRequired();
    }
    // One window at a time: the server revokes the whole grant when a rotated
    // refresh token is used again, so two windows must never both send it.
    if (!(await this.leases.acquire(id))) {
      const refreshed = await this.leases.waitForOtherWindow(latest);
      if (refreshed) {
        this.adopt(refreshed);
        return refreshed.accessToken;
      }
      this.logger.debug(`Session ${id}: the other window did not finish refreshing; trying here`);
      await this.leases.acquire(id, true);
    }
    return this.leases.hold(id, () => this.refreshWithLease(id, latest, rejected));
  }

  private async refreshWithLease(id: string, stored: StoredSession, rejected: boolean): Promise<string> {
    // Re-read once more under the lease: the previous holder may just have saved.
    const latest = (await this.store.readSession(id)) ?? stored;
    if (latest.refreshToken !== stored.refreshToken && !this.isExpiring(latest)) {
      this.adopt(latest);
      return latest.accessToken;
    }
    if (!latest.refreshToken) {
      await this.loseSession(latest, 'no refresh token');
      throw signInRequired();
    }
    let tokens: TokenSet;
    try {
      const as = await this.authorizationServers.get(latest.serverUrl);
      this.logger.debug(`Session ${id}: refreshing the access token${rejected ? ' after a 401' : ''}`);
      tokens = await this.oauth.refresh(as, latest.client, latest.refreshToken);
    } catch (error) {
      if (error instanceof GitShareError && error.code === 'invalid_grant') {
        const rotated = await this.rotatedElsewhere(latest);
        if (rotated) {
          return rotated.accessToken;
        }
        await this.loseSession(latest, 'the refresh token was refused (invalid_grant)');
        throw signInRequired();
      }
      // Network trouble and the like: keep the session and try again on the next call.
      this.logger.warn(`Session ${id}: refresh failed, keeping the session:`, error);
      if (!rejected && latest.expiresAt !== undefined && latest.expiresAt > this.now()) {
        return latest.accessToken;
      }
      throw error;
    }
    const next: StoredSession = {
      ...latest,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken ?? latest.refreshToken,
      expiresAt: tokens.expiresAt,
      lifetimeMs: tokens.lifetimeMs,
      scopes: tokens.scopes?.length ? [...tokens.scopes].sort() : latest.scopes,
    };
    // Saved before use: if this window dies now, the rotated refresh token is not lost.
    // Saved only if the session still exists: a sign-out meanwhile must not bring it back.
    const saved = await this.turns.run(async () => {
      if (!this.sessions.has(id) || this.signingOut.has(id) || !(await this.store.readSessionIds()).includes(id)) {
        return false;
      }
      await this.store.saveSession(next);
      this.adopt(next);
      return true;
    });
    if (!saved) {
      this.logger.info(`Session ${id}: signed out while refreshing; revoking the tokens the refresh got`);
      await this.revokeBestEffort(next);
      throw signInRequired();
    }
    this.logger.info(`Session ${id}: access token refreshed`);
    void this.retryPendingRevocations();
    return next.accessToken;
  }

  /**
   * After invalid_grant: did another window rotate the refresh token meanwhile?
   * Re-reads storage a few times, because its save may land a moment later.
   */
  private async rotatedElsewhere(failed: StoredSession): Promise<StoredSession | undefined> {
    for (const ms of [0, ...this.rereadDelaysMs]) {
      if (ms) {
        await delay(ms);
      }
      const again = await this.store.readSession(failed.id);
      if (!again) {
        return undefined;
      }
      if (again.refreshToken !== failed.refreshToken || again.accessToken !== failed.accessToken) {
        this.logger.info(`Session ${failed.id}: another window refreshed first; using its tokens`);
        this.adopt(again);
        return again;
      }
    }
    return undefined;
  }

  private async loseSession(session: StoredSession, why: string): Promise<void> {
    this.logger.warn(`Session ${session.id} of ${session.user.username} on ${session.serverUrl} ended: ${why}`);
    const known = this.sessions.has(session.id);
    await this.removeLocal(session);
    if (known) {
      this._onDidLoseSession.fire(session);
    }
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

  private isExpiring(session: StoredSession): boolean {
    if (session.expiresAt === undefined) {
      return false;
    }
    if (!session.refreshToken) {
      // Nothing to renew it with: use it to the end, then one "sign in again".
      return session.expiresAt <= this.now();
    }
    // Short-lived tokens would otherwise be refreshed on every call.
    const margin = Math.min(this.refreshMarginMs, (session.lifetimeMs ?? Infinity) / 4);
    return session.expiresAt - margin <= this.now();
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function signInRequired(): GitShareError {
  return new GitShareError('signInRequired', l10n.t('Please sign in to GitShare again.'), { code: 'invalid_grant' });
}
