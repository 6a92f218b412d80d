import OAuth2Server from '@node-oauth/oauth2-server';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { handleAuthorize } from './authorize';
import { authenticateClient, clientCredentials, sendInvalidClient } from './clientAuth';
import { ALL_EXTRAS, SUPPORTED_SCOPES, type ServerContext, type ServerExtras } from './context';
import { HttpError, oauthErrorJson } from './errors';
import { firstRepeated } from './oauthParams';
import { AUTH_METHODS, GRANT_TYPES, registerClient } from './registration';

/**
 * The OAuth 2.0 routes. `@node-oauth/oauth2-server` runs the token grants (code exchange with
 * PKCE, refresh rotation) and bearer authentication through the model (oauthModel.ts, which also
 * detects replays); the rest is the server's: discovery (RFC 8414) and revocation (RFC 7009) here,
 * registration (RFC 7591) in registration.ts, the authorization endpoint and its pages in
 * authorize.ts, redirect URI rules in redirectUris.ts, HTTP Basic or body client credentials in
 * clientAuth.ts.
 */

function libRequest(req: Request): OAuth2Server.Request {
  return new OAuth2Server.Request({
    headers: req.headers as Record<string, string>,
    method: req.method,
    query: req.query as Record<string, string>,
    body: (req.body ?? {}) as Record<string, unknown>,
  });
}

const isForm = (req: Request): boolean =>
  req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';

/**
 * The parameters of a token or revocation request (never cached), or undefined once the
 * `invalid_request` answer is sent: the body must be a form, and no parameter may repeat.
 */
function formParameters(req: Request, res: Response, what: string): Record<string, unknown> | undefined {
  res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
  if (!isForm(req)) {
    oauthErrorJson(res, 400, 'invalid_request', `The ${what} request must be application/x-www-form-urlencoded.`);
    return undefined;
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  const repeated = firstRepeated(body);
  if (repeated) {
    oauthErrorJson(res, 400, 'invalid_request', `Parameter ${repeated} is repeated.`);
    return undefined;
  }
  return body;
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
    const body = formParameters(req, res, 'token');
    if (!body) {
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
    const body = formParameters(req, res, 'revocation');
    if (!body) {
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
