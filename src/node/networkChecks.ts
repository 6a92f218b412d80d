/**
 * Check Connection's view of the network between this computer and the server, in the Node
 * extension host: DNS, the proxy VS Code would use (tried with a CONNECT or a forwarded request),
 * TLS and the certificate chain. These steps speak DNS, TCP and TLS directly, below the HTTP the
 * extension uses, so the report can say which layer failed; connectionCheck/connectionCheck.ts
 * runs them in order and serviceChecks.ts asks GitShare itself.
 */
import * as l10n from '@vscode/l10n';
import * as dns from 'node:dns/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { errorCode } from '../api/errorMapping';
import { checkStep, text, type CheckStep, type NetworkSettings } from '../connectionCheck/connectionReport';
import { describeError, type HostNetwork, type TlsFindings } from '../connectionCheck/networkSteps';
import type { ProxyDecision } from '../connectionCheck/proxyRules';

/** The Node host's steps below HTTP: its own DNS lookup, proxy request and TLS handshake. */
export const nodeNetwork: HostNetwork = {
  corsApplies: false,
  proxySettingsApply: true,
  runtime: process.platform,
  environment: () => ({
    HTTPS_PROXY: process.env.HTTPS_PROXY ?? process.env.https_proxy,
    HTTP_PROXY: process.env.HTTP_PROXY ?? process.env.http_proxy,
    NO_PROXY: process.env.NO_PROXY ?? process.env.no_proxy,
    NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
  }),
  async steps(url, proxy, settings, ca, timeoutMs) {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const dns = await checkDns(hostname, proxy.url !== undefined);
    const proxyStep = await checkProxy(url, proxy, settings, timeoutMs);
    const tls: TlsFindings =
      url.protocol === 'https:'
        ? await checkTls(hostname, port, proxyStep.tunnel, ca, timeoutMs)
        : {
            step: checkStep('tls', 'skipped', [
              l10n.t('Plain http, allowed only because the server is on this computer (loopback).'),
            ]),
          };
    return { dns, proxy: proxyStep.step, tls };
  },
};

export async function checkDns(hostname: string, viaProxy: boolean): Promise<CheckStep> {
  const id = 'dns';
  if (net.isIP(hostname)) {
    return checkStep(id, 'ok', [l10n.t('{0} is an IP address: no lookup needed.', hostname)]);
  }
  try {
    const addresses = await dns.lookup(hostname, { all: true });
    return checkStep(id, 'ok', [l10n.t('{0} resolves to {1}.', hostname, addresses.map((a) => a.address).join(', '))]);
  } catch (error) {
    const code = errorCode(error) ?? 'error';
    if (viaProxy) {
      return checkStep(id, 'warning', [
        l10n.t('{0} does not resolve here ({1}); the proxy resolves it, so this may be expected.', hostname, code),
      ]);
    }
    return checkStep(id, 'failed', [
      l10n.t(
        '{0} does not resolve ({1}). Check the spelling of {2}, your network or VPN.',
        hostname,
        code,
        'gitshare.serverUrl',
      ),
    ]);
  }
}

