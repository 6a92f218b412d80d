/**
 * The OAuth 2.0 protocol as GitShare documents it (RFC 6749 + RFC 7636 PKCE),
 * with the contract's extras where the server has them (RFC 8414 discovery,
 * RFC 7591 registration, RFC 7009 revocation) and the documented paths where it
 * does not. On top of `oauth4webapi`, with HTTP through `node-fetch`. Imports no
 * `vscode`, so the unit tests run it in plain Node against the local server.
 *
 * Nothing here logs or throws a token, code, verifier or secret: every such
 * value is registered with `logger.redact` the moment it is seen.
 */
import * as oauth from 'oauth4webapi';
import { fetch as nodeFetch } from '../common/fetch';
import { CancelledError, DeniedOnServerError, GitShareError } from '../common/errors';
import { certificateError, proxyAuthenticationError } from '../api/errorMapping';
import { Logger } from '../common/logger';
import { isAllowedTransport, isLoopbackHost } from './serverUrl';

/** The redirect URI of the "no callback" mode: the consent page shows the code. */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

export const DEFAULT_SCOPES: readonly string[] = ['files:read', 'files:write'];

export const CLIENT_NAME = 'GitShare for VS Code';

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

/** Statuses that say "there is nothing here", as opposed to "something broke". */
const ABSENT_STATUSES = new Set([404, 405, 410, 501]);

/** An OAuth answer is small; anything bigger is not one. */
const MAX_OAUTH_BODY_BYTES = 1024 * 1024;

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
        ? 'This GitShare server does not let VS Code register itself. Register an application on GitShare by hand and enter its client id and secret.'
        : 'GitShare refused to register VS Code. Register an application on GitShare by hand and enter its client id and secret.',
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
  /** Sent at authorize and again at the token endpoint; undefined: sent at neither (a client registered without a callback URL). */
  readonly redirectUri: string | undefined;
  readonly scopes: readonly string[];
}

