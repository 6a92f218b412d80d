import type { Request, Response } from 'express';
import { CODE_LIFETIME_SECONDS, type ServerContext } from './context';
import { firstRepeated, parseScope } from './oauthParams';
import { codePage, consentPage, deniedPage, errorPage, sendPage, signInPage } from './pages';
import { OOB_REDIRECT_URI, appendQuery, redirectUriMatches } from './redirectUris';
import { randomToken } from './store';

/**
 * The authorization endpoint and its pages (the flow is documented at the top of pages.ts):
 * which redirect URI the answer goes to, the parameter checks, sign-in, consent, and the code.
 */

const CHALLENGE_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

type Destination = { readonly kind: 'callback'; readonly uri: string } | { readonly kind: 'page' };

export function handleAuthorize(ctx: ServerContext, req: Request, res: Response): void {
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
