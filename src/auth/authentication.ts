/**
 * Builds the authentication side and registers it with VS Code: the provider,
 * the callback URI handler and the sign-in commands. `extension.ts` creates one
 * and hands the account directory to the files side.
 */
import * as vscode from 'vscode';
import { AccountDirectory } from '../common/accounts';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, Commands } from '../common/constants';
import { isCancellation } from '../common/errors';
import { ErrorHandler } from '../common/errorHandler';
import { Logger } from '../common/logger';
import { GitShareAuthenticationProvider, GitShareAuthTestHooks } from './authProvider';
import { ClientRegistry } from './clientRegistry';
import { DEFAULT_SCOPES, OAuthClient } from './oauthClient';
import { PendingSignIns } from './pendingSignIns';
import { SessionManager } from './sessionManager';
import { SignInFlow } from './signInFlow';
import { SecretStorageLike, TokenStore } from './tokenStore';
import { AuthUriHandler } from './uriHandler';

export class GitShareAuthentication implements vscode.Disposable {
  /** The signed-in accounts, for the API client, the tree and the file system. */
  readonly accounts: AccountDirectory;
  /** See GitShareAuthTestHooks; inert unless a test sets them. */
  readonly testHooks: GitShareAuthTestHooks;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(secrets: SecretStorageLike, logger: Logger, errors: ErrorHandler) {
    const store = new TokenStore(secrets, logger);
    const oauth = new OAuthClient(logger);
    const sessions = new SessionManager(store, oauth, logger);
    const pending = new PendingSignIns(logger);
    const clients = new ClientRegistry(store, oauth, logger, async (serverUrl) => {
      const stored = await store.readSessions();
      return new Set(stored.filter((s) => s.serverUrl === serverUrl).map((s) => s.client.clientId));
    });
    const flow = new SignInFlow(oauth, sessions, clients, pending, logger);
    const provider = new GitShareAuthenticationProvider(sessions, flow, store, errors, logger);
    this.accounts = sessions;
    this.testHooks = provider.testHooks;

    this.disposables.push(
      toDisposable(store),
      toDisposable(sessions),
      toDisposable(pending),
      provider,
      vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, provider, { supportsMultipleAccounts: true }),
      vscode.window.registerUriHandler(new AuthUriHandler(pending, logger)),
      vscode.commands.registerCommand(Commands.signIn, async () => {
        try {
          await vscode.authentication.getSession(AUTH_PROVIDER_ID, DEFAULT_SCOPES, { createIfNone: true });
        } catch (error) {
          // The provider has already shown what went wrong.
          if (!isCancellation(error)) {
            logger.debug('Sign in ended:', error);
          }
        }
      }),
      vscode.commands.registerCommand(Commands.signInWithCode, errors.wrap('Sign in to GitShare', () => provider.signInWithCode())),
      vscode.commands.registerCommand(Commands.setClientSecret, errors.wrap('Set client secret', () => provider.setClientSecret())),
      vscode.commands.registerCommand(Commands.authUseCode, () => provider.useCodeInstead()),
    );

    // Load the stored sessions, then ask for one without prompting: with none,
    // this puts "Sign in with GitShare" in the Accounts menu.
    void sessions
      .initialize()
      .then(() => vscode.authentication.getSession(AUTH_PROVIDER_ID, DEFAULT_SCOPES, { createIfNone: false }))
      .catch((error) => logger.warn('Could not restore the GitShare sessions:', error));
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

function toDisposable(disposable: { dispose(): unknown }): vscode.Disposable {
  return new vscode.Disposable(() => disposable.dispose());
}
