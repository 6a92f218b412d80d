/**
 * Signing in to the GitShare that its own page documents: no discovery, no
 * registration, no revocation (the local server's `--seed-only`), an
 * application registered by hand with or without a callback URL; token answers
 * as the page shows them. All through the extension's own network stack
 * (node-fetch answers turned into WHATWG Responses).
 */
import assert from 'node:assert/strict';
import { GitShareError } from '../../../src/common/errors';
import { RegistrationRefusedError } from '../../../src/oauth/clientRegistration';
import { ClientRejectedError } from '../../../src/oauth/oauthAnswers';
import { OOB_REDIRECT_URI } from '../../../src/oauth/oauthClient';
import { authorizeAsUser, authorizeAsUserDetailed, RunningServer, SEED_ONLY } from '../../server/index';
import { Store } from '../../server/store';
import {
  AuthStack,
  callbackPathOf,
  codeServerRedirectUri,
  startTestServer,
  tokenRequestCount,
  useAuthServer,
} from '../helpers/authStack';

const NO_CALLBACK = { clientId: 'by-hand', clientSecret: 'by-hand-secret-0123456789' };
/** Registered by hand for this server's own callback path (mix-up defence), once the server's address is known. */
let CALLBACK = '';
let WITH_CALLBACK = {
  clientId: 'by-hand-callback',
  clientSecret: 'by-hand-callback-secret-0123',
  callbackUrl: CALLBACK,
};

