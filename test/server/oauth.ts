import OAuth2Server from '@node-oauth/oauth2-server';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { randomUUID } from 'node:crypto';
import {
  ALL_EXTRAS,
  CODE_LIFETIME_SECONDS,
  REFRESH_TOKEN_LIFETIME_SECONDS,
  SUPPORTED_SCOPES,
  type ServerContext,
  type ServerExtras,
} from './context';
import { HttpError } from './errors';
import { codePage, consentPage, deniedPage, errorPage, sendPage, signInPage } from './pages';
import { OOB_REDIRECT_URI, appendQuery, redirectUriMatches, redirectUriProblem } from './redirectUris';
import { randomToken, type ClientRow, type TokenEndpointAuthMethod } from './store';

/**
 * OAuth 2.0 endpoints. `@node-oauth/oauth2-server` runs the token grants (code exchange with PKCE,
 * refresh rotation) and bearer authentication; this module adds what the library leaves to the
 * server: registration (RFC 7591), the authorization pages, redirect URI rules (redirectUris.ts),
 * replay detection (code reuse and rotated-refresh reuse revoke the grant, see the model below),
 * revocation (RFC 7009), discovery (RFC 8414) and HTTP Basic or body client credentials.
 */

interface GrantUser {
  readonly id: number;
  /** Carried through the library from the code or refresh token to `saveToken`. */
  readonly grantId: string;
  readonly tokenId?: number;
}

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_post', 'client_secret_basic', 'none'];
const GRANT_TYPES = ['authorization_code', 'refresh_token'];
const CHALLENGE_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

function parseScope(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((s) => s.length > 0);
}

/** The model the library calls; every secret is looked up by its hash (store.ts). */
function createModel(ctx: ServerContext): OAuth2Server.AuthorizationCodeModel & OAuth2Server.RefreshTokenModel {
  const libClient = (row: ClientRow): OAuth2Server.Client => ({
    id: row.clientId,
    grants: [...row.grantTypes],
    redirectUris: [...row.redirectUris],
    accessTokenLifetime: ctx.tokenTtlSeconds,
    refreshTokenLifetime: REFRESH_TOKEN_LIFETIME_SECONDS,
  });
  return {
    async getClient(clientId, clientSecret) {
      const row = ctx.store.client(clientId);
      if (!row) {
        return false;
      }
      if (clientSecret) {
        return row.authMethod !== 'none' && ctx.store.clientSecretMatches(clientId, clientSecret)
          ? libClient(row)
          : false;
      }
      // Without a secret only a public client authenticates (it must then prove PKCE).
      return row.authMethod === 'none' ? libClient(row) : false;
    },
    async getAuthorizationCode(code) {
      const row = ctx.store.code(code);
      if (!row) {
        return false;
      }
      if (row.used) {
        // RFC 6749 §4.1.2: a code used twice revokes what the first use obtained.
        ctx.store.revokeGrant(row.grantId);
        return false;
      }
      const user: GrantUser = { id: row.userId, grantId: row.grantId };
      return {
        authorizationCode: code,
        expiresAt: new Date(row.expiresAt),
        redirectUri: row.redirectUri ?? '',
        scope: parseScope(row.scope),
        client: { id: row.clientId, grants: [] },
        user,
        codeChallenge: row.challenge ?? undefined,
        codeChallengeMethod: row.challengeMethod ?? undefined,
      };
    },
    async saveAuthorizationCode() {
      throw new Error('Codes are issued by the consent page, not the library.');
    },
    async revokeAuthorizationCode(code) {
      return ctx.store.useCode(code.authorizationCode);
    },
    async saveToken(token, client, user) {
      const grantUser = user as GrantUser;
      ctx.store.insertToken(token.accessToken, token.refreshToken, {
        clientId: client.id,
        userId: grantUser.id,
        grantId: grantUser.grantId,
        scope: (token.scope ?? []).join(' '),
        accessExpiresAt: token.accessTokenExpiresAt!.getTime(),
        refreshExpiresAt: token.refreshTokenExpiresAt?.getTime() ?? null,
      });
      return { ...token, client, user };
    },
    async getAccessToken(accessToken) {
      if (typeof accessToken !== 'string') {
        return false;
      }
      const row = ctx.store.tokenByAccess(accessToken);
      if (!row || row.accessRevoked) {
        return false;
      }
      const user: GrantUser = { id: row.userId, grantId: row.grantId, tokenId: row.id };
      return {
        accessToken,
        accessTokenExpiresAt: new Date(row.accessExpiresAt),
        scope: parseScope(row.scope),
        client: { id: row.clientId, grants: [] },
        user,
      };
    },
    async getRefreshToken(refreshToken) {
      const row = ctx.store.tokenByRefresh(refreshToken);
      if (!row) {
        return false;
      }
      if (row.refreshRevoked) {
        // A rotated (or revoked) refresh token came back: someone holds a copy. Revoke the grant.
        ctx.store.revokeGrant(row.grantId);
        return false;
      }
      const user: GrantUser = { id: row.userId, grantId: row.grantId };
      return {
        refreshToken,
        refreshTokenExpiresAt: row.refreshExpiresAt === null ? undefined : new Date(row.refreshExpiresAt),
        scope: parseScope(row.scope),
        client: { id: row.clientId, grants: [] },
        user,
      };
    },
    async revokeToken(token) {
      const ok = ctx.store.revokeRefresh(token.refreshToken);
      if (!ok) {
        // Lost a race with another use of the same refresh token: treat it as a replay.
        const row = ctx.store.tokenByRefresh(token.refreshToken);
        if (row) {
          ctx.store.revokeGrant(row.grantId);
        }
      }
      return ok;
    },
    async validateScope(_user, _client, scope) {
      const requested = scope && scope.length > 0 ? scope : [...SUPPORTED_SCOPES];
      return requested.every((s) => (SUPPORTED_SCOPES as readonly string[]).includes(s)) ? requested : false;
    },
    async verifyScope(token, scope) {
      const granted = token.scope ?? [];
      return scope.every((s) => granted.includes(s));
    },
  };
}

