/**
 * The OAuth 2.0 protocol as GitShare documents it (RFC 6749 + RFC 7636 PKCE),
 * with the contract's extras where the server has them (RFC 7591 registration,
 * RFC 7009 revocation): the authorize URL and its callback, the code and
 * refresh grants, registration and revocation, on top of `oauth4webapi`.
 * Where the endpoints are is discovery.ts; every request goes out through
 * oauthHttp.ts. Imports no `vscode`, so the unit tests run it in plain Node
 * against the local server.
 *
 * Nothing here logs or throws a token, code, verifier or secret: every such
 * value is registered with `logger.redact` the moment it is seen.
 */
import * as l10n from '@vscode/l10n';
import * as oauth from 'oauth4webapi';
import type { FetchLike } from '../common/fetch';
import { DeniedOnServerError, GitShareError } from '../common/errors';
import { Logger } from '../common/logger';
import { discoverAuthorizationServer, sameOrigin, stripSlash } from './discovery';
import { OAuthHttp, describe, discard } from './oauthHttp';
import { UNREADABLE_ANSWER } from '../api/errorMapping';

/** The redirect URI of the "no callback" mode: the consent page shows the code. */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

export const DEFAULT_SCOPES: readonly string[] = ['files:read', 'files:write'];

export const CLIENT_NAME = 'GitShare for VS Code';

/** Statuses that say "there is nothing here", as opposed to "something broke". */
const ABSENT_STATUSES = new Set([404, 405, 410, 501]);

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

/** 401 `invalid_client` from the token endpoint: the client id or secret is wrong. */
export class ClientRejectedError extends GitShareError {
  override readonly name = 'ClientRejectedError';
  constructor(detail: string) {
    super(
      'invalidInput',
      'GitShare did not accept the client id or secret. Check them on GitShare and enter them again.',
      {
        status: 401,
        code: 'invalid_client',
        detail,
      },
    );
  }
}

export type RevocationResult = 'revoked' | 'unsupported';

export interface ClientCredentials {
  readonly clientId: string;
  /** Absent for a public client. */
  readonly clientSecret?: string;
}

/** A client this extension registered itself (RFC 7591). */
export interface RegisteredClient extends ClientCredentials {
  readonly redirectUris: readonly string[];
  /** RFC 7592, when the server hands them out. */
  readonly registrationAccessToken?: string;
  readonly registrationClientUri?: string;
  readonly registeredAt: number;
}

export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Absolute expiry in ms since the epoch, from `expires_in`. */
  readonly expiresAt?: number;
  /** `expires_in` in ms, as received. */
  readonly lifetimeMs?: number;
  readonly scopes?: readonly string[];
}

/** One authorization request: what the browser opens and what the token request needs later. */
export interface AuthorizationRequest {
  readonly url: string;
  readonly state: string;
  readonly codeVerifier: string;
  /** Sent at authorize and again at the token endpoint; undefined: sent at neither (a client registered without a callback URL). */
  readonly redirectUri: string | undefined;
  readonly scopes: readonly string[];
}

export interface AuthorizationOptions {
  /** `login`: ask the server to show its sign-in page even to a signed-in browser (adding an account). */
  readonly prompt?: 'login';
}
export interface OAuthClientOptions {
  /** Per request; the default is 30 s. */
  readonly timeoutMs?: number;
  /** For tests: replaces `node-fetch`. */
  readonly fetch?: FetchLike;
  /** For tests. */
  readonly now?: () => number;
}

export class OAuthClient {
  private readonly http: OAuthHttp;
  private readonly now: () => number;

  constructor(
    private readonly logger: Logger,
    options: OAuthClientOptions = {},
  ) {
    this.http = new OAuthHttp({ timeoutMs: options.timeoutMs, fetch: options.fetch });
    this.now = options.now ?? Date.now;
  }

  /** Per request; the refresh lease of SessionManager must outlast it. */
  get timeoutMs(): number {
    return this.http.timeoutMs;
  }

