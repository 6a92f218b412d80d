/**
 * The Check Connection report: its steps and their outcome, and the plain text a
 * person reads and copies (no token, no proxy password, outside text as one line
 * of plain text). The checks that fill it are in connectionCheck.ts.
 *
 * Imports no `vscode`. Its words are plain template strings so they can move to
 * `vscode.l10n.t` with the rest.
 */

export type StepStatus = 'ok' | 'warning' | 'failed' | 'skipped';

export interface CheckStep {
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
}

/** What the report says about where it was made, besides the steps. */
export interface ReportContext {
  /** Lines about the client (VS Code and extension versions). */
  readonly about?: readonly string[];
  readonly network?: NetworkSettings;
  readonly now?: () => Date;
}

const MARKS: Record<StepStatus, string> = { ok: '✔', warning: '⚠', failed: '✖', skipped: '–' };
/** The report as plain text, for an untitled document the person can read and copy. */
export function formatReport(report: ConnectionReport, input: ReportContext = {}): string {
  const now = (input.now ?? (() => new Date()))();
  const out: string[] = [];
  out.push('GitShare connection check');
  out.push(
    `${now
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC')}`,
  );
  for (const line of input.about ?? []) {
    out.push(line);
  }
  out.push('');
  const failed = report.steps.filter((s) => s.status === 'failed');
  const warned = report.steps.filter((s) => s.status === 'warning');
  out.push(
    failed.length === 0
      ? `Result: GitShare can be reached${warned.length ? `, with ${warned.length} warning${warned.length > 1 ? 's' : ''}` : ''}.`
      : `Result: ${failed.length} step${failed.length > 1 ? 's' : ''} failed — first: ${failed[0]!.title}.`,
  );
  out.push('');
  for (const step of report.steps) {
    out.push(`${MARKS[step.status]} ${step.title}${step.status === 'skipped' ? ' (not checked)' : ''}`);
    for (const line of step.lines) {
      out.push(`    ${line}`);
    }
  }
  const network = input.network;
  if (network) {
    out.push('');
    out.push('VS Code network settings');
    out.push(`    http.proxy: ${network.proxy ? maskCredentials(network.proxy) : '(empty)'}`);
    out.push(`    http.proxySupport: ${network.proxySupport ?? '(default)'}`);
    out.push(`    http.noProxy: ${network.noProxy?.length ? network.noProxy.map(text).join(', ') : '(empty)'}`);
    out.push(`    http.proxyStrictSSL: ${network.proxyStrictSSL ?? '(default)'}`);
    out.push(`    http.systemCertificates: ${network.systemCertificates ?? '(default)'}`);
    out.push(`    http.proxyAuthorization: ${network.proxyAuthorizationSet ? '(set, not shown)' : '(empty)'}`);
    for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'NODE_EXTRA_CA_CERTS']) {
      const value = network.env?.[name] ?? network.env?.[name.toLowerCase()];
      if (value) {
        out.push(`    ${name}: ${maskCredentials(value)}`);
      }
    }
  }
  out.push('');
  out.push('This report contains no token, password or secret; it is safe to share.');
  return out.join('\n') + '\n';
}

/** Outside text (server, proxy, settings) as one line of plain text, bounded. */
export function text(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

export function maskCredentials(value: string): string {
  return text(value.replace(/\/\/[^/@\s]*@/, '//***@'));
}
