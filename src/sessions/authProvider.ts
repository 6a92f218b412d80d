/**
 * The "GitShare" entry of VS Code's Accounts menu: a vscode.AuthenticationProvider
 * over the session manager and the sign-in flow. Everything that talks to the
 * person lives here — the server prompt, the "Signing in to GitShare…"
 * notification with Cancel and "Having trouble?", the code prompt, the
 * "sign in again" question, the client secret of a configured client id — and
 * nothing of the protocol. When an application registered by hand is needed it
 * starts that walk-through, which handRegistration.ts asks.
 *
 * Every way in starts a new sign-in: the Accounts menu's "Sign in with
 * GitShare" (on offer while nobody is signed in, see authentication.ts),
 * "Sign in to another account" in VS Code's account picker, "GitShare: Sign In"
 * and the Files view. A failure ends the "Signing in…" notification
 * and shows one message saying what to do; what reaches VS Code after that is
 * a cancellation, so the workbench adds no second message with raw text.
 */
import * as vscode from 'vscode';
import { Commands, ContextKeys, EXTENSION_ID } from '../common/constants';
import { abortSignalFor } from '../common/cancellation';
import { CancelledError, GitShareError } from '../common/errors';
import { ErrorHandler } from '../workbench/errorHandler';
import type { Interaction } from '../workbench/interaction';
import { Disposable } from '../common/lifecycle';
import { Logger } from '../common/logger';
import { settings } from '../workbench/settings';
import { HandClient, HandRegistration, redirectUriFor } from './handRegistration';
import { RegistrationRefusedError } from '../oauth/clientRegistration';
import { ClientRejectedError } from '../oauth/oauthAnswers';
import { DEFAULT_SCOPES, OOB_REDIRECT_URI } from '../oauth/oauthClient';
import { callbackPathFor } from '../oauth/pendingSignIns';
import { normalizeServerUrl, validateServerUrl } from './serverUrl';
import { SessionManager } from './sessionManager';
import { SignInFlow } from './signInFlow';
import { StoredSession, TokenStore } from './tokenStore';

const ENTER_AGAIN = vscode.l10n.t('Enter Again');

/** How a sign-in gets the code: from the browser coming back, or pasted by the person. */
type SignInMode = 'auto' | 'code';

export class GitShareAuthenticationProvider extends Disposable implements vscode.AuthenticationProvider {
  private readonly _onDidChangeSessions = this._register(
    new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>(),
  );
  readonly onDidChangeSessions = this._onDidChangeSessions.event;
  /** Set while a callback-mode sign-in waits: switches it to the no-callback mode. */
  private switchToCode: (() => void) | undefined;

  /** The account label VS Code was last told for each session (the Accounts menu keys accounts by label). */
  private readonly announcedLabels = new Map<string, string>();

  constructor(
    private readonly sessions: SessionManager,
    private readonly flow: SignInFlow,
    private readonly tokenStore: TokenStore,
    private readonly hand: HandRegistration,
    private readonly errors: ErrorHandler,
    private readonly logger: Logger,
    private readonly interaction: Interaction,
  ) {
    super();
    this._register(
      sessions.onDidChangeSessions((change) => {
        // Removed accounts first, then the others relabelled, then the added ones. The Accounts
        // menu adds an account after an await, into the list it had before; when a removal
        // empties that list meanwhile, the menu drops it with the pending add in it. So no
        // removal may follow an add: the first account on a second server, or the one left on
        // its server after the other server's account signs out, would be missing from the menu.
        if (change.removed.length) {
          this._onDidChangeSessions.fire({
            added: [],
            removed: change.removed.map((s) => this.toAuthSession(s, s.accessToken, this.announcedLabels.get(s.id))),
            changed: [],
          });
          for (const removed of change.removed) {
            this.announcedLabels.delete(removed.id);
          }
        }
        this.relabel();
        if (change.added.length || change.changed.length) {
          this._onDidChangeSessions.fire({
            added: change.added.map((s) => this.announce(s)),
            removed: [],
            changed: change.changed.map((s) => this.announce(s)),
          });
        }
        void this.updateContext();
      }),
    );
    this._register(sessions.onDidLoseSession((session) => void this.offerSignInAgain(session)));
    void this.updateContext();
  }

