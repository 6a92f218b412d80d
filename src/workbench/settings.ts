/**
 * Every setting GitShare reads, typed, in one place: its own `gitshare.*` (the keys are in
 * common/constants.ts, package.json declares them) and the `http.*` of VS Code that Check
 * Connection reports.
 *
 * `gitshare.serverUrl` and `gitshare.clientId` decide where tokens go: they are application-scoped
 * and in `restrictedConfigurations`, and sign-in reads them from the user settings alone, so a
 * workspace can never point the tokens elsewhere.
 */
import * as vscode from 'vscode';
import { SETTINGS_SECTION, Settings } from '../common/constants';
import { watchIntervalMs } from '../common/poller';

/** The key of a `gitshare.*` setting, relative to the section. */
export type SettingKey = (typeof Settings)[keyof typeof Settings];

/** `gitshare.watch.interval` when not set (package.json declares the same). */
const DEFAULT_WATCH_INTERVAL_SECONDS = 10;
/** `gitshare.transfers.concurrency`'s maximum in package.json. */
const MAX_TRANSFERS = 16;

/** VS Code's network settings, as Check Connection reports them. */
export interface HttpSettings {
  readonly proxy: string;
  readonly proxySupport: string | undefined;
  readonly noProxy: readonly string[];
  readonly proxyStrictSSL: boolean | undefined;
  readonly systemCertificates: boolean | undefined;
  /** `http.proxyAuthorization` is set; its value is never read. */
  readonly proxyAuthorizationSet: boolean;
}

function gitshare(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION);
}

/** A setting only the user may set, from the user settings alone: trimmed, undefined when empty. */
function userSetting(key: SettingKey): string | undefined {
  const inspected = gitshare().inspect<string>(key);
  const value = inspected?.globalValue ?? inspected?.defaultValue;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

export const settings = {
  /** `gitshare.serverUrl` for sign-in: the user settings alone. */
  serverUrl: (): string | undefined => userSetting(Settings.serverUrl),

  /**
   * `gitshare.serverUrl` as VS Code resolves it, untrimmed: what Check Connection reports as set
   * and the walkthrough's first step watches. Nothing is sent on its word alone.
   */
  serverUrlAsSet: (): string => gitshare().get<string>(Settings.serverUrl, ''),

  /** Keeps the server the person typed at sign-in, in the user settings. */
  saveServerUrl: async (serverUrl: string): Promise<void> => {
    await gitshare().update(Settings.serverUrl, serverUrl, vscode.ConfigurationTarget.Global);
  },

  /** `gitshare.clientId`, an application registered by hand: the user settings alone. */
  clientId: (): string | undefined => userSetting(Settings.clientId),

  /** `gitshare.transfers.concurrency` when it is a whole number from 1 (at most 16); else undefined. */
  transfersConcurrency: (): number | undefined => {
    const value = gitshare().get<number>(Settings.transfersConcurrency);
    return Number.isInteger(value) && value! >= 1 ? Math.min(value!, MAX_TRANSFERS) : undefined;
  },

  /**
   * `gitshare.watch.interval` in milliseconds, from the user settings alone (it is
   * application-scoped: a workspace's value would set how hard this computer polls the server);
   * 0 = off, and never less than 1 s, whatever the value.
   */
  watchIntervalMs: (): number => {
    const inspected = gitshare().inspect<number>(Settings.watchInterval);
    return watchIntervalMs(inspected?.globalValue ?? inspected?.defaultValue ?? DEFAULT_WATCH_INTERVAL_SECONDS);
  },

  http: (): HttpSettings => {
    const http = vscode.workspace.getConfiguration('http');
    return {
      proxy: http.get<string>('proxy', ''),
      proxySupport: http.get<string>('proxySupport'),
      noProxy: http.get<string[]>('noProxy', []),
      proxyStrictSSL: http.get<boolean>('proxyStrictSSL'),
      systemCertificates: http.get<boolean>('systemCertificates'),
      proxyAuthorizationSet: !!http.get<string | null>('proxyAuthorization'),
    };
  },

  /** Calls `listener` whenever `gitshare.<key>` changes. */
  onDidChange: (key: SettingKey, listener: () => void): vscode.Disposable =>
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SETTINGS_SECTION}.${key}`)) {
        listener();
      }
    }),
};
