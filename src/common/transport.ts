/**
 * Where a request may go: https anywhere, plain http only to a loopback
 * address. Both sign-in and the API client enforce it, with one error.
 */
import * as l10n from '@vscode/l10n';
import { GitShareError } from './errors';

/** True for `localhost`, the whole of 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') {
    return true;
  }
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** True when a request to this URL may go out: https, or http to a loopback address. */
export function isAllowedTransport(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/** Throws the one error for a request that may not go out (plain http to a host that is not loopback). */
export function assertAllowedTransport(url: URL): void {
  if (!isAllowedTransport(url)) {
    throw new GitShareError(
      'protocol',
      l10n.t(
        'GitShare must be reached over https:// (plain http:// only on loopback addresses). Check the server address.',
      ),
      { detail: `refused ${url.protocol} to ${isLoopbackHost(url.hostname) ? 'loopback' : url.host}` },
    );
  }
}
