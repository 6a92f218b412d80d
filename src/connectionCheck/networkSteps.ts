/**
 * Check Connection's steps below HTTP — DNS, the proxy, TLS and the certificate chain — as each
 * extension host can run them: the Node host speaks DNS, TCP and TLS itself
 * (node/networkChecks.ts); in the browser the browser does all three and says nothing of them to
 * an extension, so those steps say so and the HTTP steps tell the rest (browser/networkChecks.ts).
 */
import * as l10n from '@vscode/l10n';
import { errorCode } from '../api/errorMapping';
import { text, type CheckStep, type NetworkSettings } from './connectionReport';
import type { ProxyDecision } from './proxyRules';

/** The TLS step as read by a handshake, and whether Node's own certificate authorities trust the chain. */
export interface TlsFindings {
  readonly step: CheckStep;
  readonly nodeTrusts?: boolean;
}

export interface NetworkFindings {
  readonly dns: CheckStep;
  readonly proxy: CheckStep;
  readonly tls: TlsFindings;
}

export interface HostNetwork {
  /**
   * The requests of this host are a web page's (the web worker host): the server must allow them
   * (CORS), and Check Connection checks that it does.
   */
  readonly corsApplies: boolean;
  /**
   * VS Code's proxy settings and the environment's proxy variables decide where this host's
   * requests go (the Node host); in the browser, the browser's own proxy does.
   */
  readonly proxySettingsApply: boolean;
  /** Where the extension runs, for the report's first lines: Node's platform, or `browser`. */
  readonly runtime: string;
  /** The environment's proxy and certificate variables (HTTPS_PROXY…), where the host has any. */
  environment(): Readonly<Record<string, string | undefined>>;
  /** DNS, the proxy (decided by proxyRules.ts) and TLS, in that order. */
  steps(
    url: URL,
    proxy: ProxyDecision,
    settings: NetworkSettings,
    ca: string | undefined,
    timeoutMs: number,
  ): Promise<NetworkFindings>;
}

/**
 * The TLS step's verdict: the extension's own request decides (VS Code adds the system's
 * certificates to it), not Node's built-in authorities the handshake above was read with.
 */
export function reconcileTls(findings: TlsFindings, problem: string | undefined): CheckStep {
  const { step } = findings;
  if (step.status !== 'ok') {
    return step;
  }
  if (problem) {
    return { ...step, status: 'failed', lines: [...step.lines, problem] };
  }
  return {
    ...step,
    lines: [
      ...step.lines,
      findings.nodeTrusts === false
        ? l10n.t("Trusted by VS Code (through the system's certificates).")
        : l10n.t('Trusted.'),
    ],
  };
}

export function describeError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return text(code && !message.includes(code) ? `${code}: ${message}` : message);
}
