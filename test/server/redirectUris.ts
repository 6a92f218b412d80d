/**
 * Redirect URI rules of the local server (pure, no I/O).
 *
 * Registration accepts, and nothing else:
 * - `https://host/...` on any host;
 * - `http://` only on a loopback host: `127.0.0.0/8`, `[::1]`, `localhost` (RFC 8252 §7.3, §8.3);
 * - `urn:ietf:wg:oauth:2.0:oob`, the "no callback, show me the code" value;
 * - private-use schemes (RFC 8252 §7.1): a reverse-domain scheme containing a dot
 *   (`com.example.app:/cb`), or VS Code's own URI-handler schemes (`vscode`, `vscode-insiders`,
 *   `code-oss`, `vscodium`).
 * Every URI must be absolute, without a fragment and without user info.
 *
 * Matching at the authorization endpoint is an exact string comparison, except that for `http`
 * loopback URIs the port is ignored (RFC 8252 §7.3: native apps pick a free port at run time).
 * The rest of the URI, query included, must still match byte for byte.
 */

export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

const VSCODE_SCHEMES = new Set(['vscode', 'vscode-insiders', 'code-oss', 'vscodium']);

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') {
    return true;
  }
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return !!m && m.slice(1).every((part) => Number(part) <= 255);
}

/** Returns why `uri` cannot be registered, or undefined when it can. */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri === OOB_REDIRECT_URI) {
    return undefined;
  }
  if (uri.length > 2000) {
    return 'is too long';
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (uri.includes('#')) {
    return 'must not contain a fragment';
  }
  if (url.username || url.password) {
    return 'must not contain user information';
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === 'https') {
    return url.hostname ? undefined : 'has no host';
  }
  if (scheme === 'http') {
    return isLoopbackHost(url.hostname) ? undefined : 'uses http on a host that is not loopback (use https)';
  }
  if (VSCODE_SCHEMES.has(scheme) || /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/.test(scheme)) {
    return undefined;
  }
  return `uses the scheme "${scheme}", which is not allowed`;
}

interface SplitUri {
  readonly scheme: string;
  readonly host: string;
  readonly rest: string;
}

/** Splits `http://host[:port]rest` without normalising `rest`, so comparisons stay byte-exact. */
function splitHttp(uri: string): SplitUri | undefined {
  const m = /^(https?):\/\/(\[[^\]]*\]|[^/?#:]*)(?::(\d*))?([/?#].*)?$/is.exec(uri);
  if (!m) {
    return undefined;
  }
  return { scheme: m[1]!.toLowerCase(), host: m[2]!.toLowerCase(), rest: m[4] ?? '' };
}

/** True when `requested` is one of `registered`, under the loopback any-port rule. */
export function redirectUriMatches(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) {
    return true;
  }
  const req = splitHttp(requested);
  if (!req || req.scheme !== 'http' || !isLoopbackHost(req.host)) {
    return false;
  }
  return registered.some((candidate) => {
    const reg = splitHttp(candidate);
    return !!reg && reg.scheme === 'http' && reg.host === req.host && (reg.rest || '/') === (req.rest || '/');
  });
}

/**
 * Appends parameters to a redirect URI, keeping its existing query byte for byte
 * (code-server's callback URIs carry their own `?vscode-reqid=…&…`).
 */
export function appendQuery(uri: string, params: Readonly<Record<string, string | undefined>>): string {
  const hash = uri.indexOf('#');
  const base = hash >= 0 ? uri.slice(0, hash) : uri;
  const query = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  if (!query) {
    return base;
  }
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return base + separator + query;
}
