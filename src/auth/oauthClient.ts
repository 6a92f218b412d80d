/**
 * The OAuth 2.0 protocol as GitShare documents it (RFC 6749 + RFC 7636 PKCE,
 * RFC 8414 discovery, RFC 7591 registration, RFC 7009 revocation), on top of
 * `oauth4webapi`, with HTTP through `node-fetch`. Imports no `vscode`, so the
 * unit tests run it in plain Node against the local server.
 *
 * Nothing here logs or throws a token, code, verifier or secret: every such
 * value is registered with `logger.redact` the moment it is seen.
 */
import * as oauth from 'oauth4webapi';
import { fetch as nodeFetch } from '../common/fetch';
import { CancelledError, GitShareError } from '../common/errors';
import { certificateError } from '../api/errorMapping';
import { Logger } from '../common/logger';
import { isAllowedTransport, isLoopbackHost } from './serverUrl';

/** The redirect URI of the "no callback" mode: the consent page shows the code. */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

export const DEFAULT_SCOPES: readonly string[] = ['files:read', 'files:write'];

export const CLIENT_NAME = 'GitShare for VS Code';

/** The documented paths, used when the server has no RFC 8414 metadata. */
const FALLBACK_PATHS = {
  authorization_endpoint: '/oauth2/authorize/',
  token_endpoint: '/oauth2/token/',
  registration_endpoint: '/oauth2/register/',
  revocation_endpoint: '/oauth2/revoke_token/',
} as const;

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

export interface GitShareUser {
  readonly id: string;
  readonly username: string;
  readonly name?: string;
}

/** One authorization request: what the browser opens and what the token request needs later. */
export interface AuthorizationRequest {
  readonly url: string;
  readonly state: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
}

