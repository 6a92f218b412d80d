/**
 * Revocation of the tokens of a session that ended (RFC 7009, an extra a
 * GitShare may not have). A revocation that fails (server unreachable) is kept
 * in SecretStorage and retried later, a bounded number of times; a server
 * without revocation is simply told nothing.
 */
import type { Logger } from '../common/logger';
import type { AuthorizationServers } from '../oauth/authorizationServers';
import type { OAuthClient } from '../oauth/oauthClient';
import type { StoredSession, TokenStore } from './tokenStore';

export class TokenRevocation {
  private retryingRevocations: Promise<void> | undefined;

  constructor(
    private readonly store: TokenStore,
    private readonly oauth: OAuthClient,
    private readonly authorizationServers: AuthorizationServers,
    private readonly logger: Logger,
  ) {}

  /** Revokes the session's tokens; what fails is kept for a later retry. */
  async revokeSession(session: StoredSession): Promise<void> {
    // The refresh token first: revoking it ends the whole grant on most servers.
    const tokens = session.refreshToken ? [session.refreshToken, session.accessToken] : [session.accessToken];
    const { left, unsupported } = await this.revokeTokens(session.serverUrl, session.client, tokens);
    if (unsupported) {
      // A GitShare as its page documents it has no revocation (RFC 7009): nothing to do there.
      this.logger.info(
        `${session.serverUrl} cannot revoke tokens (no revocation endpoint); session ${session.id} was removed here`,
      );
      return;
    }
    if (!left.length) {
      this.logger.info(`Revoked the tokens of session ${session.id} at ${session.serverUrl}`);
      return;
    }
    this.logger.warn(
      `Could not revoke the tokens of session ${session.id} at ${session.serverUrl}; they were removed locally and revocation will be tried again later`,
    );
    await this.store
      .updatePendingRevocations((list) =>
        [...list, { serverUrl: session.serverUrl, client: session.client, tokens: left, attempts: 1 }].slice(
          -MAX_PENDING_REVOCATIONS,
        ),
      )
      .catch((error) => this.logger.warn('Could not keep the failed revocation for later:', error));
  }

  /**
   * Revokes in order; returns the tokens not revoked (from the first failure on),
   * or `unsupported` when the server has no revocation at all (nothing is left to retry).
   */
  private async revokeTokens(
    serverUrl: string,
    client: StoredSession['client'],
    tokens: readonly string[],
  ): Promise<{ left: string[]; unsupported: boolean }> {
    for (let i = 0; i < tokens.length; i++) {
      try {
        const as = await this.authorizationServers.get(serverUrl);
        if ((await this.oauth.revoke(as, client, tokens[i]!)) === 'unsupported') {
          return { left: [], unsupported: true };
        }
      } catch (error) {
        this.logger.debug(`Revocation at ${serverUrl} failed:`, error);
        return { left: tokens.slice(i), unsupported: false };
      }
    }
    return { left: [], unsupported: false };
  }

  /**
   * Tries the revocations that failed earlier: at start-up and whenever a server
   * answered a token request. Each is tried at most MAX_REVOCATION_ATTEMPTS times.
   */
  retryPending(): Promise<void> {
    this.retryingRevocations ??= this.doRetryPending()
      .catch((error) => this.logger.warn('Could not retry the pending revocations:', error))
      .finally(() => (this.retryingRevocations = undefined));
    return this.retryingRevocations;
  }

  private async doRetryPending(): Promise<void> {
    const pending = await this.store.readPendingRevocations();
    if (!pending.length) {
      return;
    }
    const outcome = new Map<string, string[]>();
    for (const entry of pending) {
      outcome.set(revocationKey(entry), (await this.revokeTokens(entry.serverUrl, entry.client, entry.tokens)).left);
    }
    await this.store.updatePendingRevocations((list) =>
      list.flatMap((entry) => {
        const left = outcome.get(revocationKey(entry));
        if (!left) {
          return [entry]; // added meanwhile
        }
        if (!left.length) {
          this.logger.info(`Revoked tokens at ${entry.serverUrl} that could not be revoked at sign-out`);
          return [];
        }
        if (entry.attempts + 1 >= MAX_REVOCATION_ATTEMPTS) {
          this.logger.warn(`Gave up revoking tokens at ${entry.serverUrl} after ${entry.attempts + 1} attempts`);
          return [];
        }
        return [{ ...entry, tokens: left, attempts: entry.attempts + 1 }];
      }),
    );
  }
}

/** How often a failed revocation is tried in all, and how many are kept. */
export const MAX_REVOCATION_ATTEMPTS = 5;
const MAX_PENDING_REVOCATIONS = 20;

function revocationKey(entry: { readonly serverUrl: string; readonly tokens: readonly string[] }): string {
  return `${entry.serverUrl} ${entry.tokens.join(' ')}`;
}