  async getSessions(
    scopes: readonly string[] | undefined,
    options?: vscode.AuthenticationProviderSessionOptions,
  ): Promise<vscode.AuthenticationSession[]> {
    await this.sessions.initialize().catch(() => undefined);
    const wanted = scopes ?? [];
    const matching = this.sessions
      .getSessions()
      .filter((s) => wanted.every((scope) => s.scopes.includes(scope)))
      .filter((s) => !options?.account || options.account.id === accountId(s));
    const sessions = await Promise.all(
      matching.map(async (s) => {
        // Hand out a token that works: refresh first when it is about to expire.
        const accessToken = await this.sessions.getAccessToken(s.id).catch(() => s.accessToken);
        const current = this.sessions.getSession(s.id);
        // A refresh refused with invalid_grant has just removed the session.
        return current ? this.announce(current, accessToken) : undefined;
      }),
    );
    return sessions.filter((session): session is vscode.AuthenticationSession => session !== undefined);
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const session = await this.signInReporting(scopes, 'auto');
    if (!session) {
      // Already told the person; a cancellation makes the workbench add nothing.
      throw new vscode.CancellationError();
    }
    return this.announce(session);
  }

  /** "GitShare: Sign In", the welcome view and the Files view's title bar: always a new sign-in. */
  async signInNewAccount(): Promise<void> {
    await this.signInReporting(DEFAULT_SCOPES, 'auto');
  }
  async removeSession(sessionId: string): Promise<void> {
    await this.sessions.signOut(sessionId);
  }

  /** "Having trouble?": the waiting sign-in continues in the no-callback mode. */
  useCodeInstead(): void {
    if (this.switchToCode) {
      this.switchToCode();
    } else {
      this.logger.debug('"Having trouble?" chosen while no sign-in was waiting');
    }
  }

  /** Sign-in in the no-callback mode from the start. */
  async signInWithCode(scopes: readonly string[] = DEFAULT_SCOPES): Promise<void> {
    await this.signInReporting(scopes, 'code');
  }

  /** "GitShare: Enter Client Id and Secret…": the by-hand walk-through for the configured server. */
  async enterClientDetails(): Promise<void> {
    const serverUrl = await this.resolveServerUrl();
    await this.hand.walkThrough(serverUrl, undefined, await this.hand.clientFor(serverUrl));
  }

  /** GitShare: Set Client Secret… */
  async setClientSecret(): Promise<void> {
    await this.hand.setSecret(() => this.resolveServerUrl());
  }

  /** Runs a sign-in and shows what went wrong, once; undefined when it did not end in a session. */
  private async signInReporting(scopes: readonly string[], mode: SignInMode): Promise<StoredSession | undefined> {
    try {
      return await this.signInInteractive(scopes.length ? scopes : DEFAULT_SCOPES, mode);
    } catch (error) {
      void this.errors.handle(error, vscode.l10n.t('Sign in to GitShare'));
      return undefined;
    }
  }

