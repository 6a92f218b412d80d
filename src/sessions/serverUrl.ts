/**
 * Rules for the GitShare origin the extension talks to: https anywhere, plain
 * http only on a loopback address.
 */
import * as l10n from '@vscode/l10n';
import { GitShareError } from '../common/errors';
import { isAllowedTransport } from '../common/transport';

export { isAllowedTransport, isLoopbackHost } from '../common/transport';

/**
 * Turns what a person typed (or a setting) into an origin such as
 * `https://gitshare.example` or `http://127.0.0.2:8765`. Throws `invalidInput`
 * with a message meant for the person.
 */
export function normalizeServerUrl(input: string): string {
  const text = input.trim();
  if (!text) {
    throw new GitShareError('invalidInput', l10n.t('Enter the address of your GitShare server.'));
  }
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new GitShareError('invalidInput', l10n.t('"{0}" is not a valid address.', text));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GitShareError('invalidInput', l10n.t('The GitShare address must start with https://.'));
  }
  if (url.username || url.password) {
    throw new GitShareError('invalidInput', l10n.t('The GitShare address must not contain a user name or password.'));
  }
  if (!isAllowedTransport(url)) {
    throw new GitShareError(
      'invalidInput',
      l10n.t('Use https:// for GitShare; plain http:// is allowed only for loopback addresses.'),
    );
  }
  return url.origin;
}

/** A validation function for an input box: undefined when valid, else the message. */
export function validateServerUrl(input: string): string | undefined {
  try {
    normalizeServerUrl(input);
    return undefined;
  } catch (error) {
    return error instanceof GitShareError ? error.message : l10n.t('Invalid address.');
  }
}