  /** The server's OAuth endpoints (discovery.ts). */
  discover(serverUrl: string, signal?: AbortSignal): Promise<oauth.AuthorizationServer> {
    return discoverAuthorizationServer(this.http, this.logger, serverUrl, signal);
  }

  /** RFC 7591: registers this extension for exactly these redirect URIs. */
  async register(
    as: oauth.AuthorizationServer,
    redirectUris: readonly string[],
    signal?: AbortSignal,
  ): Promise<RegisteredClient> {
    if (!as.registration_endpoint) {
      throw new RegistrationRefusedError('unavailable', {
        detail: 'registration: the metadata names no registration endpoint',
      });
    }
    const response = await this.http.call('registration', signal, (options) =>
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
    const body = await this.process('registration', () =>
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
      registeredAt: this.now(),
    };
    this.logger.redact(client.clientSecret);
    this.logger.redact(client.registrationAccessToken);
    this.logger.info(`Registered client ${client.clientId} for ${redirectUris.length} redirect URI(s)`);
    return client;
  }

  /**
   * Deletes a registration this extension no longer needs: RFC 7592 when the
   * server gave a registration URI and token, else `DELETE <registration endpoint>/{client_id}`
   * authenticated with the client's own credentials. Best effort; never throws.
   */
  async unregister(as: oauth.AuthorizationServer, client: RegisteredClient): Promise<boolean> {
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
        headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;
      }
      const response = await this.http.send('unregistration', url, { method: 'DELETE', headers });
      await discard(response);
      const ok = response.status === 204 || response.status === 200 || response.status === 404;
      this.logger.info(`Deleted the registration of client ${client.clientId}: HTTP ${response.status}`);
      return ok;
    } catch (error) {
      this.logger.warn(`Could not delete the registration of client ${client.clientId}:`, describe(error));
      return false;
    }
  }

  /**
   * A fresh state (256 bits) and PKCE S256 verifier, and the authorize URL built
   * from them. `redirectUri` undefined: none is sent (a client registered by hand
   * without a callback URL; GitShare then shows the code).
   */
  async createAuthorization(
    as: oauth.AuthorizationServer,
    client: ClientCredentials,
    redirectUri: string | undefined,
    scopes: readonly string[],
    options: AuthorizationOptions = {},
  ): Promise<AuthorizationRequest> {
    const state = oauth.generateRandomState();
    const codeVerifier = oauth.generateRandomCodeVerifier();
    this.logger.redact(state);
    this.logger.redact(codeVerifier);
    const codeChallenge = await oauth.calculatePKCECodeChallenge(codeVerifier);
    const url = new URL(String(as.authorization_endpoint));
    url.searchParams.set('client_id', client.clientId);
    url.searchParams.set('response_type', 'code');
    if (redirectUri !== undefined) {
      url.searchParams.set('redirect_uri', redirectUri);
    }
    url.searchParams.set('state', state);
    url.searchParams.set('scope', scopes.join(' '));
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    if (options.prompt) {
      url.searchParams.set('prompt', options.prompt);
    }
    return { url: url.href, state, codeVerifier, redirectUri, scopes };
  }

  /**
   * Checks the parameters of a callback whose state the caller already matched:
   * `error` ends the attempt (`access_denied` as a cancellation on GitShare), `iss`
   * must name this server when present (RFC 9207). Returns the code.
   */
  validateCallback(
    as: oauth.AuthorizationServer,
    client: ClientCredentials,
    parameters: URLSearchParams,
    expectedState: string | undefined,
  ): URLSearchParams {
    const copy = new URLSearchParams(parameters);
    const code = copy.get('code');
    this.logger.redact(code ?? undefined);
    const iss = copy.get('iss');
    if (iss !== null && stripSlash(iss) === stripSlash(as.issuer)) {
      copy.set('iss', as.issuer);
    }
    try {
      return oauth.validateAuthResponse(as, toClient(client), copy, expectedState ?? oauth.expectNoState);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) {
        if (error.error === 'access_denied') {
          throw new DeniedOnServerError();
        }
        throw new GitShareError('protocol', l10n.t('GitShare did not complete the sign-in. Please try again.'), {
          code: error.error,
          detail: `authorization response error ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`,
        });
      }
      throw new GitShareError(
        'protocol',
        l10n.t('The sign-in answer from GitShare could not be used. Please try again.'),
        {
          detail: `authorization response: ${describe(error)}`,
        },
      );
    }
  }

  /** Parameters for a code the person pasted (the no-callback mode has no state to check). */
  pastedCode(as: oauth.AuthorizationServer, client: ClientCredentials, code: string): URLSearchParams {
    // A pasted code comes without `iss` (or state): the page showed only the code.
    const withoutIss: oauth.AuthorizationServer = { ...as, authorization_response_iss_parameter_supported: false };
    return this.validateCallback(withoutIss, client, new URLSearchParams({ code: code.trim() }), undefined);
  }

  /**
   * The documented token request; sends the code once, never retried. The
   * `redirect_uri` sent is the one the authorize request carried, or none.
   */
  async exchangeCode(
    as: oauth.AuthorizationServer,
    client: ClientCredentials,
    callbackParameters: URLSearchParams,
    request: Pick<AuthorizationRequest, 'redirectUri' | 'codeVerifier'>,
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    const redirectUri = request.redirectUri;
    const response =
      redirectUri === undefined
        ? await this.codeRequestWithoutRedirectUri(as, client, callbackParameters, request.codeVerifier, signal)
        : await this.http.call('token', signal, (options) =>
            oauth.authorizationCodeGrantRequest(
              as,
              toClient(client),
              clientAuth(client),
              callbackParameters,
              redirectUri,
              request.codeVerifier,
              options,
            ),
          );
    const body = await this.process(
      'token',
      () => oauth.processAuthorizationCodeResponse(as, toClient(client), response),
      (code) =>
        code === 'invalid_grant'
          ? new GitShareError(
              'signInRequired',
              l10n.t(
                'GitShare did not accept the sign-in (the code was mistyped, expired or already used). Please sign in again.',
              ),
              { code, status: 400 },
            )
          : undefined,
    );
    return this.toTokenSet(body);
  }

  /**
   * oauth4webapi always sends `redirect_uri`; a client registered without a
   * callback URL sent none at authorize, so the token request must send none
   * either (the contract). Same form, same client authentication, same checks
   * on the answer.
   */
  private async codeRequestWithoutRedirectUri(
    as: oauth.AuthorizationServer,
    client: ClientCredentials,
    callbackParameters: URLSearchParams,
    codeVerifier: string,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: callbackParameters.get('code') ?? '',
      code_verifier: codeVerifier,
      client_id: client.clientId,
    });
    if (client.clientSecret !== undefined) {
      form.set('client_secret', client.clientSecret);
    }
    const url = String(as.token_endpoint);
    return this.http.send(
      'token',
      url,
      {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: form.toString(),
      },
      signal,
    );
  }

  /** Refresh grant; the server rotates the refresh token. `invalid_grant` → `signInRequired`. */
  async refresh(
    as: oauth.AuthorizationServer,
    client: ClientCredentials,
    refreshToken: string,
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    this.logger.redact(refreshToken);
    const response = await this.http.call('refresh', signal, (options) =>
      oauth.refreshTokenGrantRequest(as, toClient(client), clientAuth(client), refreshToken, options),
    );
    const body = await this.process(
      'refresh',
      () => oauth.processRefreshTokenResponse(as, toClient(client), response),
      (code) =>
        code === 'invalid_grant'
          ? new GitShareError('signInRequired', l10n.t('Your GitShare session has ended. Please sign in again.'), {
              code,
              status: 400,
            })
          : undefined,
    );
    return this.toTokenSet(body);
  }

  /**
   * RFC 7009. `unsupported` when the server has no revocation endpoint (none in
   * its metadata, or 404 at the contract's path): nothing to do there. Throws
   * on other failures; sign-out treats that as "could not revoke".
   */
  async revoke(
    as: oauth.AuthorizationServer,
    client: ClientCredentials,
    token: string,
    signal?: AbortSignal,
  ): Promise<RevocationResult> {
    this.logger.redact(token);
    if (!as.revocation_endpoint) {
      return 'unsupported';
    }
    const response = await this.http.call('revocation', signal, (options) =>
      oauth.revocationRequest(as, toClient(client), clientAuth(client), token, options),
    );
    if (ABSENT_STATUSES.has(response.status)) {
      await discard(response);
      return 'unsupported';
    }
    await this.process('revocation', () => oauth.processRevocationResponse(response));
    return 'revoked';
  }

  private toTokenSet(body: oauth.TokenEndpointResponse): TokenSet {
    this.logger.redact(body.access_token);
    this.logger.redact(body.refresh_token);
    // oauth4webapi lowercases it; compared without case here too, as RFC 6749 §5.1 says.
    if (String(body.token_type).toLowerCase() !== 'bearer') {
      throw new GitShareError('protocol', l10n.t('GitShare issued a kind of token this extension cannot use.'), {
        detail: `token_type ${body.token_type}`,
      });
    }
    const expiresIn =
      typeof body.expires_in === 'number' && Number.isFinite(body.expires_in) ? body.expires_in : undefined;
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: expiresIn === undefined ? undefined : this.now() + expiresIn * 1000,
      lifetimeMs: expiresIn === undefined ? undefined : expiresIn * 1000,
      scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : undefined,
    };
  }
  /**
   * Runs oauth4webapi's check of an answer and turns what it throws into one
   * typed error whose message says what to do; its own text goes to the log only.
   */
  private async process<T>(
    what: string,
    process: () => Promise<T>,
    mapCode?: (code: string) => GitShareError | undefined,
  ): Promise<T> {
    try {
      return await process();
    } catch (error) {
      const status =
        error instanceof oauth.ResponseBodyError || error instanceof oauth.WWWAuthenticateChallengeError
          ? error.status
          : (error as { cause?: unknown })?.cause instanceof Response
            ? (error as { cause: Response }).cause.status
            : undefined;
      const code = error instanceof oauth.ResponseBodyError ? error.error : undefined;
      const detail = `${what}: ${status === undefined ? '' : `HTTP ${status} `}${code ?? describe(error)}`;
      if (code === 'invalid_client' || (status === 401 && what !== 'registration')) {
        this.logger.warn(detail);
        throw new ClientRejectedError(detail);
      }
      const mapped = code === undefined ? undefined : mapCode?.(code);
      if (mapped) {
        this.logger.warn(detail);
        throw mapped;
      }
      if (status !== undefined && status >= 500) {
        throw new GitShareError('server', l10n.t('GitShare is not working right now. Try again later.'), {
          status,
          code,
          detail,
        });
      }
      if (code !== undefined) {
        throw new GitShareError(
          'protocol',
          l10n.t('GitShare refused the sign-in request. Show the log for its answer.'),
          {
            status,
            code,
            detail,
          },
        );
      }
      throw new GitShareError('protocol', UNREADABLE_ANSWER, { status, detail });
    }
  }
}

function toClient(client: ClientCredentials): oauth.Client {
  return {
    client_id: client.clientId,
    token_endpoint_auth_method: client.clientSecret === undefined ? 'none' : 'client_secret_post',
  };
}

/** The documented form: client_id and client_secret in the body. */
function clientAuth(client: ClientCredentials): oauth.ClientAuth {
  return client.clientSecret === undefined ? oauth.None() : oauth.ClientSecretPost(client.clientSecret);
}
