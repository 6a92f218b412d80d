/**
 * GitShare: Check Connection — the questions a support person asks, answered one step at a time:
 * the server address, DNS, the proxy in use, TLS and the certificate chain, the OAuth metadata (or
 * the documented paths), the session's token and scopes, one API call. The steps fill the report
 * of connectionReport.ts, which turns it into plain text the person can copy.
 *
 * Imports no `vscode`: src/commands/checkConnection.ts gathers the settings and the session and
 * shows the report; the unit tests run this against the local server over http and https.
 * Its words are plain template strings so they can move to `vscode.l10n.t` with the rest.
 */
import * as l10n from '@vscode/l10n';
import * as dns from 'node:dns/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Response } from 'node-fetch';
import { fetch as nodeFetch, type FetchLike } from '../common/fetch';
import { isAllowedTransport } from '../common/transport';
import {
  maskCredentials,
  text,
  type CheckStep,
  type ConnectionReport,
  type NetworkSettings,
  type ReportContext,
  type StepStatus,
} from './connectionReport';
import { certificateError, errorCode, errorFromResponse, networkError, parseServerErrorBody } from './errorMapping';

export interface SessionToCheck {
  /** The account's label (user name), shown in the report. */
  readonly label: string;
  /** Used for the two authenticated requests; never written anywhere. */
  readonly accessToken: string;
  readonly scopes: readonly string[];
}

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

const REQUIRED_SCOPES = ['files:read', 'files:write'];

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
  const metadata = await checkMetadata(origin, fetch, timeoutMs);
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

async function checkDns(hostname: string, viaProxy: boolean): Promise<CheckStep> {
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

interface ProxyDecision {
  /** The proxy's URL, without credentials in anything shown. */
  readonly url?: URL;
  readonly why: string;
}

/**
 * Which proxy VS Code's extension host uses for this server, by the rules of its proxy support:
 * `http.proxySupport: off` → none; localhost, 127.0.0.1 and ::1 always direct; `http.noProxy`
 * and NO_PROXY; then `http.proxy`, then HTTPS_PROXY / HTTP_PROXY.
 */
export function proxyFor(url: URL, settings: NetworkSettings): ProxyDecision {
  const env = settings.env ?? {};
  const read = (name: string): string | undefined => env[name] || env[name.toLowerCase()] || undefined;
  if (settings.proxySupport === 'off') {
    return { why: 'http.proxySupport is "off": extensions connect directly.' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '127.0.0.1' || host === '::1') {
    return { why: `${host} is always reached directly (VS Code never proxies it).` };
  }
  const exclusions = [...(settings.noProxy ?? []), ...(read('NO_PROXY') ?? '').split(',')]
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const excluded = exclusions.find((rule) => matchesNoProxy(rule, host, url.port));
  if (excluded) {
    return { why: `${host} is excluded from the proxy by "${text(excluded)}" (http.noProxy or NO_PROXY).` };
  }
  const configured = settings.proxy?.trim();
  const fromEnv = url.protocol === 'https:' ? (read('HTTPS_PROXY') ?? read('HTTP_PROXY')) : read('HTTP_PROXY');
  const value = configured || fromEnv;
  if (!value) {
    return {
      why: "No proxy in http.proxy or the environment (HTTPS_PROXY, HTTP_PROXY). Desktop VS Code may still use the operating system's proxy settings.",
    };
  }
  try {
    const proxyUrl = new URL(value.includes('://') ? value : `http://${value}`);
    return { url: proxyUrl, why: configured ? 'from http.proxy' : 'from the environment (HTTPS_PROXY / HTTP_PROXY)' };
  } catch {
    return { why: `The proxy setting is not an address: ${text(maskCredentials(value))}` };
  }
}

function matchesNoProxy(rule: string, host: string, port: string): boolean {
  if (rule === '*') {
    return true;
  }
  const [ruleHost, rulePort] = rule.includes(']') || rule.split(':').length > 2 ? [rule, undefined] : rule.split(':');
  if (rulePort && rulePort !== port) {
    return false;
  }
  const bare = ruleHost!.replace(/^\*?\./, '');
  return host === bare || host.endsWith(`.${bare}`);
}

async function checkProxy(
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
      step: { title, status: 'failed', lines: [...lines, `The proxy ${shown} cannot be reached: ${describe(error)}.`] },
    };
  }
}

