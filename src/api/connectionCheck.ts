/**
 * GitShare: Check Connection — the questions a support person asks, answered one step at a time:
 * the server address, DNS, the proxy in use, TLS and the certificate chain, the OAuth metadata (or
 * the documented paths), the session's token and scopes, one API call. This module checks the
 * address and runs the steps in that order; the network steps are in networkChecks.ts (with the
 * proxy rules of proxyRules.ts), GitShare's own in serviceChecks.ts. The steps fill the report of
 * connectionReport.ts, which turns it into plain text the person can copy.
 *
 * Imports no `vscode`: src/commands/checkConnection.ts gathers the settings and the session and
 * shows the report; the unit tests run this against the local server over http and https.
 * Its words are plain template strings so they can move to `vscode.l10n.t` with the rest.
 */
import * as l10n from '@vscode/l10n';
import { fetch as nodeFetch, type FetchLike } from '../common/fetch';
import { isAllowedTransport } from '../common/transport';
import { text, type CheckStep, type ConnectionReport, type ReportContext, type StepStatus } from './connectionReport';
import { checkDns, checkProxy, checkTls, reconcileTls } from './networkChecks';
import { proxyFor } from './proxyRules';
import { checkApiCall, checkSignInEndpoints, checkToken, type SessionToCheck } from './serviceChecks';

export interface ConnectionCheckInput extends ReportContext {
  /** `gitshare.serverUrl` as set (may be empty or wrong: that is the first finding). */
  readonly serverUrl: string;
  readonly sessions?: readonly SessionToCheck[];
  /** The HTTP the extension uses (in VS Code: node-fetch through VS Code's proxy and certificates). */
  readonly fetch?: FetchLike;
  /** Extra trusted CAs for the TLS step (tests); VS Code's own come through `tls`. */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export async function checkConnection(input: ConnectionCheckInput): Promise<ConnectionReport> {
  const steps: CheckStep[] = [];
  const timeoutMs = input.timeoutMs ?? 10_000;
  const fetch: FetchLike = input.fetch ?? ((url, init) => nodeFetch(url, init));

  // 1. The server address
  const address = checkAddress(input.serverUrl);
  steps.push(address.step);
  const url = address.url;
  if (!url) {
    return finish(input.serverUrl, steps, ['DNS', 'Proxy', 'TLS', 'Sign-in endpoints', 'Session', 'API call']);
  }
  const origin = url.origin;
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));

  // 2. The proxy VS Code uses for this server (decided before DNS: with a proxy, the proxy resolves).
  const proxy = proxyFor(url, input.network ?? {});

  // 3. DNS
  steps.push(await checkDns(hostname, proxy.url !== undefined));

  // 4. The proxy, tried
  const proxyStep = await checkProxy(url, proxy, input.network ?? {}, timeoutMs);
  steps.push(proxyStep.step);

  // 5. TLS and the certificate chain (through the proxy's tunnel when there is one)
  const tlsStep =
    url.protocol === 'https:'
      ? await checkTls(hostname, port, proxyStep.tunnel, input.ca, timeoutMs)
      : {
          title: l10n.t('TLS'),
          status: 'skipped' as const,
          lines: ['Plain http, allowed only because the server is on this computer (loopback).'],
        };

  // 6. OAuth metadata, or the documented paths
  const metadata = await checkSignInEndpoints(origin, fetch, timeoutMs);
  // The verdict on the certificate is the extension's own request (VS Code adds the system
  // certificates to it); the handshake above only reads the chain.
  steps.push(reconcileTls(tlsStep, metadata.certificateProblem));
  steps.push(metadata.step);

  // 7. The session's token and scopes; 8. one API call
  const sessions = input.sessions ?? [];
  if (sessions.length === 0) {
    steps.push({
      title: l10n.t('Session'),
      status: 'skipped',
      lines: ['Not signed in to this server: run GitShare: Sign In.'],
    });
    steps.push({ title: l10n.t('API call'), status: 'skipped', lines: ['Needs a session.'] });
  }
  for (const session of sessions) {
    // With several sessions each step names its account.
    const several = sessions.length > 1;
    const tokenStep = await checkToken(origin, session, fetch, timeoutMs);
    steps.push({ ...tokenStep, title: several ? l10n.t('Session ({0})', text(session.label)) : l10n.t('Session') });
    steps.push({
      ...(tokenStep.status === 'failed'
        ? { title: '', status: 'skipped' as const, lines: ['Needs a valid session.'] }
        : await checkApiCall(origin, session, fetch, timeoutMs)),
      title: several ? l10n.t('API call ({0})', text(session.label)) : l10n.t('API call'),
    });
  }
  return finish(input.serverUrl, steps, []);
}

function finish(serverUrl: string, steps: CheckStep[], notRun: string[]): ConnectionReport {
  for (const title of notRun) {
    steps.push({ title, status: 'skipped', lines: ['Not checked: the server address is not usable.'] });
  }
  return { serverUrl, steps, ok: !steps.some((s) => s.status === 'failed') };
}

// ---- the steps

function checkAddress(serverUrl: string): { step: CheckStep; url?: URL } {
  const title = 'Server address';
  const value = serverUrl.trim();
  if (!value) {
    return {
      step: {
        title,
        status: 'failed',
        lines: [
          'gitshare.serverUrl is empty. Set it to your GitShare server, e.g. https://gitshare.example, or run GitShare: Sign In to be asked.',
        ],
      },
    };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { step: { title, status: 'failed', lines: [`gitshare.serverUrl is not an address: ${text(value)}`] } };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      step: {
        title,
        status: 'failed',
        lines: [`gitshare.serverUrl must start with https:// (it is ${text(url.protocol)}).`],
      },
    };
  }
  if (!isAllowedTransport(url)) {
    return {
      step: {
        title,
        status: 'failed',
        lines: [
          `${url.origin} uses plain http, which is allowed only for a server on this computer. Use https://${url.host}.`,
        ],
      },
    };
  }
  const lines = [`${url.origin} (from gitshare.serverUrl)`];
  let status: StepStatus = 'ok';
  if (url.username || url.password) {
    status = 'warning';
    lines.push('The address contains a user name or password; they are ignored. Remove them from the setting.');
  }
  if (url.pathname !== '/' || url.search) {
    status = 'warning';
    lines.push('The address has a path; GitShare is reached at the origin only.');
  }
  return { step: { title, status, lines }, url };
}
