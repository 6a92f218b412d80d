/**
 * One sign-in, from discovery to a saved session, in either mode:
 * - callback: the browser comes back to the extension's redirect URI and the
 *   callback is matched to this attempt by its single-use `state`;
 * - no callback (`urn:ietf:wg:oauth:2.0:oob`, or no `redirect_uri` at all for
 *   an application registered by hand without a callback URL): GitShare shows
 *   the code and the person pastes it.
 * How the URL reaches a browser and how the code is asked for are passed in,
 * so this runs in plain Node (tests play the browser) and in VS Code alike.
 */
import * as l10n from '@vscode/l10n';
import { GitShareClient } from '../api/client';
import type { User } from '../api/types';
import { throwIfAborted } from '../common/cancellation';
import type { HttpTransport } from '../common/http';
import { CancelledError, GitShareError } from '../common/errors';
import { Logger } from '../common/logger';
import type { AuthorizationServers } from '../oauth/authorizationServers';
import { OAuthRegistrations } from './oauthRegistrations';
import type { ClientCredentials } from '../oauth/credentials';
import { OAuthClient, OOB_REDIRECT_URI } from '../oauth/oauthClient';
import { PendingSignIns, callbackPathFor, signInTimedOut } from '../oauth/pendingSignIns';
import { SessionManager } from './sessionManager';
import { StoredSession } from './tokenStore';

export const SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export interface SignInOptions {
  readonly serverUrl: string;
  readonly scopes: readonly string[];
  /**
   * The callback URI exactly as registered and sent, or OOB_REDIRECT_URI; or
   * undefined: none is sent (a client registered by hand without a callback URL).
   * In callback mode it must lead to `callbackPathFor(serverUrl)`: a callback on
   * any other path ends the sign-in (mix-up defence).
   */
  readonly redirectUri: string | undefined;
  /** Ask the server for its sign-in page even when the browser is signed in (adding an account). */
  readonly prompt?: 'login';
  /** Shows the authorize URL in a browser. */
  readonly openBrowser: (url: string) => Promise<void>;
  /**
   * No-callback mode: asks the person for the code; undefined means they
   * cancelled. `serverHost` is shown in the prompt, so the person sees which
   * server the code is for (a code from another server's page is a mix-up).
   */
  readonly promptForCode?: (serverHost: string) => Promise<string | undefined>;
  /** A client configured by hand; otherwise the extension registers itself. */
  readonly client?: ClientCredentials;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export class SignInFlow {
  constructor(
    private readonly oauth: OAuthClient,
    private readonly authorizationServers: AuthorizationServers,
    private readonly sessions: SessionManager,
    private readonly registrations: OAuthRegistrations,
    private readonly pending: PendingSignIns,
    private readonly logger: Logger,
    /** The extension host's HTTP, for the API call that names the account. */
    private readonly transport: HttpTransport,
  ) {}

  async signIn(options: SignInOptions): Promise<StoredSession> {
    const { serverUrl, redirectUri, signal } = options;
    const oob = redirectUri === undefined || redirectUri === OOB_REDIRECT_URI;
    this.logger.info(`Signing in to ${serverUrl} (${oob ? 'no-callback mode' : 'callback mode'})`);
    const as = await this.authorizationServers.get(serverUrl, signal);
    try {
      throwIfAborted(signal);
      const client =
        options.client ?? (await this.registrations.clientFor(serverUrl, as, redirectUri ?? OOB_REDIRECT_URI, signal));
      this.logger.redact(client.clientSecret);
      const request = await this.oauth.createAuthorization(
        as,
        client,
        options.client ? redirectUri : (redirectUri ?? OOB_REDIRECT_URI),
        options.scopes,
        { prompt: options.prompt },
      );
      const timeoutMs = options.timeoutMs ?? SIGN_IN_TIMEOUT_MS;

      let parameters: URLSearchParams;
      if (oob) {
        if (!options.promptForCode) {
          throw new GitShareError('unexpected', l10n.t('This sign-in cannot ask for a code.'), {
            detail: 'promptForCode is required in no-callback mode',
          });
        }
        this.logger.info('Opening the GitShare sign-in page; waiting for the code to be pasted');
        await options.openBrowser(request.url);
        const code = await withTimeout(options.promptForCode(new URL(serverUrl).host), timeoutMs, signal);
        if (!code?.trim()) {
          throw new CancelledError();
        }
        this.logger.redact(code.trim());
        parameters = this.oauth.pastedCode(as, client, code);
      } else {
        const attempt = this.pending.begin(request.state, timeoutMs, await callbackPathFor(serverUrl));
        const onAbort = () => attempt.cancel();
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          this.logger.info('Opening the GitShare sign-in page; waiting for the browser to come back');
          await options.openBrowser(request.url);
          const query = await attempt.callback;
          this.logger.info('The browser came back; exchanging the code');
          parameters = this.oauth.validateCallback(as, client, query, request.state);
        } finally {
          attempt.cancel();
          signal?.removeEventListener('abort', onAbort);
        }
      }

      throwIfAborted(signal);
      // From here on the code has been used: whatever happens, it is never sent again.
      const tokens = await this.oauth.exchangeCode(as, client, parameters, request, signal);
      let user: User;
      try {
        user = await this.userOf(serverUrl, tokens.accessToken, signal);
      } catch (error) {
        await this.oauth.revoke(as, client, tokens.refreshToken ?? tokens.accessToken).catch(() => 'failed');
        throw error;
      }
      return await this.sessions.addSession({
        serverUrl,
        user,
        scopes: tokens.scopes?.length ? tokens.scopes : options.scopes,
        client,
        tokens,
      });
    } finally {
      if (!options.client) {
        await this.registrations
          .prune(serverUrl, as)
          .catch((error) => this.logger.warn('Could not tidy up client registrations:', error));
      }
    }
  }

  /**
   * Whose tokens these are (`GET /api/v1/user`, for the account's label), asked
   * through the API client like every files-API request. The tokens were issued a
   * moment ago, so there is nothing to refresh: a 401 means GitShare does not take them.
   */
  private userOf(serverUrl: string, accessToken: string, signal: AbortSignal | undefined): Promise<User> {
    const client = new GitShareClient({
      serverUrl,
      tokens: {
        getAccessToken: async () => accessToken,
        refreshAfterUnauthorized: async () => {
          throw new GitShareError(
            'signInRequired',
            l10n.t('GitShare did not return your account details. Try signing in again.'),
            {
              status: 401,
              detail: 'GET /api/v1/user: HTTP 401',
            },
          );
        },
      },
      logger: this.logger,
      transport: this.transport,
    });
    return client.user(signal);
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(signInTimedOut(timeoutMs, `no code pasted within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    const onAbort = () => reject(new CancelledError());
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}