async function checkTls(
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
    return { title, status: 'failed', lines: [`No TLS connection to ${hostname}:${port}: ${describe(error)}.`] };
  }
}

function reconcileTls(step: CheckStep, problem: string | undefined): CheckStep {
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

async function checkMetadata(
  origin: string,
  fetch: FetchLike,
  timeoutMs: number,
): Promise<{ step: CheckStep; certificateProblem?: string }> {
  const title = 'Sign-in endpoints';
  const where = `${origin}/.well-known/oauth-authorization-server`;
  let response: Response;
  const started = Date.now();
  try {
    response = await fetch(where, {
      method: 'GET',
      headers: { Accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs) as never,
    });
  } catch (error) {
    const certificate = certificateError(origin, error);
    if (certificate) {
      return {
        step: {
          title,
          status: 'failed',
          lines: ['Not asked: the certificate was refused (see TLS). Nothing was sent.'],
        },
        certificateProblem: certificate.message,
      };
    }
    return { step: { title, status: 'failed', lines: [failure(origin, error, timeoutMs)] } };
  }
  const ms = Date.now() - started;
  if (response.status === 404) {
    await response.text().catch(() => '');
    return {
      step: {
        title,
        status: 'ok',
        lines: [
          `No OAuth metadata (404 in ${ms} ms): the documented paths are used, ${origin}/oauth2/authorize/ and ${origin}/oauth2/token/.`,
        ],
      },
    };
  }
  if (response.status !== 200) {
    const body = parseServerErrorBody(await response.text().catch(() => ''));
    return {
      step: {
        title,
        status: 'failed',
        lines: [
          `${where} answered HTTP ${response.status}${body.error ? ` ${text(body.error)}` : ''}. A proxy or another server may be answering instead of GitShare.`,
        ],
      },
    };
  }
  const metadata = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!metadata || typeof metadata.issuer !== 'string') {
    return {
      step: { title, status: 'failed', lines: [`${where} did not return OAuth metadata (JSON with an issuer).`] },
    };
  }
  const lines = [`OAuth metadata (RFC 8414) in ${ms} ms, issuer ${text(metadata.issuer)}`];
  let status: StepStatus = 'ok';
  if (metadata.issuer.replace(/\/+$/, '') !== origin) {
    status = 'failed';
    lines.push(`The issuer is not ${origin}: the metadata belongs to another server, so sign-in refuses it.`);
  }
  for (const key of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'revocation_endpoint']) {
    const value = metadata[key];
    if (typeof value === 'string') {
      const onOrigin = safeOrigin(value) === origin;
      lines.push(`${key}: ${text(value)}${onOrigin ? '' : " — not on the server's origin"}`);
      if (!onOrigin) {
        status = 'failed';
      }
    } else if (key === 'authorization_endpoint' || key === 'token_endpoint') {
      lines.push(`${key}: not given, the documented path is used`);
    } else {
      lines.push(
        `${key}: not offered${key === 'registration_endpoint' ? ' (set gitshare.clientId to an application registered by hand)' : ''}`,
      );
    }
  }
  return { step: { title, status, lines } };
}