export interface FetchInit {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  readonly redirect: 'manual';
  readonly signal?: AbortSignal;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<Response>;

export interface OAuthClientOptions {
  /** Per request; the default is 30 s. */
  readonly timeoutMs?: number;
  /** For tests: replaces `node-fetch`. */
  readonly fetch?: FetchLike;
  /** For tests. */
  readonly now?: () => number;
}

/** node-fetch with redirects never followed: a 3xx from an OAuth endpoint is an error, not a hop. */
const defaultFetch: FetchLike = async (url, init) => {
  const response = await nodeFetch(url, {
    method: init.method,
    headers: init.headers,
    body: init.body as string | undefined,
    redirect: 'manual',
    signal: init.signal as never,
  });
  return response as unknown as Response;
};

export class OAuthClient {
  private readonly fetch: FetchLike;
  /** Per request; the refresh lease of SessionManager must outlast it. */
  readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly logger: Logger, options: OAuthClientOptions = {}) {
    this.fetch = options.fetch ?? defaultFetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** RFC 8414 metadata; on 404 the documented paths. Every endpoint must be on the server's origin. */
  async discover(serverUrl: string, signal?: AbortSignal): Promise<oauth.AuthorizationServer> {
    const origin = new URL(serverUrl).origin;
    const response = await this.call('discovery', signal, (options) =>
      oauth.discoveryRequest(new URL(origin), { ...options, algorithm: 'oauth2' }),
    );
    if (response.status === 404) {
      await response.body?.cancel().catch(() => undefined);
      this.logger.info(`No RFC 8414 metadata at ${origin}; using the documented paths`);
      return fallbackMetadata(origin);
    }
    if (response.status !== 200) {
      throw new GitShareError('protocol', 'GitShare sent an unexpected answer when asked for its sign-in details.', {
        status: response.status,
        detail: `discovery: HTTP ${response.status}`,
      });
    }
    let metadata: oauth.AuthorizationServer;
    try {
      metadata = (await response.json()) as oauth.AuthorizationServer;
    } catch (cause) {
      throw new GitShareError('protocol', 'GitShare sent sign-in details that could not be read.', { detail: 'discovery: not JSON', cause });
    }
    if (typeof metadata !== 'object' || metadata === null || typeof metadata.issuer !== 'string' || stripSlash(metadata.issuer) !== origin) {
      throw new GitShareError('protocol', 'GitShare sent sign-in details for another server.', {
        detail: `discovery: issuer ${String((metadata as { issuer?: unknown } | null)?.issuer)} is not ${origin}`,
      });
    }
    const merged: oauth.AuthorizationServer = { ...fallbackMetadata(origin), ...metadata };
    for (const key of Object.keys(FALLBACK_PATHS) as (keyof typeof FALLBACK_PATHS)[]) {
      const value = merged[key];
      if (typeof value !== 'string' || !sameOrigin(value, origin)) {
        throw new GitShareError('protocol', 'GitShare sent sign-in details that point to another server.', {
          detail: `discovery: ${key} ${String(value)} is not on ${origin}`,
        });
      }
    }
    this.logger.debug(`Discovered the OAuth endpoints of ${origin}`);
    return merged;
  }

  /** RFC 7591: registers this extension for exactly these redirect URIs. */
  async register(as: oauth.AuthorizationServer, redirectUris: readonly string[], signal?: AbortSignal): Promise<RegisteredClient> {
    const response = await this.call('registration', signal, (options) =>
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
    const body = await this.process('registration', () => oauth.processDynamicClientRegistrationResponse(response));
    const extra = body as Record<string, unknown>;
    const client: RegisteredClient = {
      clientId: body.client_id,
      clientSecret: typeof body.client_secret === 'string' ? body.client_secret : undefined,
      redirectUris: Array.isArray(body.redirect_uris) ? body.redirect_uris.map(String) : [...redirectUris],
      registrationAccessToken: typeof extra.registration_access_token === 'string' ? extra.registration_access_token : undefined,
      registrationClientUri: typeof extra.registration_client_uri === 'string' ? extra.registration_client_uri : undefined,
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
      const endpoint = String(as.registration_endpoint ?? new URL(FALLBACK_PATHS.registration_endpoint, as.issuer).href);
      const url = client.registrationClientUri && sameOrigin(client.registrationClientUri, endpoint)
        ? client.registrationClientUri
        : `${endpoint.replace(/\/?$/, '/')}${encodeURIComponent(client.clientId)}`;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (client.registrationAccessToken) {
        headers.authorization = `Bearer ${client.registrationAccessToken}`;
      } else if (client.clientSecret !== undefined) {
        headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;
      }
      this.assertTransport(new URL(url));
      const response = await this.fetch(url, { method: 'DELETE', headers, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
      await response.body?.cancel().catch(() => undefined);
      const ok = response.status === 204 || response.status === 200 || response.status === 404;
      this.logger.info(`Deleted the registration of client ${client.clientId}: HTTP ${response.status}`);
      return ok;
    } catch (error) {
      this.logger.warn(`Could not delete the registration of client ${client.clientId}:`, describe(error));
      return false;
    }
  }

  /** A fresh state (256 bits) and PKCE S256 verifier, and the authorize URL built from them. */
  async createAuthorization(
    as: oauth.AuthorizationServer,
    client: ClientCredentials,
    redirectUri: string,
    scopes: readonly string[],
  ): Promise<AuthorizationRequest> {
    const state = oauth.generateRandomState();
    const codeVerifier = oauth.generateRandomCodeVerifier();
    this.logger.redact(state);
    this.logger.redact(codeVerifier);
    const codeChallenge = await oauth.calculatePKCECodeChallenge(codeVerifier);
    const url = new URL(String(as.authorization_endpoint));
    url.searchParams.set('client_id', client.clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('state', state);
    url.searchParams.set('scope', scopes.join(' '));
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    return { url: url.href, state, codeVerifier, redirectUri, scopes };
  }

  /**
   * Checks the parameters of a callback whose state the caller already matched:
   * `error` ends the attempt (`access_denied` as a cancellation on GitShare), `iss`
   * must name this server when present (RFC 9207). Returns the code.
   */
  validateCallback(as: oauth.AuthorizationServer, client: ClientCredentials, parameters: URLSearchParams, expectedState: string | undefined): URLSearchParams {
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
          throw new CancelledError('Sign-in was cancelled on GitShare.');
        }
        throw new GitShareError('protocol', 'GitShare did not complete the sign-in.', {
          code: error.error,
          detail: `authorization response error ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`,
        });
      }
      throw new GitShareError('protocol', 'The sign-in answer from GitShare could not be used.', {
        detail: `authorization response: ${describe(error)}`,
      });
    }
  }

  /** Parameters for a code the person pasted (the no-callback mode has no state to check). */
  pastedCode(as: oauth.AuthorizationServer, client: ClientCredentials, code: string): URLSearchParams {
    // A pasted code comes without `iss` (or state): the page showed only the code.
    const withoutIss: oauth.AuthorizationServer = { ...as, authorization_response_iss_parameter_supported: false };
    return this.validateCallback(withoutIss, client, new URLSearchParams({ code: code.trim() }), undefined);
  }

  /** The documented token request; sends the code once, never retried. */
  async exchangeCode(
    as: oauth.AuthorizationServer,
    client: ClientCredentials,
    callbackParameters: URLSearchParams,
    request: Pick<AuthorizationRequest, 'redirectUri' | 'codeVerifier'>,
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    const response = await this.call('token', signal, (options) =>
      oauth.authorizationCodeGrantRequest(as, toClient(client), clientAuth(client), callbackParameters, request.redirectUri, request.codeVerifier, options),
    );
    const body = await this.process('token', () => oauth.processAuthorizationCodeResponse(as, toClient(client), response), (code) =>
      code === 'invalid_grant'
        ? new GitShareError('signInRequired', 'GitShare did not accept the sign-in (the code expired or was already used). Please sign in again.', { code, status: 400 })
        : undefined,
    );
    return this.toTokenSet(body);
  }

  /** Refresh grant; the server rotates the refresh token. `invalid_grant` → `signInRequired`. */
  async refresh(as: oauth.AuthorizationServer, client: ClientCredentials, refreshToken: string, signal?: AbortSignal): Promise<TokenSet> {
    this.logger.redact(refreshToken);
    const response = await this.call('refresh', signal, (options) =>
      oauth.refreshTokenGrantRequest(as, toClient(client), clientAuth(client), refreshToken, options),
    );
    const body = await this.process('refresh', () => oauth.processRefreshTokenResponse(as, toClient(client), response), (code) =>
      code === 'invalid_grant'
        ? new GitShareError('signInRequired', 'Your GitShare session has ended. Please sign in again.', { code, status: 400 })
        : undefined,
    );
    return this.toTokenSet(body);
  }

  /** RFC 7009. Throws on failure; sign-out treats that as "could not revoke". */
  async revoke(as: oauth.AuthorizationServer, client: ClientCredentials, token: string, signal?: AbortSignal): Promise<void> {
    this.logger.redact(token);
    const response = await this.call('revocation', signal, (options) =>
      oauth.revocationRequest(as, toClient(client), clientAuth(client), token, options),
    );
    await this.process('revocation', () => oauth.processRevocationResponse(response));
  }

  /** `GET /api/v1/user`, for the account's label. */
  async fetchUser(serverUrl: string, accessToken: string, signal?: AbortSignal): Promise<GitShareUser> {
    this.logger.redact(accessToken);
    const url = new URL('/api/v1/user', serverUrl);
    this.assertTransport(url);
    let response: Response;
    try {
      response = await this.guardedFetch(url.href, {
        method: 'GET',
        headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
        redirect: 'manual',
        signal: this.signal(signal),
      });
    } catch (error) {
      throw this.transportError('user', error, signal);
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new GitShareError(response.status === 401 ? 'signInRequired' : 'protocol', 'GitShare did not return your account details.', {
        status: response.status,
        detail: `GET /api/v1/user: HTTP ${response.status}`,
      });
    }
    const body = (await response.json().catch(() => undefined)) as { id?: unknown; username?: unknown; name?: unknown } | undefined;
    if (!body || typeof body.username !== 'string' || !body.username || (typeof body.id !== 'string' && typeof body.id !== 'number')) {
      throw new GitShareError('protocol', 'GitShare returned account details that could not be read.', { detail: 'GET /api/v1/user: unexpected body' });
    }
    return { id: String(body.id), username: body.username, name: typeof body.name === 'string' ? body.name : undefined };
  }

  private toTokenSet(body: oauth.TokenEndpointResponse): TokenSet {
    this.logger.redact(body.access_token);
    this.logger.redact(body.refresh_token);
    if (body.token_type !== 'bearer') {
      throw new GitShareError('protocol', 'GitShare issued a kind of token this extension cannot use.', { detail: `token_type ${body.token_type}` });
    }
    const expiresIn = typeof body.expires_in === 'number' && Number.isFinite(body.expires_in) ? body.expires_in : undefined;
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: expiresIn === undefined ? undefined : this.now() + expiresIn * 1000,
      lifetimeMs: expiresIn === undefined ? undefined : expiresIn * 1000,
      scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : undefined,
    };
  }

  /** Runs one oauth4webapi request with our fetch, timeout and transport rule. */
  private async call(
    what: string,
    signal: AbortSignal | undefined,
    request: (options: { [oauth.customFetch]: FetchLike; [oauth.allowInsecureRequests]?: boolean; signal: AbortSignal }) => Promise<Response>,
  ): Promise<Response> {
    try {
      return await request({ [oauth.customFetch]: this.guardedFetch, [oauth.allowInsecureRequests]: true, signal: this.signal(signal) });
    } catch (error) {
      throw this.transportError(what, error, signal);
    }
  }

  /**
   * oauth4webapi is told insecure requests are allowed so that loopback http works;
   * this fetch puts the real rule back: https, or http only to a loopback address.
   */
  private readonly guardedFetch: FetchLike = async (url, init) => {
    this.assertTransport(new URL(url));
    try {
      return await this.fetch(url, init);
    } catch (error) {
      // Named here, where the URL is known: "which server, what is wrong with its certificate".
      throw certificateError(url, error) ?? error;
    }
  };

  private assertTransport(url: URL): void {
    if (!isAllowedTransport(url)) {
      throw new GitShareError('protocol', 'GitShare must be reached over https.', {
        detail: `refused ${url.protocol} to ${isLoopbackHost(url.hostname) ? 'loopback' : url.host}`,
      });
    }
  }

  private async process<T>(what: string, process: () => Promise<T>, mapCode?: (code: string) => GitShareError | undefined): Promise<T> {
    try {
      return await process();
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) {
        const mapped = mapCode?.(error.error);
        if (mapped) {
          this.logger.warn(`${what}: HTTP ${error.status} ${error.error}`);
          throw mapped;
        }
        throw new GitShareError(error.status >= 500 ? 'server' : 'protocol', 'GitShare refused the sign-in request.', {
          status: error.status,
          code: error.error,
          detail: `${what}: HTTP ${error.status} ${error.error}`,
        });
      }
      throw new GitShareError('protocol', 'GitShare sent an answer this extension cannot use.', { detail: `${what}: ${describe(error)}` });
    }
  }

