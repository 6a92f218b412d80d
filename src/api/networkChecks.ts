/**
 * Check Connection's view of the network between this computer and the server: DNS, the proxy
 * VS Code would use (tried with a CONNECT or a forwarded request), TLS and the certificate chain.
 * These steps speak DNS, TCP and TLS directly, below the HTTP the extension uses, so the report
 * can say which layer failed; connectionCheck.ts runs them in order and serviceChecks.ts asks
 * GitShare itself.
 *
 * Imports no `vscode`.
 */
import * as l10n from '@vscode/l10n';
import * as dns from 'node:dns/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { text, type CheckStep, type NetworkSettings } from './connectionReport';
import { errorCode } from './errorMapping';
import type { ProxyDecision } from './proxyRules';

export async function checkDns(hostname: string, viaProxy: boolean): Promise<CheckStep> {
  const title = 'DNS';
  if (net.isIP(hostname)) {
    return { title, status: 'ok', lines: [`${hostname} is an IP address: no lookup needed.`] };
  }
  try {
    const addresses = await dns.lookup(hostname, { all: true });
    return { title, status: 'ok', lines: [`${hostname} → ${addresses.map((a) => a.address).join(', ')}`] };
  } catch (error) {
    const code = errorCode(error) ?? 'error';
    if (viaProxy) {
      return {
        title,
        status: 'warning',
        lines: [`${hostname} does not resolve here (${code}); the proxy resolves it, so this may be expected.`],
      };
    }
    return {
      title,
      status: 'failed',
      lines: [`${hostname} does not resolve (${code}). Check the spelling of gitshare.serverUrl, your network or VPN.`],
    };
  }
}

export async function checkProxy(
  url: URL,
  proxy: ProxyDecision,
  settings: NetworkSettings,
  timeoutMs: number,
): Promise<{ step: CheckStep; tunnel?: net.Socket }> {
  const title = 'Proxy';
  const facts: string[] = [];
  if (settings.proxyStrictSSL === false) {
    facts.push(
      'http.proxyStrictSSL is false: VS Code does not verify certificates of proxied requests. Turn it back on once the right certificate authority is trusted.',
    );
  }
  if (!proxy.url) {
    return {
      step: {
        title,
        status: settings.proxyStrictSSL === false ? 'warning' : 'ok',
        lines: [`None: ${proxy.why}`, ...facts],
      },
    };
  }
  const shown = `${proxy.url.protocol}//${proxy.url.host}`;
  const lines = [
    `${shown} (${proxy.why})${proxy.url.username ? ', with credentials in the setting' : ''}${settings.proxyAuthorizationSet ? ', with http.proxyAuthorization' : ''}`,
    ...facts,
  ];
  if (proxy.url.protocol !== 'http:') {
    return {
      step: {
        title,
        status: 'warning',
        lines: [...lines, `Only http:// proxies are tried here; VS Code itself handles ${proxy.url.protocol} proxies.`],
      },
    };
  }
  const headers: Record<string, string> = {};
  if (proxy.url.username) {
    headers['Proxy-Authorization'] =
      `Basic ${Buffer.from(`${decodeURIComponent(proxy.url.username)}:${decodeURIComponent(proxy.url.password)}`).toString('base64')}`;
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  try {
    const answer = await new Promise<{ status: number; socket?: net.Socket }>((resolve, reject) => {
      const request = http.request({
        host: proxy.url!.hostname.replace(/^\[|\]$/g, ''),
        port: Number(proxy.url!.port || 80),
        // https: a tunnel, as VS Code opens one; http: the proxy forwards an absolute-URI request.
        method: url.protocol === 'https:' ? 'CONNECT' : 'HEAD',
        path: url.protocol === 'https:' ? `${url.hostname}:${port}` : `${url.origin}/`,
        headers: { ...headers, Host: `${url.hostname}:${port}` },
        timeout: timeoutMs,
        agent: false,
      });
      request.once('connect', (response, socket) => resolve({ status: response.statusCode ?? 0, socket }));
      request.once('response', (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0 });
      });
      request.once('timeout', () => request.destroy(new Error(l10n.t('no answer within {0} ms', timeoutMs))));
      request.once('error', reject);
      request.end();
    });
    if (answer.status === 407) {
      answer.socket?.destroy();
      return {
        step: {
          title,
          status: 'failed',
          lines: [
            ...lines,
            `The proxy ${shown} asks for credentials (407 Proxy Authentication Required). Desktop VS Code asks for them; otherwise set http.proxyAuthorization or ask your IT department.`,
          ],
        },
      };
    }
    if (url.protocol === 'https:' && answer.status !== 200) {
      answer.socket?.destroy();
      return {
        step: {
          title,
          status: 'failed',
          lines: [...lines, `The proxy ${shown} refused the tunnel to ${url.host} (HTTP ${answer.status}).`],
        },
      };
    }
    const how =
      url.protocol === 'https:'
        ? `opened a tunnel (CONNECT) to ${url.host}`
        : `forwarded a request to ${url.host} (HTTP ${answer.status})`;
    return {
      step: {
        title,
        status: settings.proxyStrictSSL === false ? 'warning' : 'ok',
        lines: [...lines, `The proxy ${how}.`],
      },
      tunnel: answer.socket,
    };
  } catch (error) {
    return {
      step: {
        title,
        status: 'failed',
        lines: [...lines, `The proxy ${shown} cannot be reached: ${describeError(error)}.`],
      },
    };
  }
}

