/**
 * The "GitShare" entry of VS Code's Accounts menu: a vscode.AuthenticationProvider
 * over the session manager and the sign-in flow. Everything that talks to the
 * person lives here — the server prompt, the "Signing in to GitShare…"
 * notification with Cancel and "Having trouble?", the code prompt, the
 * "sign in again" question — and nothing of the protocol.
 */
import * as vscode from 'vscode';
import { Commands, ContextKeys, EXTENSION_ID, SETTINGS_SECTION, Settings } from '../common/constants';
import { CancelledError, GitShareError, isCancellation } from '../common/errors';
import { ErrorHandler } from '../common/errorHandler';
import type { Interaction } from '../common/interaction';
import { Logger } from '../common/logger';
import { notificationText } from '../common/untrustedText';
import { ClientCredentials, DEFAULT_SCOPES, OOB_REDIRECT_URI } from './oauthClient';
import { callbackPathFor } from './pendingSignIns';
import { normalizeServerUrl, validateServerUrl } from './serverUrl';
import { SessionManager } from './sessionManager';
import { SignInFlow } from './signInFlow';
import { StoredSession, TokenStore } from './tokenStore';

export const ACCESS_DENIED_MESSAGE = 'Sign-in was cancelled on GitShare.';

export class GitShareAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly _onDidChangeSessions = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this._onDidChangeSessions.event;
  private readonly disposables: vscode.Disposable[] = [this._onDidChangeSessions];
  /** Set while a callback-mode sign-in waits: switches it to the no-callback mode. */
  private switchToCode: (() => void) | undefined;

  constructor(
    private readonly sessions: SessionManager,
    private readonly flow: SignInFlow,
    private readonly store: TokenStore,
    private readonly errors: ErrorHandler,
    private readonly logger: Logger,
    private readonly interaction: Interaction,
  ) {
    this.disposables.push(
      toDisposable(sessions.onDidChangeSessions((change) => {
        this._onDidChangeSessions.fire({
          added: change.added.map((s) => this.toAuthSession(s)),
          removed: change.removed.map((s) => this.toAuthSession(s)),
          changed: change.changed.map((s) => this.toAuthSession(s)),
        });
        void this.updateContext();
      })),
      toDisposable(sessions.onDidLoseSession((session) => void this.offerSignInAgain(session))),
    );
    void this.updateContext();
  }

  async getSessions(scopes: readonly string[] | undefined, options?: vscode.AuthenticationProviderSessionOptions): Promise<vscode.AuthenticationSession[]> {
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
        return current ? this.toAuthSession(current, accessToken) : undefined;
      }),
    );
    return sessions.filter((session): session is vscode.AuthenticationSession => session !== undefined);
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    try {
      const serverUrl = await this.resolveServerUrl();
      const client = await this.configuredClient(serverUrl);
      const session = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Signing in to GitShare…', cancellable: true },
        (progress, token) => this.signIn(serverUrl, scopes.length ? scopes : DEFAULT_SCOPES, client, progress, token),
      );
      return this.toAuthSession(session);
    } catch (error) {
      if (error instanceof CancelledError && error.message === ACCESS_DENIED_MESSAGE) {
        void this.interaction.notify({ severity: 'info', message: ACCESS_DENIED_MESSAGE });
      } else if (!isCancellation(error)) {
        void this.errors.handle(error, 'Sign in to GitShare');
      }
      throw error;
    }
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
    const serverUrl = await this.resolveServerUrl();
    const client = await this.configuredClient(serverUrl);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Signing in to GitShare…', cancellable: true },
      (_progress, token) => this.flow.signIn({
        serverUrl,
        scopes,
        redirectUri: OOB_REDIRECT_URI,
        client,
        openBrowser: (url) => this.openBrowser(url),
        promptForCode: (host) => this.promptForCode(host),
        signal: toAbortSignal(token),
      }),
    );
  }

  /** GitShare: Set Client Secret… */
  async setClientSecret(): Promise<void> {
    const clientId = applicationSetting(Settings.clientId);
    if (!clientId) {
      throw new GitShareError('invalidInput', `Set "${SETTINGS_SECTION}.${Settings.clientId}" in your user settings first.`);
    }
    // The secret belongs to one server: it is never sent to another.
    const serverUrl = await this.resolveServerUrl();
    const secret = await this.interaction.input({
      id: 'clientSecret',
      title: 'GitShare Client Secret',
      prompt: notificationText(`The client secret of the GitShare application ${clientId} on ${new URL(serverUrl).host}. Leave empty to remove it.`),
      password: true,
    });
    if (secret === undefined) {
      return;
    }
    await this.store.saveClientSecret(serverUrl, clientId, secret.trim() || undefined);
    this.logger.info(`Client secret for ${clientId} on ${serverUrl} ${secret.trim() ? 'saved' : 'removed'}`);
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private async signIn(
    serverUrl: string,
    scopes: readonly string[],
    client: ClientCredentials | undefined,
    progress: vscode.Progress<{ message?: string }>,
    token: vscode.CancellationToken,
  ): Promise<StoredSession> {
    const cancelled = toAbortSignal(token);
    const wantsCode = new AbortController();
    const common = {
      serverUrl,
      scopes,
      client,
      openBrowser: (url: string) => this.openBrowser(url),
      promptForCode: (host: string) => this.promptForCode(host),
    };
    const redirectUri = await this.callbackRedirectUri(serverUrl);
    this.switchToCode = () => wantsCode.abort();
    progress.report({ message: `Continue in your browser. [Having trouble?](command:${Commands.authUseCode})` });
    try {
      return await this.flow.signIn({ ...common, redirectUri, signal: AbortSignal.any([cancelled, wantsCode.signal]) });
    } catch (error) {
      if (!wantsCode.signal.aborted || cancelled.aborted) {
        throw error;
      }
      this.logger.info('Switching to the no-callback sign-in');
      progress.report({ message: 'Paste the code GitShare shows.' });
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
    const callback = vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}${callbackPathFor(serverUrl)}`);
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
      title: `Sign in to GitShare at ${host}`,
      prompt: `After you allow access, ${host} shows a code. Paste it here only if it came from ${host}.`,
      placeHolder: 'Code from GitShare',
      password: true,
      validate: (value) => (value.trim() ? undefined : 'Paste the code GitShare shows.'),
    });
  }

  /** The setting, or else an input box; the answer is saved to the user settings. */
  private async resolveServerUrl(): Promise<string> {
    const configured = applicationSetting(Settings.serverUrl);
    if (configured) {
      return normalizeServerUrl(configured);
    }
    const typed = await this.interaction.input({
      id: 'serverUrl',
      title: 'Sign in to GitShare',
      prompt: 'The address of your GitShare server',
      placeHolder: 'https://gitshare.example',
      validate: validateServerUrl,
    });
    if (typed === undefined) {
      throw new CancelledError();
    }
    const serverUrl = normalizeServerUrl(typed);
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.serverUrl, serverUrl, vscode.ConfigurationTarget.Global);
    return serverUrl;
  }

  /** `gitshare.clientId` with the secret "Set Client Secret…" saved for this server, when configured. */
  private async configuredClient(serverUrl: string): Promise<ClientCredentials | undefined> {
    const clientId = applicationSetting(Settings.clientId);
    if (!clientId) {
      return undefined;
    }
    if ((await this.store.migrateLegacyClientSecret(serverUrl, clientId)) === 'dropped') {
      void this.interaction.notify({
        severity: 'warning',
        message: `GitShare now keeps a client secret for one server only. Set the secret of ${clientId} again with "GitShare: Set Client Secret…" if ${new URL(serverUrl).host} needs one.`,
      });
    }
    const clientSecret = await this.store.readClientSecret(serverUrl, clientId);
    this.logger.info(`Using the configured client ${clientId}${clientSecret ? '' : ' as a public client (no secret set)'}`);
    return { clientId, clientSecret };
  }

  private async offerSignInAgain(session: StoredSession): Promise<void> {
    const signIn = 'Sign In';
    const choice = await this.interaction.notify({
      severity: 'warning',
      message: `Your GitShare session for ${session.user.username} has ended. Sign in again to keep using your files.`,
      actions: [signIn],
    });
    if (choice === signIn) {
      await vscode.commands.executeCommand(Commands.signIn);
    }
  }

  private async updateContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', ContextKeys.signedIn, this.sessions.getSessions().length > 0);
  }

  private toAuthSession(session: StoredSession, accessToken = session.accessToken): vscode.AuthenticationSession {
    // The same user name on two servers would look alike in the Accounts menu.
    const ambiguous = this.sessions.getSessions().some((other) => other.serverUrl !== session.serverUrl && other.user.username === session.user.username);
    return {
      id: session.id,
      accessToken,
      account: {
        id: accountId(session),
        label: ambiguous ? `${session.user.username} (${new URL(session.serverUrl).host})` : session.user.username,
      },
      scopes: session.scopes,
    };
  }
}

function accountId(session: StoredSession): string {
  return `${session.serverUrl}#${session.user.id}`;
}

/**
 * Reads a setting that only the user may set: application scope and listed in
 * `restrictedConfigurations`, and here read from the user settings alone, so a
 * workspace cannot point the tokens elsewhere.
 */
function applicationSetting(key: string): string | undefined {
  const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect<string>(key);
  const value = inspected?.globalValue ?? inspected?.defaultValue;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function toAbortSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) {
    controller.abort();
  } else {
    token.onCancellationRequested(() => controller.abort());
  }
  return controller.signal;
}

function toDisposable(disposable: { dispose(): unknown }): vscode.Disposable {
  return new vscode.Disposable(() => disposable.dispose());
}
