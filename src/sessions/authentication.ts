/**
 * Builds the authentication side and registers it with VS Code: the provider,
 * the callback URI handler and the sign-in commands. `extension.ts` creates one
 * and hands the account directory to the files side.
 */
import * as vscode from 'vscode';
import { AccountDirectory } from '../common/accounts';
import { labelText } from '../common/untrustedText';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, Commands } from '../common/constants';
import { ErrorHandler } from '../workbench/errorHandler';
import type { Interaction } from '../workbench/interaction';
import type { HttpTransport } from '../common/http';
import { Disposable } from '../common/lifecycle';
import { Logger } from '../common/logger';
import { settings } from '../workbench/settings';
import { GitShareAuthenticationProvider, stableCallbackUri } from './authProvider';
import { HandRegistration } from './handRegistration';
import { AuthorizationServers } from '../oauth/authorizationServers';
import { OAuthRegistrations } from './oauthRegistrations';
import { DEFAULT_SCOPES, OAuthClient } from '../oauth/oauthClient';
import { PendingSignIns } from '../oauth/pendingSignIns';
import { SessionManager } from './sessionManager';
import { SignInFlow } from './signInFlow';
import { SecretStorageLike, StoredSession, TokenStore } from './tokenStore';
import { AuthUriHandler } from './uriHandler';

export class GitShareAuthentication extends Disposable {
  /** The signed-in accounts, for the API client, the tree and the file system. */
  readonly accounts: AccountDirectory;

  constructor(
    secrets: SecretStorageLike,
    logger: Logger,
    errors: ErrorHandler,
    private readonly interaction: Interaction,
    transport: HttpTransport,
  ) {
    super();
    const store = new TokenStore(secrets, logger);
    const oauth = new OAuthClient(logger, { transport });
    const authorizationServers = new AuthorizationServers(oauth);
    const sessions = new SessionManager(store, oauth, authorizationServers, logger);
    const pending = new PendingSignIns(logger);
    const registrations = new OAuthRegistrations(store, oauth, logger, async (serverUrl) => {
      const stored = await store.readSessions();
      return new Set(stored.filter((s) => s.serverUrl === serverUrl).map((s) => s.client.clientId));
    });
    const flow = new SignInFlow(oauth, authorizationServers, sessions, registrations, pending, logger, transport);
    const hand = new HandRegistration(store, interaction, logger, {
      callbackHere: stableCallbackUri,
      configuredClientId: settings.clientId,
      copyToClipboard: (text) => Promise.resolve(vscode.env.clipboard.writeText(text)),
    });
    const provider = new GitShareAuthenticationProvider(sessions, flow, store, hand, errors, logger, interaction);
    this.accounts = sessions;

    for (const disposable of [
      store,
      sessions,
      pending,
      provider,
      vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, provider, {
        supportsMultipleAccounts: true,
      }),
      vscode.window.registerUriHandler(new AuthUriHandler(pending, logger)),
      // A new sign-in every time (adding an account), never the existing session; the provider shows what went wrong.
      vscode.commands.registerCommand(Commands.signIn, () => provider.signInNewAccount()),
      vscode.commands.registerCommand(Commands.signInWithCode, () => provider.signInWithCode()),
      vscode.commands.registerCommand(
        Commands.enterClientDetails,
        errors.wrap(vscode.l10n.t('Enter client id and secret'), () => provider.enterClientDetails()),
      ),
      vscode.commands.registerCommand(
        Commands.setClientSecret,
        errors.wrap(vscode.l10n.t('Set client secret'), () => provider.setClientSecret()),
      ),
      vscode.commands.registerCommand(Commands.authUseCode, () => provider.useCodeInstead()),
      vscode.commands.registerCommand(
        Commands.signOut,
        errors.wrap(vscode.l10n.t('Sign out of GitShare'), async (target?: unknown) => {
          const session = await this.chooseSessionToSignOut(sessions, target);
          if (session) {
            await provider.removeSession(session.id);
          }
        }),
      ),
    ]) {
      this._register(disposable);
    }

    // Load the stored sessions; then, and whenever the last account goes, offer the sign-in.
    this._register(
      sessions.onDidChangeSessions((change) => {
        if (change.removed.length && !sessions.getSessions().length) {
          this.offerSignIn(sessions, logger);
        }
      }),
    );
    void sessions
      .initialize()
      .then(() => this.offerSignIn(sessions, logger))
      .catch((error) => logger.warn('Could not restore the GitShare sessions:', error));
  }

  /**
   * Signed out, asks VS Code for a session without prompting. VS Code answers
   * with "Sign in with GitShare to use GitShare" in the Accounts menu and a "1"
   * on its icon ("Sign in requested"), and takes both away once a session with
   * these scopes is added, however it was signed in. Signed in, it never asks:
   * a request no session answers keeps that badge on screen for good. Another
   * account is then a new sign-in from "GitShare: Sign In" or the Files view,
   * or "Sign in to another account" in VS Code's account picker
   * (supportsMultipleAccounts).
   */
  private offerSignIn(sessions: SessionManager, logger: Logger): void {
    if (sessions.getSessions().length) {
      return;
    }
    Promise.resolve(vscode.authentication.getSession(AUTH_PROVIDER_ID, DEFAULT_SCOPES, { createIfNone: false })).catch(
      (error) => logger.warn('Could not offer the sign-in in the Accounts menu:', error),
    );
  }

  /**
   * "GitShare: Sign Out…": the account of the Files view item it was run on,
   * the only one, or the one the person picks; then a confirmation, as the
   * Accounts menu's Sign Out asks.
   */
  private async chooseSessionToSignOut(sessions: SessionManager, target: unknown): Promise<StoredSession | undefined> {
    const all = sessions.getSessions();
    const targetId = (target as { account?: { id?: unknown } } | undefined)?.account?.id;
    let session = all.find((s) => s.id === targetId);
    if (!session && all.length <= 1) {
      session = all[0];
    }
    if (!session && all.length > 1) {
      // The values are ids: what goes through the interaction never carries a token.
      const id = await this.interaction.pick({
        id: 'signOutAccount',
        title: vscode.l10n.t('Sign Out of GitShare'),
        placeHolder: vscode.l10n.t('Which account?'),
        items: all.map((s) => ({
          label: labelText(s.user.username),
          description: new URL(s.serverUrl).host,
          value: s.id,
        })),
      });
      session = all.find((s) => s.id === id);
    }
    if (!session) {
      return undefined;
    }
    const confirmed = await this.interaction.confirm({
      id: 'signOut',
      message: vscode.l10n.t(
        'Sign out of GitShare as {0} on {1}?',
        session.user.username,
        new URL(session.serverUrl).host,
      ),
      detail: vscode.l10n.t(
        'The tokens are removed from this computer and revoked on GitShare. Your files stay on GitShare.',
      ),
      action: vscode.l10n.t('Sign Out'),
    });
    return confirmed ? session : undefined;
  }
}