export function createOAuthServer(ctx: ServerContext): OAuth2Server {
  return new OAuth2Server({
    model: createModel(ctx),
    accessTokenLifetime: ctx.tokenTtlSeconds,
    refreshTokenLifetime: REFRESH_TOKEN_LIFETIME_SECONDS,
    allowBearerTokensInQueryString: true,
    alwaysIssueNewRefreshToken: true,
    // The model decides: a public client authenticates with its id alone, a confidential one
    // with its secret (getClient above). Lets public clients refresh without a secret.
    requireClientAuthentication: { authorization_code: false, refresh_token: false },
  });
}

function libRequest(req: Request): OAuth2Server.Request {
  return new OAuth2Server.Request({
    headers: req.headers as Record<string, string>,
    method: req.method,
    query: req.query as Record<string, string>,
    body: (req.body ?? {}) as Record<string, unknown>,
  });
}

function oauthErrorJson(
  res: Response,
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): void {
  res.set(headers).status(status).json({ error, error_description: description, message: description });
}

/** RFC 6749 §3.1: a parameter must not appear twice. */
function firstRepeated(params: Record<string, unknown> | undefined): string | undefined {
  return Object.entries(params ?? {}).find(
    ([, value]) => Array.isArray(value) || (typeof value === 'object' && value !== null),
  )?.[0];
}

const isForm = (req: Request): boolean =>
  req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';

interface ClientCredentials {
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly basic: boolean;
}

function clientCredentials(req: Request): ClientCredentials | HttpError {
  const header = req.headers.authorization;
  if (header && /^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      return new HttpError(401, 'invalid_client', 'Malformed Basic credentials.');
    }
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
    const unescape = (s: string): string => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    return {
      clientId: unescape(decoded.slice(0, colon)),
      clientSecret: unescape(decoded.slice(colon + 1)),
      basic: true,
    };
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
  return { clientId: str(body.client_id), clientSecret: str(body.client_secret), basic: false };
}

