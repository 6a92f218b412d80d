/**
 * The Check Connection report: its steps and their outcome, and the plain text a
 * person reads and copies (no token, no proxy password, outside text as one line
 * of plain text). The checks that fill it are in connectionCheck.ts.
 *
 * Every line a person reads goes through `@vscode/l10n`'s `l10n.t`, which
 * activate() hands the display language's bundle. Setting names, addresses and outside text are
 * placeholders, never translated.
 */
import * as l10n from '@vscode/l10n';
import { visibleText } from '../common/untrustedText';

export type StepStatus = 'ok' | 'warning' | 'failed' | 'skipped';

/** A step's stable name, for code and the log; its `title` is in the display language. */
export type StepId = 'address' | 'dns' | 'proxy' | 'tls' | 'cors' | 'endpoints' | 'session' | 'api';

export interface CheckStep {
  readonly id: StepId;
  readonly title: string;
  readonly status: StepStatus;
  /** What was found, one fact a line. */
  readonly lines: readonly string[];
}

export interface ConnectionReport {
  readonly serverUrl: string;
  readonly steps: readonly CheckStep[];
  /** True when no step failed. */
  readonly ok: boolean;
}

/** VS Code's network settings as the command read them, and the environment's proxy variables. */
export interface NetworkSettings {
  /** `http.proxy` */
  readonly proxy?: string;
  /** `http.proxySupport`: off | on | fallback | override */
  readonly proxySupport?: string;
  /** `http.noProxy` */
  readonly noProxy?: readonly string[];
  /** `http.proxyStrictSSL` */
  readonly proxyStrictSSL?: boolean;
  /** `http.systemCertificates` */
  readonly systemCertificates?: boolean;
  /** `http.proxyAuthorization` is set (its value is never read into the report). */
  readonly proxyAuthorizationSet?: boolean;
  /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY (either case). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The workbench runs in a browser. In code-server VS Code then asks the browser for the system
   * proxy of every address it does not decide itself, before each request (measured).
   */
  readonly inBrowser?: boolean;
}

/** What the report says about where it was made, besides the steps. */
export interface ReportContext {
  /** Lines about the client (VS Code and extension versions). */
  readonly about?: readonly string[];
  readonly network?: NetworkSettings;
  readonly now?: () => Date;
}

/** A step's title in the display language (built at call time, after activate() configured l10n). */
export function stepTitle(id: StepId): string {
  switch (id) {
    case 'address':
      return l10n.t('Server address');
    case 'dns':
      return l10n.t('DNS');
    case 'proxy':
      return l10n.t('Proxy');
    case 'tls':
      return l10n.t('TLS');
    case 'cors':
      return l10n.t('Requests from the browser (CORS)');
    case 'endpoints':
      return l10n.t('Sign-in endpoints');
    case 'session':
      return l10n.t('Session');
    case 'api':
      return l10n.t('API call');
  }
}

/** A step with its own title: what every check returns unless it names the step another way. */
export function checkStep(id: StepId, status: StepStatus, lines: readonly string[]): CheckStep {
  return { id, title: stepTitle(id), status, lines };
}

const MARKS: Record<StepStatus, string> = { ok: '✔', warning: '⚠', failed: '✖', skipped: '–' };
/** The report as plain text, for an untitled document the person can read and copy. */
export function formatReport(report: ConnectionReport, input: ReportContext = {}): string {
  const now = (input.now ?? (() => new Date()))();
  const out: string[] = [];
  out.push(l10n.t('GitShare connection check'));
  out.push(
    now
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC'),
  );
  for (const line of input.about ?? []) {
    out.push(line);
  }
  out.push('');
  out.push(resultLine(report));
  out.push('');
  for (const step of report.steps) {
    out.push(
      `${MARKS[step.status]} ${step.status === 'skipped' ? l10n.t('{0} (not checked)', step.title) : step.title}`,
    );
    for (const line of step.lines) {
      out.push(`    ${line}`);
    }
  }
  const network = input.network;
  if (network) {
    // The setting names stay as VS Code's Settings editor finds them; their values' words are translated.
    const empty = l10n.t('(empty)');
    const byDefault = l10n.t('(default)');
    out.push('');
    out.push(l10n.t('VS Code network settings'));
    out.push(`    http.proxy: ${network.proxy ? proxyShown(network.proxy) : empty}`);
    out.push(`    http.proxySupport: ${network.proxySupport ? text(network.proxySupport) : byDefault}`);
    out.push(`    http.noProxy: ${network.noProxy?.length ? network.noProxy.map(text).join(', ') : empty}`);
    out.push(`    http.proxyStrictSSL: ${network.proxyStrictSSL ?? byDefault}`);
    out.push(`    http.systemCertificates: ${network.systemCertificates ?? byDefault}`);
    out.push(`    http.proxyAuthorization: ${network.proxyAuthorizationSet ? l10n.t('(set, not shown)') : empty}`);
    for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'NODE_EXTRA_CA_CERTS']) {
      const value = network.env?.[name] ?? network.env?.[name.toLowerCase()];
      if (value) {
        out.push(`    ${name}: ${name.endsWith('_PROXY') && name !== 'NO_PROXY' ? proxyShown(value) : text(value)}`);
      }
    }
  }
  out.push('');
  out.push(l10n.t('This report contains no token, password or secret; it is safe to share.'));
  return out.join('\n') + '\n';
}

/** The verdict at the top: one whole sentence per shape (a translator sees each). */
function resultLine(report: ConnectionReport): string {
  const failed = report.steps.filter((s) => s.status === 'failed');
  const warnings = report.steps.filter((s) => s.status === 'warning').length;
  if (failed.length === 1) {
    return l10n.t('Result: 1 step failed — first: {0}.', failed[0]!.title);
  }
  if (failed.length > 1) {
    return l10n.t('Result: {0} steps failed — first: {1}.', failed.length, failed[0]!.title);
  }
  if (warnings === 1) {
    return l10n.t('Result: GitShare can be reached, with 1 warning.');
  }
  if (warnings > 1) {
    return l10n.t('Result: GitShare can be reached, with {0} warnings.', warnings);
  }
  return l10n.t('Result: GitShare can be reached.');
}

/** Outside text (server, proxy, settings) as one line of plain text, bounded: no character in it acts unseen. */
export function text(value: string): string {
  const clean = visibleText(value);
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

/**
 * A proxy setting as the report shows it, whatever its shape: scheme, host and port only, and
 * "with credentials (not shown)" when it has any. The credentials are everything before the last
 * `@` after the scheme (a password may hold `@`, `/`, `:`, `?` or `#`, written out or not); host
 * and port end at the first `/`, `?`, `#` or `\` after that, and a "port" that is not digits is
 * taken for a password too (`http://alice:secret`). Without a scheme VS Code takes http.
 */
export function proxyShown(value: string): string {
  const trimmed = value.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  const rest = scheme ? trimmed.slice(scheme[0].length) : trimmed.replace(/^\/+/, '');
  const at = rest.lastIndexOf('@');
  const authority = rest.slice(at + 1).split(/[/?#\\]/)[0]!;
  const host = /^(?:\[[^\]]*\]|[^:]*)/.exec(authority)![0];
  const port = /^:\d*$/.test(authority.slice(host.length)) ? authority.slice(host.length) : undefined;
  const shown = text(`${scheme ? scheme[1]!.toLowerCase() : 'http'}://${host}${port ?? ''}`);
  return at >= 0 || (port === undefined && host !== authority)
    ? l10n.t('{0} (with credentials, not shown)', shown)
    : shown;
}