  private signal(signal: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  private transportError(what: string, error: unknown, signal: AbortSignal | undefined): GitShareError {
    if (error instanceof GitShareError) {
      return error;
    }
    if (signal?.aborted) {
      return new CancelledError();
    }
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new GitShareError('timeout', 'GitShare did not answer in time.', { detail: `${what}: ${describe(error)}` });
    }
    return new GitShareError('network', 'Could not reach GitShare. Check your connection and the server address.', {
      detail: `${what}: ${describe(error)}`,
      cause: error,
    });
  }
}

function toClient(client: ClientCredentials): oauth.Client {
  return { client_id: client.clientId, token_endpoint_auth_method: client.clientSecret === undefined ? 'none' : 'client_secret_post' };
}

/** The documented form: client_id and client_secret in the body. */
function clientAuth(client: ClientCredentials): oauth.ClientAuth {
  return client.clientSecret === undefined ? oauth.None() : oauth.ClientSecretPost(client.clientSecret);
}

function fallbackMetadata(origin: string): oauth.AuthorizationServer {
  return {
    issuer: origin,
    authorization_endpoint: origin + FALLBACK_PATHS.authorization_endpoint,
    token_endpoint: origin + FALLBACK_PATHS.token_endpoint,
    registration_endpoint: origin + FALLBACK_PATHS.registration_endpoint,
    revocation_endpoint: origin + FALLBACK_PATHS.revocation_endpoint,
  };
}

function stripSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

function sameOrigin(url: string, other: string): boolean {
  try {
    return new URL(url).origin === new URL(other).origin;
  } catch {
    return false;
  }
}

/** Name and message only: causes of oauth4webapi errors may hold response bodies. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`;
  }
  return String(error);
}