describe('sessions: the GitShare its page documents (--seed-only, a client registered by hand)', () => {
  const { server, stack } = useAuthServer({ extras: SEED_ONLY, clients: [NO_CALLBACK] });

  before(() => {
    CALLBACK = `vscode://gitshare.gitshare-vscode${callbackPathOf(server.url)}`;
    WITH_CALLBACK = { ...WITH_CALLBACK, callbackUrl: CALLBACK };
    // What the administrator does in GitShare's admin page, with the redirect URI the GitShare log shows.
    const admin = new Store(server.dataDir);
    admin.upsertHandRegisteredClient(WITH_CALLBACK);
    admin.close();
  });

  /** Plays the person: the browser shows the code, the person pastes it. */
  function pasteTheCodeShown(username = 'demo') {
    let shown: string | undefined;
    return {
      openBrowser: async (url: string) => {
        const page = await authorizeAsUserDetailed(url, { username, password: username, decision: 'allow' });
        assert.equal(page.kind, 'code', 'the page shows the code');
        shown = page.kind === 'code' ? page.code : undefined;
      },
      promptForCode: async () => shown,
    };
  }

  it('discovery 404: the documented authorize and token paths', async () => {
    const as = await stack.oauth.discover(server.url);
    assert.equal(as.authorization_endpoint, `${server.url}/oauth2/authorize/`);
    assert.equal(as.token_endpoint, `${server.url}/oauth2/token/`);
    assert.ok(stack.sink.lines.some((line) => /No RFC 8414 metadata/.test(line)));
  });

  it('registration 404 is a RegistrationRefusedError ("unavailable") that says to register by hand, not a crash', async () => {
    const as = await stack.oauth.discover(server.url);
    await assert.rejects(
      stack.oauth.register(as, [codeServerRedirectUri(1, server.url)]),
      (e: unknown) => e instanceof RegistrationRefusedError && e.reason === 'unavailable' && /by hand/.test(e.message),
    );
  });

  it('a sign-in that would register itself ends with that error, before any browser opens', async () => {
    let opened = false;
    await assert.rejects(
      stack.flow.signIn({
        serverUrl: server.url,
        scopes: ['files:read', 'files:write'],
        redirectUri: codeServerRedirectUri(1, server.url),
        openBrowser: async () => {
          opened = true;
        },
      }),
      RegistrationRefusedError,
    );
    assert.equal(opened, false);
  });

  it('a client without a callback URL: no redirect_uri at authorize or token, the pasted code signs in, files list, sign-out needs no revocation', async () => {
    let authorizeUrl = '';
    const person = pasteTheCodeShown();
    const session = await stack.flow.signIn({
      serverUrl: server.url,
      scopes: ['files:read', 'files:write'],
      redirectUri: undefined,
      client: NO_CALLBACK,
      openBrowser: async (url) => {
        authorizeUrl = url;
        await person.openBrowser(url);
      },
      promptForCode: person.promptForCode,
    });
    assert.equal(session.user.username, 'demo');
    assert.equal(new URL(authorizeUrl).pathname, '/oauth2/authorize/');
    assert.equal(new URL(authorizeUrl).searchParams.has('redirect_uri'), false);
    const [token] = stack.http.tokenRequests();
    assert.deepEqual([...token!.keys()].sort(), ['client_id', 'client_secret', 'code', 'code_verifier', 'grant_type']);
    assert.equal(tokenRequestCount(server, 'authorization_code'), 1);

    const listing = await fetch(`${server.url}/api/v1/folders/`, {
      headers: { authorization: `Bearer ${await stack.sessions.getAccessToken(session.id)}` },
    });
    assert.equal(listing.status, 200);

    await stack.sessions.signOut(session.id);
    assert.deepEqual(await stack.store.readSessions(), []);
    assert.ok(
      stack.sink.lines.some((line) => /^info .*cannot revoke tokens \(no revocation endpoint\)/.test(line)),
      stack.sink.lines.join('\n'),
    );
    assert.ok(!stack.sink.lines.some((line) => /^(warn|error)/.test(line)), 'nothing went wrong');
  });

  it('the oob value works too when sent to both endpoints', async () => {
    const person = pasteTheCodeShown();
    await stack.flow.signIn({
      serverUrl: server.url,
      scopes: ['files:read'],
      redirectUri: OOB_REDIRECT_URI,
      client: NO_CALLBACK,
      ...person,
    });
    assert.equal(stack.http.tokenRequests()[0]!.get('redirect_uri'), OOB_REDIRECT_URI);
  });

  it('a client with a callback URL: that exact URL at authorize and token; the callback signs in', async () => {
    const session = await stack.flow.signIn({
      serverUrl: server.url,
      scopes: ['files:read', 'files:write'],
      redirectUri: CALLBACK,
      client: WITH_CALLBACK,
      openBrowser: async (url) => {
        assert.equal(new URL(url).searchParams.get('redirect_uri'), CALLBACK);
        const location = await authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' });
        assert.ok(location.startsWith(`${CALLBACK}?code=`));
        const back = new URL(location);
        assert.ok(stack.pending.handleCallback(back.searchParams, back.pathname));
      },
    });
    assert.equal(session.user.username, 'demo');
    assert.equal(stack.http.tokenRequests()[0]!.get('redirect_uri'), CALLBACK);
  });

  it('a mistyped secret (401 invalid_client) says exactly that; no JavaScript error text', async () => {
    const person = pasteTheCodeShown();
    const error = await stack.flow
      .signIn({
        serverUrl: server.url,
        scopes: ['files:read'],
        redirectUri: undefined,
        client: { ...NO_CALLBACK, clientSecret: 'mistyped-secret-000' },
        ...person,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof ClientRejectedError, String(error));
    assert.equal(
      error.message,
      'GitShare did not accept the client id or secret. Check them on GitShare and enter them again.',
    );
    assert.ok(!stack.sink.lines.some((line) => /is not a function|TypeError/.test(line)), stack.sink.lines.join('\n'));
  });

  it('a mistyped code is invalid_grant: "sign in again", nothing stored', async () => {
    await assert.rejects(
      stack.flow.signIn({
        serverUrl: server.url,
        scopes: ['files:read'],
        redirectUri: undefined,
        client: NO_CALLBACK,
        openBrowser: async () => undefined,
        promptForCode: async () => 'not-the-code-0000',
      }),
      (e: unknown) => e instanceof GitShareError && e.kind === 'signInRequired' && /sign in again/.test(e.message),
    );
    assert.deepEqual(await stack.store.readSessions(), []);
  });

  it('/api/v1/user refusing the new token is a GitShareError (not a TypeError), and the tokens are let go', async () => {
    const person = pasteTheCodeShown();
    stack.http.intercept = (url) =>
      url.endsWith('/api/v1/user')
        ? Promise.resolve(new Response('{"error":"invalid_token"}', { status: 401 }))
        : undefined;
    await assert.rejects(
      stack.flow.signIn({
        serverUrl: server.url,
        scopes: ['files:read'],
        redirectUri: undefined,
        client: NO_CALLBACK,
        ...person,
      }),
      (e: unknown) =>
        e instanceof GitShareError &&
        e.kind === 'signInRequired' &&
        e.message === 'GitShare did not return your account details. Try signing in again.',
    );
  });
});

describe('sessions: discovery that leaves endpoints out', () => {
  const { server, stack } = useAuthServer({ extras: { registration: false, revocation: false } });

  it('no registration_endpoint: RegistrationRefusedError without a request; no revocation_endpoint: "unsupported" without a request', async () => {
    const as = await stack.oauth.discover(server.url);
    assert.equal(as.registration_endpoint, undefined);
    await assert.rejects(
      stack.oauth.register(as, [codeServerRedirectUri(1, server.url)]),
      (e: unknown) => e instanceof RegistrationRefusedError && e.reason === 'unavailable',
    );
    assert.equal(await stack.oauth.revoke(as, { clientId: 'x', clientSecret: 'y' }, 'some-token-value'), 'unsupported');
    assert.deepEqual(
      stack.http.requests.map((r) => new URL(r.url).pathname),
      ['/.well-known/oauth-authorization-server'],
    );
  });

  it('metadata without authorization_endpoint and token_endpoint: the documented paths', async () => {
    stack.http.intercept = (url) =>
      url.includes('/.well-known/') ? Promise.resolve(Response.json({ issuer: server.url })) : undefined;
    const as = await stack.oauth.discover(server.url);
    assert.equal(as.authorization_endpoint, `${server.url}/oauth2/authorize/`);
    assert.equal(as.token_endpoint, `${server.url}/oauth2/token/`);
    assert.equal(as.registration_endpoint, undefined);
  });

  it('a page that is not metadata (200 HTML) is treated as no metadata', async () => {
    stack.http.intercept = (url) =>
      url.includes('/.well-known/')
        ? Promise.resolve(new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } }))
        : undefined;
    const as = await stack.oauth.discover(server.url);
    assert.equal(as.token_endpoint, `${server.url}/oauth2/token/`);
  });

  it('discovery 5xx is "not working right now", not a fallback', async () => {
    stack.http.intercept = (url) =>
      url.includes('/.well-known/') ? Promise.resolve(new Response('oops', { status: 502 })) : undefined;
    await assert.rejects(
      stack.oauth.discover(server.url),
      (e: unknown) => e instanceof GitShareError && e.kind === 'server' && /Try again later/.test(e.message),
    );
  });
});

