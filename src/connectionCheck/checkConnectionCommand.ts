import * as vscode from 'vscode';
import { checkConnection } from './connectionCheck';
import type { SessionToCheck } from './serviceChecks';
import { formatReport, type NetworkSettings } from './connectionReport';
import { AUTH_PROVIDER_ID, Commands } from '../common/constants';
import type { ErrorHandler } from '../workbench/errorHandler';
import type { Logger } from '../common/logger';
import type { HttpTransport } from '../common/http';
import type { HostNetwork } from './networkSteps';
import { Disposable } from '../common/lifecycle';
import { settings } from '../workbench/settings';

/** Read-only documents holding the reports: copyable, never saved, no "save changes?" on close. */
const REPORT_SCHEME = 'gitshare-report';

/**
 * GitShare: Check Connection. Gathers what the check needs (the server setting, VS Code's network
 * settings, this server's sessions through the public authentication API) and shows the report of
 * connectionCheck.ts in a read-only plain-text document.
 */
export class CheckConnectionCommand extends Disposable {
  private readonly reports = new Map<string, string>();
  private readonly changes = this._register(new vscode.EventEmitter<vscode.Uri>());
  private count = 0;

  constructor(
    private readonly logger: Logger,
    errors: ErrorHandler,
    private readonly version: string,
    private readonly transport: HttpTransport,
    private readonly hostNetwork: HostNetwork,
  ) {
    super();
    this._register(
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, {
        onDidChange: this.changes.event,
        provideTextDocumentContent: (uri) => this.reports.get(uri.toString()) ?? '',
      }),
    );
    this._register(
      vscode.commands.registerCommand(
        Commands.checkConnection,
        errors.wrap(vscode.l10n.t('Check connection'), () => this.run()),
      ),
    );
  }

  async run(): Promise<vscode.TextDocument> {
    const serverUrl = settings.serverUrlAsSet();
    const network = readNetworkSettings(this.hostNetwork);
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the connection to GitShare…') },
      async () =>
        checkConnection({
          serverUrl,
          network,
          sessions: await this.sessionsFor(serverUrl),
          transport: this.transport,
          hostNetwork: this.hostNetwork,
        }),
    );
    // The log stays English (it goes into bug reports): the steps' ids, not their titles.
    const failed = report.steps.filter((s) => s.status === 'failed').map((s) => s.id);
    this.logger.info(
      `Connection check of ${safeOrigin(serverUrl) ?? '(no valid server address)'}: ${failed.length ? `failed at ${failed.join(', ')}` : 'passed'}`,
    );
    const text = formatReport(report, {
      network,
      about: [this.about()],
    });
    // The tab's name is read too: in the display language.
    const name = vscode.l10n.t('GitShare Connection Check {0}', ++this.count);
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name.replace(/[/\\]/g, '-')}.txt` });
    this.reports.set(uri.toString(), text);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
    return document;
  }

  /** Where the report was made: the versions and the kind of VS Code, one line. */
  private about(): string {
    const kind = vscode.env.uiKind === vscode.UIKind.Web ? vscode.l10n.t('web') : vscode.l10n.t('desktop');
    const where = vscode.env.remoteName
      ? vscode.l10n.t('{0}, {1}, remote {2}', vscode.env.appName, kind, vscode.env.remoteName)
      : vscode.l10n.t('{0}, {1}', vscode.env.appName, kind);
    return vscode.l10n.t(
      'VS Code {0} ({1}), GitShare {2}, {3}',
      vscode.version,
      where,
      this.version,
      this.hostNetwork.runtime,
    );
  }

  /** This server's sessions, through the public API: what another extension could see with consent. */
  private async sessionsFor(serverUrl: string): Promise<SessionToCheck[]> {
    const origin = safeOrigin(serverUrl);
    if (!origin) {
      return [];
    }
    const accounts = await vscode.authentication.getAccounts(AUTH_PROVIDER_ID);
    const sessions: SessionToCheck[] = [];
    for (const account of accounts.filter((a) => a.id.startsWith(`${origin}#`))) {
      const session = await vscode.authentication
        .getSession(AUTH_PROVIDER_ID, [], { silent: true, account })
        .then(undefined, () => undefined);
      if (session) {
        sessions.push({ label: session.account.label, accessToken: session.accessToken, scopes: session.scopes });
      }
    }
    return sessions;
  }
}

/** VS Code's network settings and the environment's proxy variables, as the report lists them. */
export function readNetworkSettings(host: HostNetwork): NetworkSettings {
  return {
    ...settings.http(),
    inBrowser: vscode.env.uiKind === vscode.UIKind.Web,
    env: host.environment(),
  };
}

function safeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