async function checkToken(
  origin: string,
  session: SessionToCheck,
  fetch: FetchLike,
  timeoutMs: number,
): Promise<CheckStep> {
  const title = 'Session';
  const scopes = session.scopes.length ? session.scopes.join(' ') : '(none recorded)';
  const missing = REQUIRED_SCOPES.filter((s) => !session.scopes.includes(s));
  const scopeLine = `Scopes: ${text(scopes)}${missing.length ? ` — missing ${missing.join(', ')}: sign out and sign in again, and allow file access` : ''}`;
  const answer = await call(origin, '/api/v1/user', session, fetch, timeoutMs);
  if ('error' in answer) {
    return { title, status: 'failed', lines: [`Signed in as ${text(session.label)}.`, answer.error] };
  }
  const { response, ms } = answer;
  if (response.status === 200) {
    const user = (await response.json().catch(() => undefined)) as { username?: unknown } | undefined;
    const name = typeof user?.username === 'string' ? user.username : '?';
    return {
      title,
      status: missing.length ? 'warning' : 'ok',
      lines: [`The token is valid: GET /api/v1/user answered 200 in ${ms} ms for ${text(name)}.`, scopeLine],
    };
  }
  const body = parseServerErrorBody(await response.text().catch(() => ''));
  const mapped = errorFromResponse({
    status: response.status,
    body,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    request: 'GET /api/v1/user',
  });
  const lines =
    response.status === 401
      ? [
          `The token of ${text(session.label)} is not valid any more (401${mapped.code ? ` ${text(mapped.code)}` : ''}): it expired or was revoked. GitShare renews it on the next request; if that fails, sign in again.`,
        ]
      : [`GET /api/v1/user answered HTTP ${response.status}: ${mapped.message}`];
  return { title, status: 'failed', lines: [...lines, scopeLine] };
}

async function checkApiCall(
  origin: string,
  session: SessionToCheck,
  fetch: FetchLike,
  timeoutMs: number,
): Promise<CheckStep> {
  const title = 'API call';
  const answer = await call(origin, '/api/v1/folders/?limit=1', session, fetch, timeoutMs);
  if ('error' in answer) {
    return { title, status: 'failed', lines: [answer.error] };
  }
  const { response, ms } = answer;
  if (response.status === 200) {
    const page = (await response.json().catch(() => undefined)) as { entries?: unknown } | undefined;
    if (!page || !Array.isArray(page.entries)) {
      return {
        title,
        status: 'failed',
        lines: [
          'GET /api/v1/folders/ answered 200 but not with a folder listing. A proxy may be answering instead of GitShare.',
        ],
      };
    }
    return {
      title,
      status: 'ok',
      lines: [`GET /api/v1/folders/?limit=1 answered 200 in ${ms} ms: the root folder can be listed.`],
    };
  }
  const body = parseServerErrorBody(await response.text().catch(() => ''));
  const mapped = errorFromResponse({
    status: response.status,
    body,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    request: 'GET /api/v1/folders/',
  });
  return {
    title,
    status: 'failed',
    lines: [`GET /api/v1/folders/ answered HTTP ${response.status}: ${mapped.message}`],
  };
}

async function call(
  origin: string,
  path: string,
  session: SessionToCheck,
  fetch: FetchLike,
  timeoutMs: number,
): Promise<{ response: Response; ms: number } | { error: string }> {
  const started = Date.now();
  try {
    const response = await fetch(origin + path, {
      method: 'GET',
      headers: { Accept: 'application/json', Authorization: `Bearer ${session.accessToken}` },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs) as never,
    });
    return { response, ms: Date.now() - started };
  } catch (error) {
    return { error: failure(origin, error, timeoutMs) };
  }
}

// ---- helpers

function failure(origin: string, error: unknown, timeoutMs: number): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `No answer from ${new URL(origin).host} within ${timeoutMs / 1000} s.`;
  }
  const certificate = certificateError(origin, error);
  if (certificate) {
    return certificate.message;
  }
  const mapped = networkError(origin, '', error);
  return `${mapped.message} (${describe(error)})`;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return text(code && !message.includes(code) ? `${code}: ${message}` : message);
}

function safeOrigin(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

function isoDay(value: string | undefined): string {
  const date = value ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString().slice(0, 10) : '?';
}
