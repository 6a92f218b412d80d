/**
 * Which proxy VS Code's extension host uses for a server, by the rules of its proxy support, so
 * Check Connection can say which proxy it tried and why. A pure rule table: no network.
 */
import * as l10n from '@vscode/l10n';
import { proxyShown, text, type NetworkSettings } from './connectionReport';

export interface ProxyDecision {
  /** The proxy's URL, without credentials in anything shown. */
  readonly url?: URL;
  /** One line for the report: the proxy and where it comes from, or why there is none. */
  readonly why: string;
}

/**
 * Which proxy VS Code's extension host uses for this server, by the rules of its proxy support:
 * `http.proxySupport: off` → none; localhost, 127.0.0.1 and ::1 always direct; `http.noProxy`
 * and NO_PROXY; then `http.proxy`, then HTTPS_PROXY / HTTP_PROXY; then the system's proxy, which
 * in code-server VS Code asks the browser for before every request (measured: npm run bench,
 * docs/performance.md "What limits the misses"), so the report says how to skip that.
 */
export function proxyFor(url: URL, settings: NetworkSettings): ProxyDecision {
  const env = settings.env ?? {};
  const read = (name: string): string | undefined => env[name] || env[name.toLowerCase()] || undefined;
  if (settings.proxySupport === 'off') {
    return { why: l10n.t('{0} is "off": extensions connect directly.', 'http.proxySupport') };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '127.0.0.1' || host === '::1') {
    return { why: l10n.t('{0} is always reached directly (VS Code never proxies it).', host) };
  }
  const exclusions = [...(settings.noProxy ?? []), ...(read('NO_PROXY') ?? '').split(',')]
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const excluded = exclusions.find((rule) => matchesNoProxy(rule, host, url.port));
  if (excluded) {
    return {
      why: l10n.t(
        '{0} is excluded from the proxy by "{1}" ({2} or {3}).',
        host,
        text(excluded),
        'http.noProxy',
        'NO_PROXY',
      ),
    };
  }
  const configured = settings.proxy?.trim();
  const fromEnv = url.protocol === 'https:' ? (read('HTTPS_PROXY') ?? read('HTTP_PROXY')) : read('HTTP_PROXY');
  const value = configured || fromEnv;
  if (!value) {
    return {
      why: settings.inBrowser
        ? l10n.t(
            'No proxy in {0} or the environment ({1}). VS Code in a browser (code-server) asks the browser how to reach {2} before every request; if GitShare needs no proxy, adding {2} to {3} saves that question (faster with many small files).',
            'http.proxy',
            'HTTPS_PROXY, HTTP_PROXY',
            text(host),
            'http.noProxy',
          )
        : l10n.t(
            "No proxy in {0} or the environment ({1}). Desktop VS Code may still use the operating system's proxy settings.",
            'http.proxy',
            'HTTPS_PROXY, HTTP_PROXY',
          ),
    };
  }
  try {
    const proxyUrl = new URL(value.includes('://') ? value : `http://${value}`);
    return {
      url: proxyUrl,
      // The proxy line itself: where it comes from, as a person would look for it.
      why: configured
        ? l10n.t('{0} (from {1})', `${proxyUrl.protocol}//${proxyUrl.host}`, 'http.proxy')
        : l10n.t(
            '{0} (from the environment, {1})',
            `${proxyUrl.protocol}//${proxyUrl.host}`,
            'HTTPS_PROXY / HTTP_PROXY',
          ),
    };
  } catch {
    return { why: l10n.t('The proxy setting is not an address: {0}', proxyShown(value)) };
  }
}

/**
 * What to tell the person when plain http would cross a proxy, else undefined. Plain http is
 * allowed only to loopback, and VS Code keeps only localhost, 127.0.0.1 and ::1 direct: to any
 * other loopback address (127.0.0.2, …) the requests, bearer token and files included, go through
 * the proxy unencrypted.
 */
export function clearTextProxyWarning(url: URL, proxy: ProxyDecision): string | undefined {
  if (url.protocol !== 'http:' || !proxy.url) {
    return undefined;
  }
  return l10n.t(
    'Plain http to {0} goes through the proxy {1} unencrypted: the proxy sees your token and your files. Add {2} to {3}, or reach GitShare at localhost or 127.0.0.1, which VS Code never sends through a proxy.',
    url.host,
    `${proxy.url.protocol}//${proxy.url.host}`,
    text(url.hostname),
    'http.noProxy',
  );
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
