/**
 * Receives `${uriScheme}://gitshare.gitshare-vscode/did-authenticate/<server>?code=…&state=…`
 * after the browser leaves GitShare, and hands it with its path to the pending
 * sign-in its state names (which checks the path is its server's). Anything
 * else is logged and ignored.
 */
import * as vscode from 'vscode';
import { AUTH_CALLBACK_PATH } from '../common/constants';
import { Logger } from '../common/logger';
import { PendingSignIns } from '../oauth/pendingSignIns';

export class AuthUriHandler implements vscode.UriHandler {
  constructor(
    private readonly pending: PendingSignIns,
    private readonly logger: Logger,
  ) {}

  handleUri(uri: vscode.Uri): void {
    if (!uri.path.startsWith(AUTH_CALLBACK_PATH + '/')) {
      this.logger.warn(`Ignored a URI for an unknown path: ${uri.path}`);
      return;
    }
    const query = new URLSearchParams(uri.query);
    // Before anything is logged: none of these values may ever appear.
    for (const key of ['code', 'state']) {
      this.logger.redact(query.get(key) ?? undefined);
    }
    this.logger.debug(`Sign-in callback received (${[...query.keys()].join(', ')})`);
    this.pending.handleCallback(query, uri.path);
  }
}
