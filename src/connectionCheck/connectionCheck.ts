/**
 * GitShare: Check Connection — the questions a support person asks, answered one step at a time:
 * the server address, DNS, the proxy in use, TLS and the certificate chain, the OAuth metadata (or
 * the documented paths), the session's token and scopes, one API call. This module checks the
 * address and runs the steps in that order; the network steps are in networkChecks.ts (with the
 * proxy rules of proxyRules.ts), GitShare's own in serviceChecks.ts. The steps fill the report of
 * connectionReport.ts, which turns it into plain text the person can copy.
 *
 * checkConnectionCommand.ts gathers the settings and the session and
 * shows the report; the unit tests run this against the local server over http and https.
 * Every line a person reads, here and in the step modules, is a whole sentence through `@vscode/l10n`'s
 * `l10n.t` (activate() hands it the display language's bundle); addresses, setting names and outside
 * text are placeholders.
 */
import * as l10n from '@vscode/l10n';
import type { HttpTransport } from '../common/http';
import { isAllowedTransport } from '../common/transport';
import {
  checkStep,
  stepTitle,
  text,
  type CheckStep,
  type ConnectionReport,
  type ReportContext,
  type StepId,
  type StepStatus,
} from './connectionReport';
import { reconcileTls, type HostNetwork } from './networkSteps';
import { clearTextProxyWarning, proxyFor } from './proxyRules';
import {
  checkApiCall,
  checkBrowserAccess,
  checkSignInEndpoints,
  checkToken,
  type SessionToCheck,
} from './serviceChecks';

export interface ConnectionCheckInput extends ReportContext {
  /** `gitshare.serverUrl` as set (may be empty or wrong: that is the first finding). */
  readonly serverUrl: string;
  readonly sessions?: readonly SessionToCheck[];
  /** The HTTP the extension uses (in the Node host: node-fetch through VS Code's proxy and certificates). */
  readonly transport: HttpTransport;
  /** The steps below HTTP, as this extension host can run them. */
  readonly hostNetwork: HostNetwork;
  /** Extra trusted CAs for the TLS step (tests); VS Code's own come through `tls`. */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export async function checkConnection(input: ConnectionCheckInput): Promise<ConnectionReport> {
  const steps: CheckStep[] = [];
  const timeoutMs = input.timeoutMs ?? 10_000;
  const transport = input.transport;

  // 1. The server address
  const address = checkAddress(input.serverUrl);
  steps.push(address.step);
  const url = address.url;
  if (!url) {
    const cors: StepId[] = input.hostNetwork.corsApplies ? ['cors'] : [];
    return finish(input.serverUrl, steps, ['dns', 'proxy', 'tls', ...cors, 'endpoints', 'session', 'api']);
  }
  const origin = url.origin;

  // 2. The proxy VS Code uses for this server (decided before DNS: with a proxy, the proxy resolves).
  const proxy = proxyFor(url, input.network ?? {});

  // 3. DNS, 4. the proxy, tried, 5. TLS and the certificate chain (through the proxy's tunnel
  // when there is one): as this host can.
  const network = await input.hostNetwork.steps(url, proxy, input.network ?? {}, input.ca, timeoutMs);
  const clearText = input.hostNetwork.proxySettingsApply ? clearTextProxyWarning(url, proxy) : undefined;
  steps.push(
    network.dns,
    clearText
      ? {
          ...network.proxy,
          status: network.proxy.status === 'failed' ? 'failed' : 'warning',
          lines: [...network.proxy.lines, clearText],
        }
      : network.proxy,
  );
  const tlsStep = network.tls;

  // In the browser: GitShare must allow this page's origin, or nothing below can work.
  const cors = input.hostNetwork.corsApplies ? await checkBrowserAccess(origin, transport, timeoutMs) : undefined;

  const sessions = input.sessions ?? [];
  if (cors?.originRefused) {
    // The CORS step said it; every later step would fail on the same refusal and say it again.
    steps.push(reconcileTls(tlsStep, undefined), cors.step);
    const line = l10n.t(
      'Not checked: GitShare does not allow requests from VS Code in the browser (see "{0}").',
      stepTitle('cors'),
    );
    return finish(input.serverUrl, steps, ['endpoints', 'session', 'api'], line);
  }

  // 6. OAuth metadata, or the documented paths
  const metadata = await checkSignInEndpoints(origin, transport, timeoutMs);
  // The verdict on the certificate is the extension's own request (VS Code adds the system
  // certificates to it); the handshake above only reads the chain.
  steps.push(reconcileTls(tlsStep, metadata.certificateProblem));
  if (cors) {
    steps.push(cors.step);
  }
  steps.push(metadata.step);

  // 7. The session's token and scopes; 8. one API call
  if (sessions.length === 0) {
    steps.push(checkStep('session', 'skipped', [l10n.t('Not signed in to this server: run "GitShare: Sign In".')]));
    steps.push(checkStep('api', 'skipped', [l10n.t('Needs a session.')]));
  }
  for (const session of sessions) {
    // With several sessions each step names its account.
    const several = sessions.length > 1;
    const tokenStep = await checkToken(origin, session, transport, timeoutMs);
    steps.push({ ...tokenStep, title: several ? l10n.t('Session ({0})', text(session.label)) : stepTitle('session') });
    steps.push({
      ...(tokenStep.status === 'failed'
        ? { id: 'api' as const, status: 'skipped' as const, lines: [l10n.t('Needs a valid session.')] }
        : await checkApiCall(origin, session, transport, timeoutMs)),
      title: several ? l10n.t('API call ({0})', text(session.label)) : stepTitle('api'),
    });
  }
  return finish(input.serverUrl, steps, []);
}

function finish(serverUrl: string, steps: CheckStep[], notRun: StepId[], why?: string): ConnectionReport {
  for (const id of notRun) {
    steps.push(checkStep(id, 'skipped', [why ?? l10n.t('Not checked: the server address is not usable.')]));
  }
  return { serverUrl, steps, ok: !steps.some((s) => s.status === 'failed') };
}

// ---- the steps

function checkAddress(serverUrl: string): { step: CheckStep; url?: URL } {
  const id = 'address';
  const value = serverUrl.trim();
  const setting = 'gitshare.serverUrl';
  if (!value) {
    return {
      step: checkStep(id, 'failed', [
        l10n.t(
          '{0} is empty. Set it to your GitShare server, e.g. {1}, or run "GitShare: Sign In" to be asked.',
          setting,
          'https://gitshare.example',
        ),
      ]),
    };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      step: checkStep(id, 'failed', [l10n.t('{0} is not an address: {1}', setting, text(value))]),
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      step: checkStep(id, 'failed', [l10n.t('{0} must start with https:// (it is {1}).', setting, text(url.protocol))]),
    };
  }
  if (!isAllowedTransport(url)) {
    return {
      step: checkStep(id, 'failed', [
        l10n.t(
          '{0} uses plain http, which is allowed only for a server on this computer. Use {1}.',
          url.origin,
          `https://${url.host}`,
        ),
      ]),
    };
  }
  const lines = [l10n.t('{0} (from {1})', url.origin, setting)];
  let status: StepStatus = 'ok';
  if (url.username || url.password) {
    status = 'warning';
    lines.push(l10n.t('The address contains a user name or password; they are ignored. Remove them from the setting.'));
  }
  if (url.pathname !== '/' || url.search) {
    status = 'warning';
    lines.push(l10n.t('The address has a path; GitShare is reached at the origin only.'));
  }
  return { step: checkStep(id, status, lines), url };
}
