/**
 * The OAuth 2.0 protocol as GitShare documents it (RFC 6749 + RFC 7636 PKCE),
 * with the contract's extras where the server has them (RFC 7591 registration,
 * RFC 7009 revocation): the authorize URL and its callback, the code and
 * refresh grants and revocation, on top of `oauth4webapi`. Where the endpoints
 * are is discovery.ts, registering this extension clientRegistration.ts (both
 * reached through this class); every request goes out through oauthHttp.ts and
 * every answer is checked by oauthAnswers.ts. The unit tests run it in plain Node against the
 * local server.
 *
 * Nothing here logs or throws a token, code, verifier or secret: every such
 * value is registered with `logger.redact` the moment it is seen.
 */
import * as l10n from '@vscode/l10n';
import * as oauth from 'oauth4webapi';
import type { HttpTransport } from '../common/http';
import { DeniedOnServerError, GitShareError } from '../common/errors';
import { Logger } from '../common/logger';
import type { ClientCredentials } from './credentials';
import { deleteRegistration, registerClient, type RegisteredClient } from './clientRegistration';
import { discoverAuthorizationServer, stripSlash } from './discovery';
import { ABSENT_STATUSES, checkAnswer } from './oauthAnswers';
import { OAuthHttp, describe, discard } from './oauthHttp';

/** The redirect URI of the "no callback" mode: the consent page shows the code. */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

export const DEFAULT_SCOPES: readonly string[] = ['files:read', 'files:write'];

export type RevocationResult = 'revoked' | 'unsupported';

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
  /** The extension host's HTTP. */
  readonly transport: HttpTransport;
  /** For tests. */
  readonly now?: () => number;
}

export class OAuthClient {
  private readonly http: OAuthHttp;
  private readonly now: () => number;

  constructor(
    private readonly logger: Logger,
    options: OAuthClientOptions,
  ) {
    this.http = new OAuthHttp({ timeoutMs: options.timeoutMs, transport: options.transport });
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

  /** RFC 7591: registers this extension for exactly these redirect URIs (clientRegistration.ts). */
  register(
    as: oauth.AuthorizationServer,
    redirectUris: readonly string[],
    signal?: AbortSignal,
  ): Promise<RegisteredClient> {
    return registerClient(this.http, this.logger, this.now, as, redirectUris, signal);
  }

  /** Deletes a registration this extension no longer needs (clientRegistration.ts). Best effort; never throws. */
  unregister(as: oauth.AuthorizationServer, client: RegisteredClient): Promise<boolean> {
    return deleteRegistration(this.http, this.logger, as, client);
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
    const body = await checkAnswer(
      this.logger,
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
    const body = await checkAnswer(
      this.logger,
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
    await checkAnswer(this.logger, 'revocation', () => oauth.processRevocationResponse(response));
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