/** Authenticates a client at the revocation or deletion endpoints (the token endpoint uses the library). */
function authenticateClient(ctx: ServerContext, creds: ClientCredentials): ClientRow | undefined {
  if (!creds.clientId) {
    return undefined;
  }
  const row = ctx.store.client(creds.clientId);
  if (!row) {
    return undefined;
  }
  if (creds.clientSecret !== undefined) {
    return row.authMethod !== 'none' && ctx.store.clientSecretMatches(row.clientId, creds.clientSecret)
      ? row
      : undefined;
  }
  return row.authMethod === 'none' ? row : undefined;
}

function sendInvalidClient(res: Response, basic: boolean, message = 'Client authentication failed.'): void {
  oauthErrorJson(res, 401, 'invalid_client', message, basic ? { 'WWW-Authenticate': 'Basic realm="GitShare"' } : {});
}

export function discoveryDocument(issuer: string, extras: ServerExtras = ALL_EXTRAS): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth2/authorize/`,
    token_endpoint: `${issuer}/oauth2/token/`,
    // RFC 8414 §2: an endpoint the server does not offer is left out.
    ...(extras.registration ? { registration_endpoint: `${issuer}/oauth2/register/` } : {}),
    ...(extras.revocation ? { revocation_endpoint: `${issuer}/oauth2/revoke_token/` } : {}),
    scopes_supported: [...SUPPORTED_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...GRANT_TYPES],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: [...AUTH_METHODS],
    ...(extras.revocation ? { revocation_endpoint_auth_methods_supported: [...AUTH_METHODS] } : {}),
    prompt_values_supported: ['login'],
    authorization_response_iss_parameter_supported: true,
    service_documentation: `${issuer}/`,
  };
}

export function oauthRouter(ctx: ServerContext, server: OAuth2Server): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 });
  const json = express.json({ limit: '64kb', strict: true, type: () => true });

  // The contract's extras: each is served only when switched on (`--seed-only` turns all off), and
  // otherwise falls through to the ordinary 404, as on a GitShare that never had it.
  const extra =
    (name: keyof ServerExtras) =>
    (_req: Request, _res: Response, next: NextFunction): void => {
      next(ctx.extras[name] ? undefined : 'route');
    };

  router.get('/.well-known/oauth-authorization-server', extra('discovery'), (_req, res) => {
    res.json(discoveryDocument(ctx.issuer, ctx.extras));
  });

  // --- registration (RFC 7591), and deletion (RFC 7592 §2.3)

  router.post(
    '/oauth2/register/',
    extra('registration'),
    (req, res, next) => {
      if (!req.is('application/json')) {
        oauthErrorJson(res, 400, 'invalid_client_metadata', 'The registration request must be application/json.');
        return;
      }
      json(req, res, next);
    },
    (req, res) => {
      res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
      const result = registerClient(ctx, req.body as unknown);
      if (result instanceof HttpError) {
        oauthErrorJson(res, result.status, result.code, result.message);
        return;
      }
      res.status(201).json(result);
    },
  );

  router.delete('/oauth2/register/:clientId', extra('registration'), (req, res) => {
    const clientId = String(req.params.clientId);
    const header = req.headers.authorization ?? '';
    let allowed: boolean;
    let basic = false;
    if (/^bearer /i.test(header)) {
      allowed = ctx.store.registrationTokenMatches(clientId, header.slice(7).trim());
    } else {
      const creds = clientCredentials(req);
      basic = !(creds instanceof HttpError) && creds.basic;
      allowed =
        !(creds instanceof HttpError) &&
        creds.clientId === clientId &&
        creds.clientSecret !== undefined &&
        authenticateClient(ctx, creds) !== undefined;
    }
    if (!allowed) {
      sendInvalidClient(
        res,
        basic || !header,
        'Authenticate with the client credentials (Basic) or the registration access token (Bearer).',
      );
      return;
    }
    ctx.store.deleteClient(clientId);
    res.status(204).end();
  });

  // --- authorization

  const authorize = (req: Request, res: Response): void => handleAuthorize(ctx, req, res);
  router.get('/oauth2/authorize/', authorize);
  router.post('/oauth2/authorize/', form, authorize);

  // --- token

  router.post('/oauth2/token/', form, async (req, res) => {
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    if (!isForm(req)) {
      oauthErrorJson(res, 400, 'invalid_request', 'The token request must be application/x-www-form-urlencoded.');
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const repeated = firstRepeated(body);
    if (repeated) {
      oauthErrorJson(res, 400, 'invalid_request', `Parameter ${repeated} is repeated.`);
      return;
    }
    const grantType = typeof body.grant_type === 'string' ? body.grant_type : '';
    if (grantType) {
      ctx.stats.tokenRequests[grantType] = (ctx.stats.tokenRequests[grantType] ?? 0) + 1;
    }
    if (grantType === 'authorization_code' && !body.code_verifier) {
      // RFC 7636 §4.6 / the contract: a public client must prove PKCE; say so plainly.
      const creds = clientCredentials(req);
      const row = !(creds instanceof HttpError) && creds.clientId ? ctx.store.client(creds.clientId) : undefined;
      if (row?.authMethod === 'none') {
        oauthErrorJson(res, 400, 'invalid_grant', 'A public client must send code_verifier (PKCE S256).');
        return;
      }
    }
    const response = new OAuth2Server.Response({ headers: {} });
    try {
      const token = await server.token(libRequest(req), response);
      const body = response.body as Record<string, unknown>;
      // The library floors the remaining milliseconds (3599 for a 3600 s token, and drops a 1 s
      // token's expires_in as 0); report the lifetime actually granted.
      body.expires_in = Math.max(1, Math.round((token.accessTokenExpiresAt!.getTime() - Date.now()) / 1000));
      res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache').status(200).json({
        access_token: body.access_token,
        token_type: body.token_type,
        expires_in: body.expires_in,
        refresh_token: body.refresh_token,
        scope: body.scope,
      });
    } catch (err) {
      const e = err as OAuth2Server.OAuthError;
      let name = e.name ?? 'server_error';
      let status = typeof e.code === 'number' ? e.code : 500;
      if (name === 'invalid_request' && /redirect_uri/.test(e.message)) {
        name = 'invalid_grant'; // RFC 6749 §5.2: a redirect_uri mismatch is invalid_grant
      }
      if (name === 'invalid_client') {
        status = 401;
      }
      if (status >= 500) {
        console.error('token endpoint:', err);
      }
      const basic = /^basic /i.test(req.headers.authorization ?? '');
      oauthErrorJson(
        res,
        status,
        name,
        e.message ?? 'Token request failed.',
        name === 'invalid_client' && basic ? { 'WWW-Authenticate': 'Basic realm="GitShare"' } : {},
      );
    }
  });

  // --- revocation (RFC 7009)

  router.post('/oauth2/revoke_token/', extra('revocation'), form, (req, res) => {
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    if (!isForm(req)) {
      oauthErrorJson(res, 400, 'invalid_request', 'The revocation request must be application/x-www-form-urlencoded.');
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const repeated = firstRepeated(body);
    if (repeated) {
      oauthErrorJson(res, 400, 'invalid_request', `Parameter ${repeated} is repeated.`);
      return;
    }
    const creds = clientCredentials(req);
    if (creds instanceof HttpError) {
      sendInvalidClient(res, true, creds.message);
      return;
    }
    const client = authenticateClient(ctx, creds);
    if (!client) {
      sendInvalidClient(res, creds.basic);
      return;
    }
    if (typeof body.token !== 'string' || !body.token) {
      oauthErrorJson(res, 400, 'invalid_request', 'Missing parameter: token.');
      return;
    }
    ctx.stats.revocations++;
    const token = body.token;
    const byRefresh = ctx.store.tokenByRefresh(token);
    if (byRefresh && byRefresh.clientId === client.clientId) {
      ctx.store.revokeGrant(byRefresh.grantId); // RFC 7009 §2.1: a refresh token takes its grant with it
    } else {
      const byAccess = ctx.store.tokenByAccess(token);
      if (byAccess && byAccess.clientId === client.clientId) {
        ctx.store.revokeAccess(byAccess.id);
      }
    }
    // 200 also for an unknown token or one of another client (RFC 7009 §2.2).
    res.status(200).end();
  });

  return router;
}

function registerClient(ctx: ServerContext, body: unknown): Record<string, unknown> | HttpError {
  const meta = (message: string): HttpError => new HttpError(400, 'invalid_client_metadata', message);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return meta('The registration request must be a JSON object.');
  }
  const b = body as Record<string, unknown>;
  if (b.client_name !== undefined && (typeof b.client_name !== 'string' || b.client_name.length > 200)) {
    return meta('client_name must be a string of at most 200 characters.');
  }
  const clientName =
    typeof b.client_name === 'string' && b.client_name.trim() ? b.client_name.trim() : 'Unnamed application';
  let redirectUris: string[] = [];
  if (b.redirect_uris !== undefined) {
    if (!Array.isArray(b.redirect_uris) || b.redirect_uris.length > 20) {
      return meta('redirect_uris must be an array of at most 20 strings.');
    }
    for (const uri of b.redirect_uris as unknown[]) {
      if (typeof uri !== 'string') {
        return new HttpError(400, 'invalid_redirect_uri', 'Every redirect URI must be a string.');
      }
      const problem = redirectUriProblem(uri);
      if (problem) {
        return new HttpError(400, 'invalid_redirect_uri', `The redirect URI ${uri} ${problem}.`);
      }
    }
    redirectUris = [...new Set(b.redirect_uris as string[])];
  }
  const authMethod = b.token_endpoint_auth_method ?? 'client_secret_basic';
  if (!AUTH_METHODS.includes(authMethod as TokenEndpointAuthMethod)) {
    return meta(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}.`);
  }
  let grantTypes = [...GRANT_TYPES];
  if (b.grant_types !== undefined) {
    if (
      !Array.isArray(b.grant_types) ||
      b.grant_types.length === 0 ||
      !b.grant_types.every((g) => typeof g === 'string' && GRANT_TYPES.includes(g))
    ) {
      return meta(`grant_types must be a non-empty subset of ${GRANT_TYPES.join(', ')}.`);
    }
    grantTypes = [...new Set(b.grant_types as string[])];
    if (!grantTypes.includes('authorization_code')) {
      return meta('grant_types must include authorization_code.');
    }
  }
  if (
    b.response_types !== undefined &&
    (!Array.isArray(b.response_types) || b.response_types.some((r) => r !== 'code'))
  ) {
    return meta('response_types may only contain "code".');
  }
  let scope: string = SUPPORTED_SCOPES.join(' ');
  if (b.scope !== undefined) {
    const requested = typeof b.scope === 'string' ? parseScope(b.scope) : [];
    if (requested.length === 0 || !requested.every((s) => (SUPPORTED_SCOPES as readonly string[]).includes(s))) {
      return meta(`scope must be a space-separated subset of ${SUPPORTED_SCOPES.join(' ')}.`);
    }
    scope = requested.join(' ');
  }
  const client: ClientRow = {
    clientId: randomUUID(),
    clientName,
    redirectUris,
    grantTypes,
    scope,
    authMethod: authMethod as TokenEndpointAuthMethod,
    issuedAt: Math.floor(Date.now() / 1000),
  };
  const secret = client.authMethod === 'none' ? undefined : randomToken(32);
  const registrationToken = randomToken(32);
  ctx.store.insertClient(client, secret, registrationToken);
  return {
    client_id: client.clientId,
    ...(secret !== undefined
      ? { client_secret: secret, client_secret_expires_at: 0 }
      : { client_secret_expires_at: 0 }),
    client_id_issued_at: client.issuedAt,
    client_name: client.clientName,
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    response_types: ['code'],
    token_endpoint_auth_method: client.authMethod,
    scope: client.scope,
    registration_access_token: registrationToken,
    registration_client_uri: `${ctx.issuer}/oauth2/register/${client.clientId}`,
  };
}

