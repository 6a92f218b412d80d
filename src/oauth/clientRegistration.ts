/**
 * Self-registration's requests: registering this extension as an OAuth client
 * (RFC 7591) for exactly the redirect URIs of a sign-in, and deleting such a
 * registration again (RFC 7592, or `DELETE <registration endpoint>/{client_id}`).
 * An extra a real GitShare may not have: without it the person registers an
 * application by hand (handRegistration.ts). Which registration a sign-in reuses,
 * and when one is deleted, is oauthRegistrations.ts. Reached through
 * `OAuthClient.register` / `unregister`, with its HTTP (oauthHttp.ts).
 */
import * as l10n from '@vscode/l10n';
import * as oauth from 'oauth4webapi';
import { toBase64, utf8 } from '../common/bytes';
import { GitShareError } from '../common/errors';
import { Logger } from '../common/logger';
import { sameOrigin } from './discovery';
import type { ClientCredentials } from './credentials';
import { ABSENT_STATUSES, checkAnswer } from './oauthAnswers';
import { OAuthHttp, describe, discard } from './oauthHttp';

/** The name the consent page shows. */
const CLIENT_NAME = 'GitShare for VS Code';

/**
 * The server cannot register this extension: no registration endpoint, or it
 * refused. The person can register an application by hand on GitShare instead.
 */
export class RegistrationRefusedError extends GitShareError {
  override readonly name = 'RegistrationRefusedError';
  constructor(
    readonly reason: 'unavailable' | 'refused',
    options: { status?: number; code?: string; detail: string },
  ) {
    super(
      'protocol',
      reason === 'unavailable'
        ? l10n.t(
            'This GitShare server does not let VS Code register itself. Register an application on GitShare by hand and enter its client id and secret.',
          )
        : l10n.t(
            'GitShare refused to register VS Code. Register an application on GitShare by hand and enter its client id and secret.',
          ),
      { ...options, code: options.code ?? 'registration_unavailable' },
    );
  }
}

/** A client this extension registered itself (RFC 7591). */
export interface RegisteredClient extends ClientCredentials {
  readonly redirectUris: readonly string[];
  /** RFC 7592, when the server hands them out. */
  readonly registrationAccessToken?: string;
  readonly registrationClientUri?: string;
  readonly registeredAt: number;
}

/** RFC 7591: registers this extension for exactly these redirect URIs. */
export async function registerClient(
  http: OAuthHttp,
  logger: Logger,
  now: () => number,
  as: oauth.AuthorizationServer,
  redirectUris: readonly string[],
  signal?: AbortSignal,
): Promise<RegisteredClient> {
  if (!as.registration_endpoint) {
    throw new RegistrationRefusedError('unavailable', {
      detail: 'registration: the metadata names no registration endpoint',
    });
  }
  const response = await http.call('registration', signal, (options) =>
    oauth.dynamicClientRegistrationRequest(
      as,
      {
        client_name: CLIENT_NAME,
        redirect_uris: [...redirectUris],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      options,
    ),
  );
  if (ABSENT_STATUSES.has(response.status)) {
    await discard(response);
    throw new RegistrationRefusedError('unavailable', {
      status: response.status,
      detail: `registration: HTTP ${response.status}`,
    });
  }
  const body = await checkAnswer(logger, 'registration', () =>
    oauth.processDynamicClientRegistrationResponse(response),
  ).catch((error: unknown) => {
    // 400 invalid_redirect_uri and the like: this server will not take us, but a person can register by hand.
    if (error instanceof GitShareError && error.status !== undefined && error.status >= 400 && error.status < 500) {
      throw new RegistrationRefusedError('refused', {
        status: error.status,
        code: error.code,
        detail: error.detail ?? 'registration refused',
      });
    }
    throw error;
  });
  const extra = body as Record<string, unknown>;
  const client: RegisteredClient = {
    clientId: body.client_id,
    clientSecret: typeof body.client_secret === 'string' ? body.client_secret : undefined,
    redirectUris: Array.isArray(body.redirect_uris) ? body.redirect_uris.map(String) : [...redirectUris],
    registrationAccessToken:
      typeof extra.registration_access_token === 'string' ? extra.registration_access_token : undefined,
    registrationClientUri:
      typeof extra.registration_client_uri === 'string' ? extra.registration_client_uri : undefined,
    registeredAt: now(),
  };
  logger.redact(client.clientSecret);
  logger.redact(client.registrationAccessToken);
  logger.info(`Registered client ${client.clientId} for ${redirectUris.length} redirect URI(s)`);
  return client;
}

/**
 * Deletes a registration this extension no longer needs: RFC 7592 when the
 * server gave a registration URI and token, else `DELETE <registration endpoint>/{client_id}`
 * authenticated with the client's own credentials. Best effort; never throws.
 */
export async function deleteRegistration(
  http: OAuthHttp,
  logger: Logger,
  as: oauth.AuthorizationServer,
  client: RegisteredClient,
): Promise<boolean> {
  try {
    if (!as.registration_endpoint) {
      return false;
    }
    const endpoint = String(as.registration_endpoint);
    const url =
      client.registrationClientUri && sameOrigin(client.registrationClientUri, endpoint)
        ? client.registrationClientUri
        : `${endpoint.replace(/\/?$/, '/')}${encodeURIComponent(client.clientId)}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (client.registrationAccessToken) {
      headers.authorization = `Bearer ${client.registrationAccessToken}`;
    } else if (client.clientSecret !== undefined) {
      headers.authorization = `Basic ${toBase64(utf8(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`))}`;
    }
    const response = await http.send('unregistration', url, { method: 'DELETE', headers });
    await discard(response);
    const ok = response.status === 204 || response.status === 200 || response.status === 404;
    logger.info(`Deleted the registration of client ${client.clientId}: HTTP ${response.status}`);
    return ok;
  } catch (error) {
    logger.warn(`Could not delete the registration of client ${client.clientId}:`, describe(error));
    return false;
  }
}