describe("sessions: token answers as GitShare's page shows them", () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ tokenTtlSeconds: 3600 });
  });
  after(async () => {
    await server.close();
  });

  /** Signs in while the token endpoint's answer is rewritten by `edit`. */
  async function signInWithAnswer(stack: AuthStack, edit: (body: Record<string, unknown>) => Record<string, unknown>) {
    stack.http.intercept = (url, init) => {
      if (!url.endsWith('/oauth2/token/') || !String(init.body).includes('authorization_code')) {
        return undefined;
      }
      return (async () => {
        const real = await fetch(url, { method: init.method, headers: init.headers, body: init.body as string });
        return Response.json(edit((await real.json()) as Record<string, unknown>), { status: real.status });
      })();
    };
    try {
      return await stack.signIn(server);
    } finally {
      stack.http.intercept = undefined;
    }
  }

  it('without scope: the session has the scopes asked for', async () => {
    const stack = new AuthStack();
    try {
      const session = await signInWithAnswer(stack, ({ scope: _scope, ...rest }) => rest);
      assert.deepEqual(session.scopes, ['files:read', 'files:write']);
    } finally {
      stack.dispose();
    }
  });

  it('without expires_in: no expiry, no refresh until the server says 401', async () => {
    const stack = new AuthStack();
    try {
      const session = await signInWithAnswer(stack, ({ expires_in: _e, ...rest }) => rest);
      assert.equal(session.expiresAt, undefined);
      assert.equal(await stack.sessions.getAccessToken(session.id), session.accessToken);
      assert.equal(stack.http.tokenRequests().filter((t) => t.get('grant_type') === 'refresh_token').length, 0);
    } finally {
      stack.dispose();
    }
  });

  it('token_type "BEARER" and "bearer" are the same', async () => {
    for (const tokenType of ['BEARER', 'bearer', 'Bearer']) {
      const stack = new AuthStack();
      try {
        const session = await signInWithAnswer(stack, (body) => ({ ...body, token_type: tokenType }));
        assert.equal(session.user.username, 'demo');
      } finally {
        stack.dispose();
      }
    }
  });

  it('without refresh_token: the token is used to its end (no early refresh), then one "session ended", no refresh request', async () => {
    let now = Date.now();
    const stack = new AuthStack({ sessions: { now: () => now } });
    try {
      const session = await signInWithAnswer(stack, ({ refresh_token: _r, ...rest }) => rest);
      assert.equal(session.refreshToken, undefined);
      const lost: string[] = [];
      stack.sessions.onDidLoseSession((s) => lost.push(s.id));
      now = session.expiresAt! - 10_000; // inside the usual refresh margin
      assert.equal(await stack.sessions.getAccessToken(session.id), session.accessToken);
      now = session.expiresAt! + 1;
      await assert.rejects(
        Promise.all([stack.sessions.getAccessToken(session.id), stack.sessions.getAccessToken(session.id)]),
        (e: unknown) => e instanceof GitShareError && e.kind === 'signInRequired',
      );
      await assert.rejects(
        stack.sessions.getAccessToken(session.id),
        (e: unknown) => e instanceof GitShareError && e.kind === 'signInRequired',
      );
      assert.deepEqual(lost, [session.id], 'one "sign in again"');
      assert.equal(stack.http.tokenRequests().filter((t) => t.get('grant_type') === 'refresh_token').length, 0);
      assert.deepEqual(await stack.store.readSessions(), []);
    } finally {
      stack.dispose();
    }
  });
});