// --- the authorization endpoint and its pages (flow documented in pages.ts)

type Destination = { readonly kind: 'callback'; readonly uri: string } | { readonly kind: 'page' };

function handleAuthorize(ctx: ServerContext, req: Request, res: Response): void {
  const query = req.query as Record<string, unknown>;
  const repeated = firstRepeated(query);
  if (repeated) {
    sendPage(res, 400, errorPage('Invalid request', `The parameter ${repeated} appears more than once.`));
    return;
  }
  const q = query as Record<string, string | undefined>;
  const client = q.client_id ? ctx.store.client(q.client_id) : undefined;
  if (!client) {
    sendPage(
      res,
      400,
      errorPage('Unknown application', 'This sign-in link names an application that is not registered with GitShare.'),
    );
    return;
  }

  // Where the answer goes; decided before anything else may be redirected (RFC 6749 §4.1.2.1).
  let destination: Destination;
  const codeRedirectUri: string | null = q.redirect_uri ?? null;
  const registered = client.redirectUris;
  if (q.redirect_uri === undefined) {
    if (registered.length === 0 || (registered.length === 1 && registered[0] === OOB_REDIRECT_URI)) {
      destination = { kind: 'page' };
    } else if (registered.length === 1) {
      destination = { kind: 'callback', uri: registered[0]! };
    } else {
      sendPage(
        res,
        400,
        errorPage(
          'Invalid request',
          'The application registered several redirect URIs but did not say which one to use.',
        ),
      );
      return;
    }
  } else if (
    q.redirect_uri === OOB_REDIRECT_URI &&
    (registered.length === 0 || registered.includes(OOB_REDIRECT_URI))
  ) {
    destination = { kind: 'page' };
  } else if (redirectUriMatches(q.redirect_uri, registered)) {
    destination = { kind: 'callback', uri: q.redirect_uri };
  } else {
    sendPage(
      res,
      400,
      errorPage(
        'Invalid redirect URI',
        'The application asked to return to an address it did not register. For your safety, sign-in stopped here.',
      ),
    );
    return;
  }

  const fail = (error: string, description: string): void => {
    if (destination.kind === 'callback') {
      res
        .status(302)
        .set(
          'Location',
          appendQuery(destination.uri, { error, error_description: description, state: q.state, iss: ctx.issuer }),
        )
        .set('Cache-Control', 'no-store')
        .end();
    } else {
      sendPage(res, 400, errorPage('Sign-in failed', `${description} (${error})`));
    }
  };

  if (q.response_type !== 'code') {
    fail('unsupported_response_type', 'response_type must be "code".');
    return;
  }
  if (q.code_challenge_method !== undefined && q.code_challenge_method !== 'S256') {
    fail('invalid_request', 'code_challenge_method must be S256 ("plain" is not accepted).');
    return;
  }
  if (q.code_challenge !== undefined && !CHALLENGE_PATTERN.test(q.code_challenge)) {
    fail('invalid_request', 'code_challenge must be 43 to 128 characters of [A-Za-z0-9._~-].');
    return;
  }
  if (q.code_challenge_method !== undefined && q.code_challenge === undefined) {
    fail('invalid_request', 'code_challenge_method without code_challenge.');
    return;
  }
  if (client.authMethod === 'none' && q.code_challenge === undefined) {
    fail('invalid_request', 'A public client must use PKCE (code_challenge with S256).');
    return;
  }
  const allowedScopes = parseScope(client.scope);
  const scopes = q.scope === undefined || q.scope.trim() === '' ? allowedScopes : [...new Set(parseScope(q.scope))];
  if (!scopes.every((s) => allowedScopes.includes(s))) {
    fail('invalid_scope', `Unknown scope; use ${allowedScopes.join(' ')}.`);
    return;
  }

  const action = req.originalUrl;
  if (req.method === 'GET') {
    const session = ctx.sessions.findOrCreate(req, res);
    const user = session.userId === undefined ? undefined : ctx.store.userById(session.userId);
    // OpenID Connect's `prompt=login`, which a client sends to add another account: the sign-in
    // page even when this browser is signed in, so a person can sign in as someone else.
    if (!user || parseScope(q.prompt).includes('login')) {
      sendPage(res, 200, signInPage(action, client.clientName, session.csrf));
      return;
    }
    sendPage(
      res,
      200,
      consentPage(action, client.clientName, user.username, scopes, destinationWords(destination), session.csrf),
    );
    return;
  }

  // POST: the sign-in form or the consent form.
  const body = (req.body ?? {}) as Record<string, unknown>;
  const session = ctx.sessions.find(req);
  if (!session || !ctx.sessions.csrfMatches(session, body.csrf) || firstRepeated(body)) {
    sendPage(
      res,
      403,
      errorPage(
        'Form expired',
        'This form expired or did not come from GitShare. Go back to the application and start signing in again.',
      ),
    );
    return;
  }
  if (body.decision === undefined) {
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const user = username && password ? ctx.store.checkPassword(username, password) : undefined;
    if (!user) {
      sendPage(res, 401, signInPage(action, client.clientName, session.csrf, 'Wrong username or password.'));
      return;
    }
    const signedIn = ctx.sessions.create(res, user.id, session);
    sendPage(
      res,
      200,
      consentPage(action, client.clientName, user.username, scopes, destinationWords(destination), signedIn.csrf),
    );
    return;
  }
  const user = session.userId === undefined ? undefined : ctx.store.userById(session.userId);
  if (!user) {
    sendPage(res, 401, signInPage(action, client.clientName, session.csrf, 'Sign in first.'));
    return;
  }
  if (body.decision === 'deny') {
    if (destination.kind === 'callback') {
      res
        .status(302)
        .set('Location', appendQuery(destination.uri, { error: 'access_denied', state: q.state, iss: ctx.issuer }))
        .set('Cache-Control', 'no-store')
        .end();
    } else {
      sendPage(res, 200, deniedPage(client.clientName));
    }
    return;
  }
  if (body.decision !== 'allow') {
    sendPage(res, 400, errorPage('Invalid request', 'Choose Allow or Deny.'));
    return;
  }
  const code = randomToken(32);
  ctx.store.insertCode(code, {
    clientId: client.clientId,
    userId: user.id,
    redirectUri: codeRedirectUri,
    scope: scopes.join(' '),
    challenge: q.code_challenge ?? null,
    challengeMethod: q.code_challenge === undefined ? null : 'S256',
    expiresAt: Date.now() + CODE_LIFETIME_SECONDS * 1000,
    grantId: randomToken(16),
  });
  if (destination.kind === 'callback') {
    res
      .status(302)
      .set('Location', appendQuery(destination.uri, { code, state: q.state, iss: ctx.issuer }))
      .set('Cache-Control', 'no-store')
      .end();
  } else {
    sendPage(res, 200, codePage(client.clientName, code));
  }
}

function destinationWords(destination: Destination): string {
  if (destination.kind === 'page') {
    return 'After you allow, this page shows a code to copy into the application.';
  }
  let where = destination.uri;
  try {
    const url = new URL(destination.uri);
    where = url.host ? `${url.protocol}//${url.host}` : `${url.protocol}`;
  } catch {
    // keep the raw URI
  }
  return `After you choose, you will return to ${where}.`;
}