export async function checkTls(
  hostname: string,
  port: number,
  tunnel: net.Socket | undefined,
  ca: string | undefined,
  timeoutMs: number,
): Promise<CheckStep> {
  const title = 'TLS';
  try {
    const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      // Only reads the chain and closes: nothing is sent over this connection, so reading it
      // without verification cannot leak anything. The verdict comes from a verified request.
      const s = tls.connect({
        ...(tunnel ? { socket: tunnel } : { host: hostname, port }),
        servername: net.isIP(hostname) ? undefined : hostname,
        rejectUnauthorized: false,
        ca: ca ? [...tls.rootCertificates, ca] : undefined,
        timeout: timeoutMs,
      });
      s.once('secureConnect', () => resolve(s));
      s.once('timeout', () => s.destroy(new Error(l10n.t('no TLS handshake within {0} ms', timeoutMs))));
      s.once('error', reject);
    });
    const lines = [`${socket.getProtocol() ?? 'TLS'}, ${socket.getCipher().name}`];
    const chain = certificateChain(socket.getPeerCertificate(true));
    chain.forEach((cert, i) => lines.push(`${i === 0 ? 'Certificate' : `  issued by`}: ${cert}`));
    const verdict = socket.authorized ? undefined : String(socket.authorizationError ?? 'not trusted');
    socket.destroy();
    tunnel?.destroy();
    return {
      title,
      status: 'ok',
      lines: verdict
        ? [...lines, `Node's built-in certificate authorities do not trust it (${verdict}).`]
        : [...lines, 'Trusted.'],
    };
  } catch (error) {
    tunnel?.destroy();
    return { title, status: 'failed', lines: [`No TLS connection to ${hostname}:${port}: ${describeError(error)}.`] };
  }
}

export function reconcileTls(step: CheckStep, problem: string | undefined): CheckStep {
  if (step.status !== 'ok') {
    return step;
  }
  const lines = step.lines.filter((line) => !line.startsWith("Node's built-in") && line !== 'Trusted.');
  if (problem) {
    return { ...step, status: 'failed', lines: [...lines, problem] };
  }
  const nodeOnly = step.lines.some((line) => line.startsWith("Node's built-in"));
  return {
    ...step,
    lines: [...lines, nodeOnly ? "Trusted by VS Code (through the system's certificates)." : 'Trusted.'],
  };
}

function certificateChain(leaf: tls.DetailedPeerCertificate): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (
    let cert: tls.DetailedPeerCertificate | undefined = leaf;
    cert && Object.keys(cert).length > 0 && !seen.has(cert.fingerprint256);
    cert = cert.issuerCertificate
  ) {
    seen.add(cert.fingerprint256);
    const names = cert.subjectaltname ? `, for ${cert.subjectaltname.replace(/DNS:|IP Address:/g, '')}` : '';
    const issuer = cert.issuer?.CN ?? cert.issuer?.O;
    out.push(
      `${text(String(cert.subject?.CN ?? cert.subject?.O ?? '?'))}${names}, issuer ${text(String(issuer ?? '?'))}, valid ${isoDay(cert.valid_from)} to ${isoDay(cert.valid_to)}, SHA-256 ${cert.fingerprint256.slice(0, 23)}…`,
    );
    if (out.length >= 5) {
      break;
    }
  }
  return out;
}

// ---- helpers

/** An error as one line of plain text, with its code (ECONNREFUSED, CERT_…) when the message lacks it. */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return text(code && !message.includes(code) ? `${code}: ${message}` : message);
}

function isoDay(value: string | undefined): string {
  const date = value ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString().slice(0, 10) : '?';
}
