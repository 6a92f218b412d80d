import * as vscode from 'vscode';
import type { AccountDirectory } from '../common/accounts';
import { SETTINGS_SECTION, Settings } from '../common/constants';
import { Disposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import type { ErrorHandler } from '../workbench/errorHandler';
import { settings } from '../workbench/settings';
import { readNetworkSettings } from './checkConnectionCommand';
import type { HostNetwork } from './networkSteps';
import { clearTextProxyWarning, proxyFor } from './proxyRules';

/**
 * Warns once per server and proxy when plain http to a GitShare server would go through a proxy
 * unencrypted (a loopback address other than localhost, 127.0.0.1 and ::1, with `http.proxy` or
 * HTTP_PROXY set): when the window opens, when `gitshare.serverUrl` or VS Code's proxy settings
 * change, and when an account signs in. Check Connection's Proxy step says the same.
 */
export class ClearTextProxyWarning extends Disposable {
  /** `server proxy` pairs already warned about in this window. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly accounts: AccountDirectory,
    private readonly host: HostNetwork,
    private readonly errors: ErrorHandler,
    private readonly logger: Logger,
  ) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (
          event.affectsConfiguration(`${SETTINGS_SECTION}.${Settings.serverUrl}`) ||
          event.affectsConfiguration('http')
        ) {
          this.check();
        }
      }),
    );
    this._register(accounts.onDidChangeAccounts(() => this.check()));
    this.check();
  }

  private check(): void {
    const network = readNetworkSettings(this.host);
    const servers = new Set([settings.serverUrlAsSet(), ...this.accounts.accounts.map((a) => a.serverUrl)]);
    for (const server of servers) {
      let url: URL;
      try {
        url = new URL(server.trim());
      } catch {
        continue; // Not an address: sign-in and Check Connection say so.
      }
      const proxy = proxyFor(url, network);
      const warning = clearTextProxyWarning(url, proxy);
      const key = `${url.origin} ${proxy.url?.host ?? ''}`;
      if (warning && !this.warned.has(key)) {
        this.warned.add(key);
        this.logger.warn(`Plain http to ${url.origin} goes through the proxy ${proxy.url!.host} unencrypted`);
        void this.errors.show('warning', warning, true);
      }
    }
  }
}
