/**
 * Refreshing a session's access token: the one place it happens. Rules: refresh
 * shortly before the absolute expiry and once after a 401; one refresh at a time
 * per account, shared by every caller in the window; re-read storage first
 * (another window may have refreshed) and again before concluding a rotated
 * token failed; only the window holding the session's lease refreshes it
 * (refreshLease.ts); save the new refresh token before the new access token is
 * handed out. `invalid_grant` ends the session (SessionManager then fires
 * `onDidLoseSession` once); a network failure keeps it.
 */
import * as l10n from '@vscode/l10n';
import { GitShareError } from '../common/errors';
import { Logger } from '../common/logger';
import type { AuthorizationServers } from '../oauth/authorizationServers';
import type { OAuthClient, TokenSet } from '../oauth/oauthClient';
import { RefreshLeases } from './refreshLease';
import type { StoredSession, TokenStore } from './tokenStore';

export interface TokenRefreshOptions {
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

/** What a refresh needs of the sessions it refreshes; SessionManager, which owns them, provides it. */
export interface RefreshedSessions {
  /** The session as this window holds it; undefined once it left. */
  get(id: string): StoredSession | undefined;
  /** Takes a newer stored copy of a session into memory. */
  adopt(session: StoredSession): void;
  /** Ends a session whose grant is gone. */
  lose(session: StoredSession, why: string): Promise<void>;
  /** Forgets a session that is no longer in storage. */
  removeLocal(session: StoredSession): Promise<void>;
  /** Saves refreshed tokens if the session is still signed in; false when it was signed out meanwhile. */
  saveRefreshed(next: StoredSession): Promise<boolean>;
  /** Revokes a session's tokens at the server, keeping a failed revocation for later. */
  revoke(session: StoredSession): Promise<void>;
  /** Tries the revocations that failed earlier. */
  retryPendingRevocations(): Promise<void>;
}

export class TokenRefresher {
  private readonly refreshes = new Map<string, Promise<string>>();
  private readonly refreshMarginMs: number;
  private readonly rereadDelaysMs: readonly number[];
  private readonly now: () => number;
  private readonly leases: RefreshLeases;

  constructor(
    private readonly store: TokenStore,
    private readonly oauth: OAuthClient,
    private readonly authorizationServers: AuthorizationServers,
    private readonly logger: Logger,
    private readonly sessions: RefreshedSessions,
    options: TokenRefreshOptions = {},
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

  /** Resolves once a refresh of this window still in flight for the session has ended. */
  async whenSettled(id: string): Promise<void> {
    await this.refreshes.get(id)?.catch(() => undefined);
  }

  /** Resolves once no other window holds the session's refresh lease (bounded by one lease). */
  whenOtherWindowsDone(id: string): Promise<void> {
    return this.leases.waitForRelease(id);
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
        await this.sessions.removeLocal(gone);
      }
      throw signInRequired();
    }
    if (latest.accessToken !== staleToken && !this.isExpiring(latest)) {
      this.logger.debug(`Session ${id}: using the token another window refreshed`);
      this.sessions.adopt(latest);
      return latest.accessToken;
    }
    if (!latest.refreshToken) {
      await this.sessions.lose(latest, 'no refresh token');
      throw signInRequired();
    }
    // One window at a time: the server revokes the whole grant when a rotated
    // refresh token is used again, so two windows must never both send it.
    if (!(await this.leases.acquire(id))) {
      const refreshed = await this.leases.waitForOtherWindow(latest);
      if (refreshed) {
        this.sessions.adopt(refreshed);
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
      this.sessions.adopt(latest);
      return latest.accessToken;
    }
    if (!latest.refreshToken) {
      await this.sessions.lose(latest, 'no refresh token');
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
        await this.sessions.lose(latest, 'the refresh token was refused (invalid_grant)');
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
    const saved = await this.sessions.saveRefreshed(next);
    if (!saved) {
      this.logger.info(`Session ${id}: signed out while refreshing; revoking the tokens the refresh got`);
      await this.sessions.revoke(next);
      throw signInRequired();
    }
    this.logger.info(`Session ${id}: access token refreshed`);
    void this.sessions.retryPendingRevocations();
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
        this.sessions.adopt(again);
        return again;
      }
    }
    return undefined;
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
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function signInRequired(): GitShareError {
  return new GitShareError('signInRequired', l10n.t('Please sign in to GitShare again.'), { code: 'invalid_grant' });
}
