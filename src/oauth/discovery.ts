/**
 * Where a GitShare server's OAuth endpoints are: RFC 8414 metadata where the
 * server has it, otherwise the paths GitShare's own page documents (authorize,
 * token) and the contract's paths for its extras (registration, revocation),
 * which a 404 later shows to be absent. Every endpoint must be on the server's
 * origin.
 */
import * as l10n from '@vscode/l10n';
import type * as oauth from 'oauth4webapi';
import { discoveryRequest } from 'oauth4webapi';
import { GitShareError } from '../common/errors';
import type { Logger } from '../common/logger';
import { discard, type OAuthHttp } from './oauthHttp';

/** The paths GitShare's own page documents; every GitShare has them. */
const DOCUMENTED_PATHS = {
  authorization_endpoint: '/oauth2/authorize/',
  token_endpoint: '/oauth2/token/',
} as const;

/**
 * The contract's paths for its extras, tried when the server has no RFC 8414
 * metadata; a 404 there means the server does not have that extra.
 */
const EXTRA_PATHS = {
  registration_endpoint: '/oauth2/register/',
  revocation_endpoint: '/oauth2/revoke_token/',
} as const;

const ENDPOINTS = [...Object.keys(DOCUMENTED_PATHS), ...Object.keys(EXTRA_PATHS)] as (
  keyof typeof DOCUMENTED_PATHS | keyof typeof EXTRA_PATHS
)[];

/**
 * RFC 8414 metadata where the server has it; otherwise the documented paths
 * (authorize, token) and the contract's paths for its extras, which a 404
 * later shows to be absent. Metadata without an endpoint: the documented path
 * for authorize and token, none for registration and revocation (RFC 8414: an
 * endpoint left out is not offered). Every endpoint must be on the server's origin.
 */
export async function discoverAuthorizationServer(
  http: OAuthHttp,
  logger: Logger,
  serverUrl: string,
  signal?: AbortSignal,
): Promise<oauth.AuthorizationServer> {
  const origin = new URL(serverUrl).origin;
  const response = await http.call('discovery', signal, (options) =>
    discoveryRequest(new URL(origin), { ...options, algorithm: 'oauth2' }),
  );
  if (response.status >= 500) {
    await discard(response);
    throw new GitShareError('server', l10n.t('GitShare is not working right now. Try again later.'), {
      status: response.status,
      detail: `discovery: HTTP ${response.status}`,
    });
  }
  let metadata: unknown;
  if (response.status === 200) {
    metadata = await response.json().catch(() => undefined);
  } else {
    await discard(response);
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    // A GitShare as its page documents it: 404 here, or a page that is not metadata.
    logger.info(`No RFC 8414 metadata at ${origin} (HTTP ${response.status}); using the documented paths`);
    return fallbackMetadata(origin);
  }
  const found = metadata as oauth.AuthorizationServer;
  if (typeof found.issuer !== 'string' || stripSlash(found.issuer) !== origin) {
    throw new GitShareError(
      'protocol',
      l10n.t('GitShare sent sign-in details for another server. Check the server address.'),
      {
        detail: `discovery: issuer ${String(found.issuer)} is not ${origin}`,
      },
    );
  }
  // PKCE with S256 is what protects the code; a server that lists its methods without S256 cannot be used safely.
  const methods = found.code_challenge_methods_supported;
  if (methods !== undefined && !(Array.isArray(methods) && methods.includes('S256'))) {
    throw new GitShareError(
      'protocol',
      l10n.t(
        'This GitShare server does not support secure sign-in (PKCE with S256), so the extension will not sign in to it.',
      ),
      {
        detail: `discovery: code_challenge_methods_supported ${JSON.stringify(methods)}`,
      },
    );
  }
  const merged: oauth.AuthorizationServer = {
    ...found,
    authorization_endpoint: found.authorization_endpoint ?? origin + DOCUMENTED_PATHS.authorization_endpoint,
    token_endpoint: found.token_endpoint ?? origin + DOCUMENTED_PATHS.token_endpoint,
  };
  for (const key of ENDPOINTS) {
    const value = merged[key];
    if (value === undefined && key in EXTRA_PATHS) {
      continue;
    }
    if (typeof value !== 'string' || !sameOrigin(value, origin)) {
      throw new GitShareError(
        'protocol',
        l10n.t('GitShare sent sign-in details that point to another server. Check the server address.'),
        {
          detail: `discovery: ${key} ${String(value)} is not on ${origin}`,
        },
      );
    }
  }
  const missing = (Object.keys(EXTRA_PATHS) as (keyof typeof EXTRA_PATHS)[]).filter((key) => merged[key] === undefined);
  logger.debug(
    `Discovered the OAuth endpoints of ${origin}${missing.length ? ` (without ${missing.join(', ')})` : ''}`,
  );
  return merged;
}

function fallbackMetadata(origin: string): oauth.AuthorizationServer {
  return {
    issuer: origin,
    authorization_endpoint: origin + DOCUMENTED_PATHS.authorization_endpoint,
    token_endpoint: origin + DOCUMENTED_PATHS.token_endpoint,
    registration_endpoint: origin + EXTRA_PATHS.registration_endpoint,
    revocation_endpoint: origin + EXTRA_PATHS.revocation_endpoint,
  };
}

export function stripSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

export function sameOrigin(url: string, other: string): boolean {
  try {
    return new URL(url).origin === new URL(other).origin;
  } catch {
    return false;
  }
}