  /**
   * The server, the client, then the sign-in. A server that cannot register
   * this extension leads to the by-hand walk-through; a rejected client id or
   * secret offers to enter them again.
   */
  private async signInInteractive(scopes: readonly string[], mode: SignInMode): Promise<StoredSession> {
    const serverUrl = await this.resolveServerUrl();
    const host = new URL(serverUrl).host;
    let client = await this.hand.clientFor(serverUrl);
    for (;;) {
      try {
        return await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: vscode.l10n.t('Signing in to GitShare…'),
            cancellable: true,
          },
          (progress, token) => this.signInOnce(serverUrl, scopes, client, mode, progress, token),
        );
      } catch (error) {
        if (error instanceof RegistrationRefusedError) {
          this.logger.info(`${error.detail ?? error.message}; asking for an application registered by hand`);
          const why =
            error.reason === 'unavailable'
              ? vscode.l10n.t('GitShare at {0} does not let VS Code register itself.', host)
              : vscode.l10n.t('GitShare at {0} refused to register VS Code.', host);
          client = await this.hand.walkThrough(serverUrl, why);
          continue;
        }
        if (error instanceof ClientRejectedError) {
          if (!client) {
            // Our own registration is gone at the server: forget it, so the next sign-in registers again.
            await this.tokenStore.updateClients(serverUrl, () => []);
            throw new GitShareError(
              'signInRequired',
              vscode.l10n.t('GitShare no longer knows this VS Code. Please sign in again.'),
              {
                detail: error.detail,
              },
            );
          }
          this.logger.warn(`Sign in to GitShare failed: ${error.detail ?? error.message}`);
          const choice = await this.interaction.notify({
            severity: 'error',
            message: vscode.l10n.t('Sign in to GitShare: {0}', error.message),
            actions: [ENTER_AGAIN],
          });
          if (choice !== ENTER_AGAIN) {
            throw new CancelledError();
          }
          client = await this.hand.walkThrough(serverUrl, undefined, client);
          continue;
        }
        throw error;
      }
    }
  }

  private async signInOnce(
    serverUrl: string,
    scopes: readonly string[],
    client: HandClient | undefined,
    mode: SignInMode,
    progress: vscode.Progress<{ message?: string }>,
    token: vscode.CancellationToken,
  ): Promise<StoredSession> {
    // The listener lives as long as the progress's token, which VS Code disposes.
    const cancelled = abortSignalFor(token).signal;
    const common = {
      serverUrl,
      scopes,
      client,
      // Another account on a server this window is signed in to: ask GitShare for its sign-in page,
      // so the browser's session there does not decide the account.
      // eslint-disable-next-line gitshare/localized-text -- OAuth's prompt parameter, not text
      prompt: this.sessions.getSessions().some((s) => s.serverUrl === serverUrl) ? ('login' as const) : undefined,
      openBrowser: (url: string) => this.openBrowser(url),
      promptForCode: (host: string) => this.promptForCode(host),
    };
    const pasteMessage = vscode.l10n.t('Allow access in your browser, then paste the code GitShare shows.');
    if (client || mode === 'code') {
      // An application registered by hand has one way back, known in advance; "Sign In with a Code" asks for the code.
      const redirectUri = !client
        ? OOB_REDIRECT_URI
        : mode === 'code'
          ? client.callbackUrl
            ? OOB_REDIRECT_URI
            : undefined
          : redirectUriFor(client, await stableCallbackUri(serverUrl));
      const codeOnScreen = redirectUri === undefined || redirectUri === OOB_REDIRECT_URI;
      progress.report({ message: codeOnScreen ? pasteMessage : vscode.l10n.t('Continue in your browser.') });
      return this.flow.signIn({ ...common, redirectUri, signal: cancelled });
    }
    const wantsCode = new AbortController();
    const redirectUri = await this.callbackRedirectUri(serverUrl);
    this.switchToCode = () => wantsCode.abort();
    progress.report({
      message: vscode.l10n.t('Continue in your browser. [Having trouble?](command:{0})', Commands.authUseCode),
    });
    try {
      return await this.flow.signIn({ ...common, redirectUri, signal: AbortSignal.any([cancelled, wantsCode.signal]) });
    } catch (error) {
      if (!wantsCode.signal.aborted || cancelled.aborted) {
        throw error;
      }
      this.logger.info('Switching to the no-callback sign-in');
      progress.report({ message: pasteMessage });
      return await this.flow.signIn({ ...common, redirectUri: OOB_REDIRECT_URI, signal: cancelled });
    } finally {
      this.switchToCode = undefined;
    }
  }

  /**
   * `asExternalUri` of the extension's callback URI for this server (its own
   * path: mix-up defence), stringified once: this exact string is registered,
   * sent to the authorize endpoint and sent again in the token request.
   */
  private async callbackRedirectUri(serverUrl: string): Promise<string> {
    const callback = vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}${await callbackPathFor(serverUrl)}`);
    const external = await vscode.env.asExternalUri(callback);
    this.logger.info(`Redirect URI for ${serverUrl}: ${external.toString(true)}`);
    // toString(true): the default encoding turns the callback's own query (code-server's
    // `?vscode-reqid=1&vscode-scheme=…`) into `%3D`/`%26`, and the callback never reaches us.
    return external.toString(true);
  }

  private async openBrowser(url: string): Promise<void> {
    if (!(await this.interaction.openExternal(url))) {
      throw new CancelledError();
    }
  }

  private async promptForCode(host: string): Promise<string | undefined> {
    return this.interaction.input({
      id: 'signInCode',
      // The server's host: a code shown by another server's page is a mix-up.
      title: vscode.l10n.t('Sign in to GitShare at {0}', host),
      prompt: vscode.l10n.t(
        'After you allow access, {0} shows a code. Paste it here only if it came from {1}.',
        host,
        host,
      ),
      placeHolder: vscode.l10n.t('Code from GitShare'),
      password: true,
      validate: (value) => (value.trim() ? undefined : vscode.l10n.t('Paste the code GitShare shows.')),
    });
  }

  /** The setting, or else an input box; the answer is saved to the user settings. */
  private async resolveServerUrl(): Promise<string> {
    const configured = settings.serverUrl();
    if (configured) {
      return normalizeServerUrl(configured);
    }
    const typed = await this.interaction.input({
      id: 'serverUrl',
      title: vscode.l10n.t('Sign in to GitShare'),
      prompt: vscode.l10n.t('The address of your GitShare server'),
      placeHolder: vscode.l10n.t('https://gitshare.example'),
      validate: validateServerUrl,
    });
    if (typed === undefined) {
      throw new CancelledError();
    }
    const serverUrl = normalizeServerUrl(typed);
    await settings.saveServerUrl(serverUrl);
    return serverUrl;
  }

  private async offerSignInAgain(session: StoredSession): Promise<void> {
    const signIn = vscode.l10n.t('Sign In');
    const choice = await this.interaction.notify({
      severity: 'warning',
      message: vscode.l10n.t(
        'Your GitShare session for {0} has ended. Sign in again to keep using your files.',
        session.user.username,
      ),
      actions: [signIn],
    });
    if (choice === signIn) {
      await vscode.commands.executeCommand(Commands.signIn);
    }
  }

  private async updateContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', ContextKeys.signedIn, this.sessions.getSessions().length > 0);
  }

  /** The session as VS Code sees it, remembering the label it was given. */
  private announce(session: StoredSession, accessToken = session.accessToken): vscode.AuthenticationSession {
    const auth = this.toAuthSession(session, accessToken);
    this.announcedLabels.set(session.id, auth.account.label);
    return auth;
  }

  /**
   * Labels name the server once accounts span servers. The Accounts menu keys
   * an account by its label, so a label that changes is announced as the old
   * account removed, then the new one added.
   */
  private relabel(): void {
    const stale = this.sessions.getSessions().filter((s) => {
      const announced = this.announcedLabels.get(s.id);
      return announced !== undefined && announced !== this.accountLabel(s);
    });
    if (!stale.length) {
      return;
    }
    this._onDidChangeSessions.fire({
      added: [],
      removed: stale.map((s) => this.toAuthSession(s, s.accessToken, this.announcedLabels.get(s.id))),
      changed: [],
    });
    this._onDidChangeSessions.fire({ added: stale.map((s) => this.announce(s)), removed: [], changed: [] });
  }

  private accountLabel(session: StoredSession): string {
    const servers = new Set(this.sessions.getSessions().map((s) => s.serverUrl));
    servers.add(session.serverUrl);
    return servers.size > 1 ? `${session.user.username} (${new URL(session.serverUrl).host})` : session.user.username;
  }

  private toAuthSession(
    session: StoredSession,
    accessToken = session.accessToken,
    label = this.accountLabel(session),
  ): vscode.AuthenticationSession {
    return {
      id: session.id,
      accessToken,
      account: { id: accountId(session), label },
      scopes: session.scopes,
    };
  }
}

/**
 * The callback URL that reaches this window and stays the same from one
 * sign-in to the next, for an application registered by hand on this server:
 * desktop VS Code's own URL, with this server's callback path. VS Code for the
 * web has none (its callback changes every time), so there such an
 * application has no callback URL.
 */
export async function stableCallbackUri(serverUrl: string): Promise<string | undefined> {
  return vscode.env.uiKind === vscode.UIKind.Desktop
    ? `${vscode.env.uriScheme}://${EXTENSION_ID}${await callbackPathFor(serverUrl)}`
    : undefined;
}

function accountId(session: StoredSession): string {
  return `${session.serverUrl}#${session.user.id}`;
}