export async function checkProxy(
  url: URL,
  proxy: ProxyDecision,
  settings: NetworkSettings,
  timeoutMs: number,
): Promise<{ step: CheckStep; tunnel?: net.Socket }> {
  const id = 'proxy';
  const facts: string[] = [];
  if (settings.proxyStrictSSL === false) {
    facts.push(
      l10n.t(
        '{0} is false: VS Code does not verify certificates of proxied requests. Turn it back on once the right certificate authority is trusted.',
        'http.proxyStrictSSL',
      ),
    );
  }
  if (!proxy.url) {
    return {
      step: checkStep(id, settings.proxyStrictSSL === false ? 'warning' : 'ok', [
        l10n.t('No proxy is used.'),
        proxy.why,
        ...facts,
      ]),
    };
  }
  const shown = `${proxy.url.protocol}//${proxy.url.host}`;
  const lines = [proxy.why];
  if (proxy.url.username) {
    lines.push(l10n.t('The proxy setting contains credentials (not shown in this report).'));
  }
  if (settings.proxyAuthorizationSet) {
    lines.push(l10n.t('{0} is set (not shown in this report).', 'http.proxyAuthorization'));
  }
  lines.push(...facts);
  if (proxy.url.protocol !== 'http:') {
    return {
      step: checkStep(id, 'warning', [
        ...lines,
        l10n.t('Only http:// proxies are tried here; VS Code itself handles {0} proxies.', proxy.url.protocol),
      ]),
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
        step: checkStep(id, 'failed', [
          ...lines,
          l10n.t(
            'The proxy {0} asks for credentials (407 Proxy Authentication Required). Desktop VS Code asks for them; otherwise set {1} or ask your IT department.',
            shown,
            'http.proxyAuthorization',
          ),
        ]),
      };
    }
    if (url.protocol === 'https:' && answer.status !== 200) {
      answer.socket?.destroy();
      return {
        step: checkStep(id, 'failed', [
          ...lines,
          l10n.t('The proxy {0} refused the tunnel to {1} (HTTP {2}).', shown, url.host, answer.status),
        ]),
      };
    }
    return {
      step: checkStep(id, settings.proxyStrictSSL === false ? 'warning' : 'ok', [
        ...lines,
        url.protocol === 'https:'
          ? l10n.t('The proxy opened a tunnel (CONNECT) to {0}.', url.host)
          : l10n.t('The proxy forwarded a request to {0} (HTTP {1}).', url.host, answer.status),
      ]),
      tunnel: answer.socket,
    };
  } catch (error) {
    return {
      step: checkStep(id, 'failed', [
        ...lines,
        l10n.t('The proxy {0} cannot be reached: {1}.', shown, describeError(error)),
      ]),
    };
  }
}

export async function checkTls(
  hostname: string,
  port: number,
  tunnel: net.Socket | undefined,
  ca: string | undefined,
  timeoutMs: number,
): Promise<TlsFindings> {
  const id = 'tls';
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
    const protocol = socket.getProtocol() ?? '?';
    const lines = [`${protocol}, ${socket.getCipher().name}`];
    const chain = certificateChain(socket.getPeerCertificate(true));
    chain.forEach((cert, i) =>
      lines.push(i === 0 ? l10n.t('Certificate: {0}', cert) : `  ${l10n.t('issued by: {0}', cert)}`),
    );
    const nodeTrusts = socket.authorized;
    socket.destroy();
    tunnel?.destroy();
    return { step: checkStep(id, 'ok', lines), nodeTrusts };
  } catch (error) {
    tunnel?.destroy();
    return {
      step: checkStep(id, 'failed', [
        l10n.t('No TLS connection to {0}: {1}.', `${hostname}:${port}`, describeError(error)),
      ]),
    };
  }
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
    const subject = text(String(cert.subject?.CN ?? cert.subject?.O ?? '?'));
    const issuer = text(String(cert.issuer?.CN ?? cert.issuer?.O ?? '?'));
    const fingerprint = `${cert.fingerprint256.slice(0, 23)}…`;
    out.push(
      cert.subjectaltname
        ? l10n.t(
            '{0}, for {1}, issuer {2}, valid {3} to {4}, SHA-256 {5}',
            subject,
            text(cert.subjectaltname.replace(/DNS:|IP Address:/g, '')),
            issuer,
            isoDay(cert.valid_from),
            isoDay(cert.valid_to),
            fingerprint,
          )
        : l10n.t(
            '{0}, issuer {1}, valid {2} to {3}, SHA-256 {4}',
            subject,
            issuer,
            isoDay(cert.valid_from),
            isoDay(cert.valid_to),
            fingerprint,
          ),
    );
    if (out.length >= 5) {
      break;
    }
  }
  return out;
}

// ---- helpers

function isoDay(value: string | undefined): string {
  const date = value ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString().slice(0, 10) : '?';
}