export interface AuthorizationOptions {
  /** `login`: ask the server to show its sign-in page even to a signed-in browser (adding an account). */
  readonly prompt?: 'login';
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

/**
 * node-fetch with redirects never followed (a 3xx from an OAuth endpoint is an
 * error, not a hop), its answer turned into a WHATWG `Response`. oauth4webapi
 * and this file expect one (`body.cancel()`, `clone()`), and node-fetch's body
 * is a Node stream; OAuth answers are small, so the body is read here, capped.
 * Exported so the unit tests run the same network stack as the extension.
 */
export const nodeFetchAsWhatwg: FetchLike = async (url, init) => {
  const response = await nodeFetch(url, {
    method: init.method,
    headers: init.headers,
    body: init.body as string | undefined,
    redirect: 'manual',
    signal: init.signal as never,
  });
  const headers = new Headers();
  for (const [name, value] of response.headers) {
    headers.append(name, value);
  }
  const nullBody = response.status === 204 || response.status === 205 || response.status === 304 || !response.body;
  const body = nullBody ? null : await readCapped(response.body as AsyncIterable<Uint8Array>, MAX_OAUTH_BODY_BYTES);
  if (response.status < 200 || response.status > 599) {
    throw new GitShareError(
      'protocol',
      'GitShare sent an answer this extension cannot use. Check the server address, or show the log for details.',
      { detail: `HTTP ${response.status} from ${new URL(url).pathname}` },
    );
  }
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
};

async function readCapped(body: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.byteLength;
    if (length > limit) {
      (body as { destroy?: () => void }).destroy?.();
      throw new GitShareError(
        'protocol',
        'GitShare sent an answer this extension cannot use. Check the server address, or show the log for details.',
        { detail: `an OAuth answer over ${limit} bytes` },
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export class OAuthClient {
  private readonly fetch: FetchLike;
  /** Per request; the refresh lease of SessionManager must outlast it. */
  readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly logger: Logger,
    options: OAuthClientOptions = {},
  ) {
    this.fetch = options.fetch ?? nodeFetchAsWhatwg;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * RFC 8414 metadata where the server has it; otherwise the documented paths
   * (authorize, token) and the contract's paths for its extras, which a 404
   * later shows to be absent. Metadata without an endpoint: the documented path
   * for authorize and token, none for registration and revocation (RFC 8414: an
   * endpoint left out is not offered). Every endpoint must be on the server's origin.
   */
  async discover(serverUrl: string, signal?: AbortSignal): Promise<oauth.AuthorizationServer> {
    const origin = new URL(serverUrl).origin;
    const response = await this.call('discovery', signal, (options) =>
      oauth.discoveryRequest(new URL(origin), { ...options, algorithm: 'oauth2' }),
    );
    if (response.status >= 500) {
      await discard(response);
      throw new GitShareError('server', 'GitShare is not working right now. Try again later.', {
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
      this.logger.info(`No RFC 8414 metadata at ${origin} (HTTP ${response.status}); using the documented paths`);
      return fallbackMetadata(origin);
    }
    const found = metadata as oauth.AuthorizationServer;
    if (typeof found.issuer !== 'string' || stripSlash(found.issuer) !== origin) {
      throw new GitShareError(
        'protocol',
        'GitShare sent sign-in details for another server. Check the server address.',
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
        'This GitShare server does not support secure sign-in (PKCE with S256), so the extension will not sign in to it.',
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
          'GitShare sent sign-in details that point to another server. Check the server address.',
          {
            detail: `discovery: ${key} ${String(value)} is not on ${origin}`,
          },
        );
      }
    }
    const missing = (Object.keys(EXTRA_PATHS) as (keyof typeof EXTRA_PATHS)[]).filter(
      (key) => merged[key] === undefined,
    );
    this.logger.debug(
      `Discovered the OAuth endpoints of ${origin}${missing.length ? ` (without ${missing.join(', ')})` : ''}`,
    );
    return merged;
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
      this.assertTransport(new URL(url));
      const response = await this.fetch(url, {
        method: 'DELETE',
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
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
        throw new GitShareError('protocol', 'GitShare did not complete the sign-in. Please try again.', {
          code: error.error,
          detail: `authorization response error ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`,
        });
      }
      throw new GitShareError('protocol', 'The sign-in answer from GitShare could not be used. Please try again.', {
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
        : await this.call('token', signal, (options) =>
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
              'GitShare did not accept the sign-in (the code was mistyped, expired or already used). Please sign in again.',
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
    try {
      return await this.guardedFetch(url, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: form.toString(),
        redirect: 'manual',
        signal: this.signal(signal),
      });
    } catch (error) {
      throw this.transportError('token', error, signal);
    }
  }

  /** Refresh grant; the server rotates the refresh token. `invalid_grant` → `signInRequired`. */
  async refresh(
    as: oauth.AuthorizationServer,
    client: ClientCredentials,
    refreshToken: string,
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    this.logger.redact(refreshToken);
    const response = await this.call('refresh', signal, (options) =>
      oauth.refreshTokenGrantRequest(as, toClient(client), clientAuth(client), refreshToken, options),
    );
    const body = await this.process(
      'refresh',
      () => oauth.processRefreshTokenResponse(as, toClient(client), response),
      (code) =>
        code === 'invalid_grant'
          ? new GitShareError('signInRequired', 'Your GitShare session has ended. Please sign in again.', {
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
    const response = await this.call('revocation', signal, (options) =>
      oauth.revocationRequest(as, toClient(client), clientAuth(client), token, options),
    );
    if (ABSENT_STATUSES.has(response.status)) {
      await discard(response);
      return 'unsupported';
    }
    await this.process('revocation', () => oauth.processRevocationResponse(response));
    return 'revoked';
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
      await discard(response);
      throw new GitShareError(
        response.status === 401 ? 'signInRequired' : response.status >= 500 ? 'server' : 'protocol',
        'GitShare did not return your account details. Try signing in again.',
        {
          status: response.status,
          detail: `GET /api/v1/user: HTTP ${response.status}`,
        },
      );
    }
    const body = (await response.json().catch(() => undefined)) as
      { id?: unknown; username?: unknown; name?: unknown } | undefined;
    if (
      !body ||
      typeof body.username !== 'string' ||
      !body.username ||
      (typeof body.id !== 'string' && typeof body.id !== 'number')
    ) {
      throw new GitShareError(
        'protocol',
        'GitShare returned account details that could not be read. Check the server address, or show the log for details.',
        { detail: 'GET /api/v1/user: unexpected body' },
      );
    }
    return {
      id: String(body.id),
      username: body.username,
      name: typeof body.name === 'string' ? body.name : undefined,
    };
  }

  private toTokenSet(body: oauth.TokenEndpointResponse): TokenSet {
    this.logger.redact(body.access_token);
    this.logger.redact(body.refresh_token);
    // oauth4webapi lowercases it; compared without case here too, as RFC 6749 §5.1 says.
    if (String(body.token_type).toLowerCase() !== 'bearer') {
      throw new GitShareError('protocol', 'GitShare issued a kind of token this extension cannot use.', {
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

  /** Runs one oauth4webapi request with our fetch, timeout and transport rule. */
  private async call(
    what: string,
    signal: AbortSignal | undefined,
    request: (options: {
      [oauth.customFetch]: FetchLike;
      [oauth.allowInsecureRequests]?: boolean;
      signal: AbortSignal;
    }) => Promise<Response>,
  ): Promise<Response> {
    try {
      return await request({
        [oauth.customFetch]: this.guardedFetch,
        [oauth.allowInsecureRequests]: true,
        signal: this.signal(signal),
      });
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
    let response: Response;
    try {
      response = await this.fetch(url, init);
    } catch (error) {
      // Named here, where the URL is known: "which server, what is wrong with its certificate".
      throw certificateError(url, error) ?? error;
    }
    if (response.status === 407) {
      await response.body?.cancel().catch(() => undefined);
      throw proxyAuthenticationError(`${init.method ?? 'GET'} ${new URL(url).pathname}`);
    }
    return response;
  };

  private assertTransport(url: URL): void {
    if (!isAllowedTransport(url)) {
      throw new GitShareError('protocol', 'GitShare must be reached over https. Check the server address.', {
        detail: `refused ${url.protocol} to ${isLoopbackHost(url.hostname) ? 'loopback' : url.host}`,
      });
    }
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
        throw new GitShareError('server', 'GitShare is not working right now. Try again later.', {
          status,
          code,
          detail,
        });
      }
      if (code !== undefined) {
        throw new GitShareError('protocol', 'GitShare refused the sign-in request. Show the log for its answer.', {
          status,
          code,
          detail,
        });
      }
      throw new GitShareError(
        'protocol',
        'GitShare sent an answer this extension cannot use. Check the server address, or show the log for details.',
        { status, detail },
      );
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
      return new GitShareError('timeout', 'GitShare did not answer in time. Try again, or check the server address.', {
        detail: `${what}: ${describe(error)}`,
      });
    }
    return new GitShareError('network', 'Could not reach GitShare. Check your connection and the server address.', {
      detail: `${what}: ${describe(error)}`,
      cause: error,
    });
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

function fallbackMetadata(origin: string): oauth.AuthorizationServer {
  return {
    issuer: origin,
    authorization_endpoint: origin + DOCUMENTED_PATHS.authorization_endpoint,
    token_endpoint: origin + DOCUMENTED_PATHS.token_endpoint,
    registration_endpoint: origin + EXTRA_PATHS.registration_endpoint,
    revocation_endpoint: origin + EXTRA_PATHS.revocation_endpoint,
  };
}

/** Frees an answer whose body is not needed (a WHATWG body: `cancel`, never a Node stream method). */
async function discard(response: Response): Promise<void> {
  if (!response.bodyUsed) {
    await response.body?.cancel().catch(() => undefined);
  }
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
