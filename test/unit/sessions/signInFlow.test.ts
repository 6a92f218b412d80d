import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { CancelledError, GitShareError } from '../../../src/common/errors';
import { OOB_REDIRECT_URI } from '../../../src/oauth/oauthClient';
import { authorizeAsUser } from '../../server/index';
import {
  callbackOf,
  callbackPathOf,
  codeServerRedirectUri,
  startTestServer,
  tokenRequestCount,
  useAuthServer,
} from '../helpers/authStack';
import { pause } from '../../support/wait';

describe('sessions: sign-in flow against the local server', () => {
  const { server, stack } = useAuthServer();

  /** A sign-in for files:read, sent back through a code-server shaped redirect URI; `openBrowser` plays the browser. */
  const signInReadOnly = (openBrowser: (url: string) => Promise<void>) =>
    stack.flow.signIn({
      serverUrl: server.url,
      scopes: ['files:read'],
      redirectUri: codeServerRedirectUri(1, server.url),
      openBrowser,
    });

  /** The person signs in as demo and answers `decision`; the browser lands on the callback. */
  const answering = (decision: 'allow' | 'deny') => async (url: string) => {
    const location = await authorizeAsUser(url, { username: 'demo', password: 'demo', decision });
    stack.pending.handleCallback(new URL(location).searchParams, callbackPathOf(server.url));
  };

  it('signs in with code + PKCE and stores the session with an absolute expiry', async () => {
    const before = Date.now();
    const session = await stack.signIn(server);
    assert.equal(session.user.username, 'demo');
    assert.equal(session.serverUrl, server.url);
    assert.deepEqual(session.scopes, ['files:read', 'files:write']);
    assert.ok(session.refreshToken);
    assert.ok(session.expiresAt! >= before + 3500_000 && session.expiresAt! <= Date.now() + 3600_000);
    assert.ok(isDeepStrictEqual(await stack.store.readSessions(), [session]), 'the session is stored');
    assert.equal(stack.sessions.accounts.length, 1);
    assert.equal(stack.sessions.accounts[0]!.authority, `demo@${new URL(server.url).host}`);
    assert.equal(tokenRequestCount(server, 'authorization_code'), 1);
  });

  it('sends the documented token request, with the byte-exact redirect URI registered and authorized', async () => {
    const redirectUri = codeServerRedirectUri(7, server.url);
    await stack.signIn(server, redirectUri);
    const registration = stack.http.requests.find((r) => r.method === 'POST' && r.url.endsWith('/oauth2/register/'))!;
    assert.deepEqual(JSON.parse(registration.body!).redirect_uris, [redirectUri, OOB_REDIRECT_URI]);
    const [token] = stack.http.tokenRequests();
    assert.deepEqual([...token!.keys()].sort(), [
      'client_id',
      'client_secret',
      'code',
      'code_verifier',
      'grant_type',
      'redirect_uri',
    ]);
    assert.equal(token!.get('grant_type'), 'authorization_code');
    assert.equal(token!.get('redirect_uri'), redirectUri);
    assert.match(token!.get('code_verifier')!, /^[A-Za-z0-9_-]{43,128}$/);
    const request = stack.http.requests.find((r) => r.url.endsWith('/oauth2/token/'))!;
    assert.match(request.headers['content-type']!, /^application\/x-www-form-urlencoded/);
    assert.equal(request.headers.authorization, undefined, 'client credentials go in the body, as documented');
  });

  it('puts a fresh 128-bit-plus state and an S256 challenge in every authorize URL', async () => {
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      await signInReadOnly(async (url) => {
        urls.push(url);
        await answering('allow')(url);
      });
    }
    const [a, b] = urls.map((u) => new URL(u).searchParams);
    for (const q of [a!, b!]) {
      assert.equal(q.get('response_type'), 'code');
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.ok(Buffer.from(q.get('state')!, 'base64url').length >= 16);
      assert.equal(q.get('redirect_uri'), codeServerRedirectUri(1, server.url));
      assert.equal(q.get('scope'), 'files:read');
    }
    assert.notEqual(a!.get('state'), b!.get('state'));
    assert.notEqual(a!.get('code_challenge'), b!.get('code_challenge'));
  });

  it('ignores forged, missing and reused state, making no token request', async () => {
    const { callback: real, signIn } = await stack.signInHeldAtCallback(server);
    const forged = new URLSearchParams(real);
    forged.set('state', 'forged-state-0123456789abcdef');
    const missing = new URLSearchParams(real);
    missing.delete('state');
    assert.equal(stack.pending.handleCallback(forged, callbackPathOf(server.url)), false);
    assert.equal(stack.pending.handleCallback(missing, callbackPathOf(server.url)), false);
    // No request is the finding: a wrongly started exchange gets 50 ms to reach the server.
    await pause(50);
    assert.equal(tokenRequestCount(server, 'authorization_code'), 0);

    assert.equal(stack.pending.handleCallback(real, callbackPathOf(server.url)), true);
    await signIn;
    assert.equal(stack.pending.handleCallback(real, callbackPathOf(server.url)), false, 'a state works once');
    await pause(50);
    assert.equal(tokenRequestCount(server, 'authorization_code'), 1);
    assert.ok(stack.sink.lines.some((l) => l.includes('already used state')));
  });

  it('ends with "Sign-in was cancelled on GitShare" when the person denies, storing nothing', async () => {
    await assert.rejects(
      signInReadOnly(answering('deny')),
      (error: unknown) => error instanceof CancelledError && error.message === 'Sign-in was cancelled on GitShare.',
    );
    assert.equal(tokenRequestCount(server, 'authorization_code'), 0);
    assert.deepEqual(await stack.store.readSessions(), []);
  });

  it('on invalid_grant stores nothing and never sends the code twice', async () => {
    await assert.rejects(
      signInReadOnly(async (url) => {
        const mine = new URL(await authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' }))
          .searchParams;
        // A code issued for another PKCE challenge arrives under this attempt's state: the verifier does not match.
        const other = new URL(url);
        other.searchParams.set('state', 'another-attempt-0123456789');
        other.searchParams.set('code_challenge', 'A'.repeat(43));
        const foreign = new URL(
          await authorizeAsUser(other.href, { username: 'demo', password: 'demo', decision: 'allow' }),
        ).searchParams;
        mine.set('code', foreign.get('code')!);
        stack.pending.handleCallback(mine, callbackPathOf(server.url));
      }),
      (error: unknown) => error instanceof GitShareError && error.code === 'invalid_grant',
    );
    assert.equal(stack.http.tokenRequests().length, 1, 'the extension sent the code once');
    assert.equal(tokenRequestCount(server, 'authorization_code'), 1);
    assert.deepEqual(await stack.store.readSessions(), []);
    assert.equal(stack.sessions.accounts.length, 0);
  });

  it('signs in with the no-callback mode on its own (the person pastes the code)', async () => {
    let shown = '';
    const asked: string[] = [];
    const session = await stack.flow.signIn({
      serverUrl: server.url,
      scopes: ['files:read', 'files:write'],
      redirectUri: OOB_REDIRECT_URI,
      openBrowser: async (url) => {
        assert.equal(new URL(url).searchParams.get('redirect_uri'), OOB_REDIRECT_URI);
        shown = await authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' });
      },
      promptForCode: async (host) => {
        asked.push(host);
        return `  ${shown}\n`;
      },
    });
    assert.deepEqual(asked, [new URL(server.url).host], 'the prompt names the server the code is for');
    assert.equal(session.user.username, 'demo');
    const [token] = stack.http.tokenRequests();
    assert.equal(token!.get('redirect_uri'), OOB_REDIRECT_URI);
  });

  it('mix-up: a code the honest server issued, coming back on its path to a sign-in started at another server, is never sent there', async () => {
    // Signed in to the honest server once: the extension's client is registered there.
    await stack.signIn(server);
    const honestClient = (await stack.store.readClients(server.url))[0]!;
    const hostile = await startTestServer();
    try {
      // The hostile server does not promise `iss` (RFC 9207), so only the callback path can tell.
      const metadata = (await (await fetch(`${hostile.url}/.well-known/oauth-authorization-server`)).json()) as Record<
        string,
        unknown
      >;
      delete metadata.authorization_response_iss_parameter_supported;
      stack.http.intercept = (url) =>
        url === `${hostile.url}/.well-known/oauth-authorization-server`
          ? Promise.resolve(Response.json(metadata))
          : undefined;
      let delivered: boolean | undefined;
      const attempt = stack.flow.signIn({
        serverUrl: hostile.url,
        scopes: ['files:read'],
        redirectUri: codeServerRedirectUri(1, hostile.url),
        openBrowser: async (url) => {
          // The hostile server sends the person to the honest consent page with its own state and challenge.
          const mixed = new URL(url);
          const honest = new URL(`${server.url}/oauth2/authorize/`);
          honest.search = mixed.search;
          honest.searchParams.set('client_id', honestClient.clientId);
          honest.searchParams.set('redirect_uri', codeServerRedirectUri(1, server.url));
          const location = await authorizeAsUser(honest.href, {
            username: 'demo',
            password: 'demo',
            decision: 'allow',
          });
          const { query, path } = callbackOf(location);
          query.delete('iss');
          assert.ok(query.get('code'), 'the honest server issued a code');
          delivered = stack.pending.handleCallback(query, path);
        },
      });
      await assert.rejects(
        attempt,
        (e: unknown) =>
          e instanceof GitShareError && e.kind === 'protocol' && /different GitShare server/.test(e.message),
      );
      assert.equal(delivered, false);
      assert.equal(
        tokenRequestCount(hostile, 'authorization_code'),
        0,
        'the honest code never reached the hostile server',
      );
      assert.equal(
        stack.http.requests.filter((r) => r.url.startsWith(hostile.url) && r.url.endsWith('/oauth2/token/')).length,
        0,
      );
      assert.equal(stack.sessions.accounts.length, 1, 'only the honest session');
    } finally {
      await hostile.close();
    }
  });

  it('a dismissed code prompt cancels without a token request', async () => {
    await assert.rejects(
      stack.flow.signIn({
        serverUrl: server.url,
        scopes: ['files:read'],
        redirectUri: OOB_REDIRECT_URI,
        openBrowser: async () => undefined,
        promptForCode: async () => undefined,
      }),
      CancelledError,
    );
    assert.equal(stack.http.tokenRequests().length, 0);
  });

  it('times out a sign-in nobody completes, and its state stops working', async () => {
    let state = '';
    await assert.rejects(
      stack.flow.signIn({
        serverUrl: server.url,
        scopes: ['files:read'],
        redirectUri: codeServerRedirectUri(1, server.url),
        timeoutMs: 100,
        openBrowser: async (url) => {
          state = new URL(url).searchParams.get('state')!;
        },
      }),
      (error: unknown) =>
        error instanceof GitShareError && error.kind === 'timeout' && /within 1 second,/.test(error.message),
    );
    assert.equal(
      stack.pending.handleCallback(new URLSearchParams({ code: 'whatever-code', state }), callbackPathOf(server.url)),
      false,
    );
    assert.equal(stack.http.tokenRequests().length, 0);
  });

  it('cancelling stops the wait', async () => {
    const controller = new AbortController();
    const signIn = stack.flow.signIn({
      serverUrl: server.url,
      scopes: ['files:read'],
      redirectUri: codeServerRedirectUri(1, server.url),
      signal: controller.signal,
      openBrowser: async () => {
        setTimeout(() => controller.abort(), 10);
      },
    });
    await assert.rejects(signIn, CancelledError);
    assert.equal(stack.pending.size, 0);
  });

  it('reuses a registration for the same redirect URI and deletes unused ones', async () => {
    await stack.signIn(server, codeServerRedirectUri(1, server.url));
    await stack.signIn(server, codeServerRedirectUri(1, server.url));
    assert.equal(stack.http.requests.filter((r) => r.url.endsWith('/oauth2/register/')).length, 1);
    // A new redirect URI (code-server counts reqid up): a new client; the sign-in
    // replaced the session, so the first client is unused and deleted at the server.
    await stack.signIn(server, codeServerRedirectUri(2, server.url));
    const clients = await stack.store.readClients(server.url);
    assert.equal(clients.length, 1);
    assert.ok(clients[0]!.redirectUris.includes(codeServerRedirectUri(2, server.url)));
    assert.equal(stack.http.requests.filter((r) => r.method === 'DELETE').length, 1);
    assert.equal(stack.sessions.accounts.length, 1, 'the same user on the same server is one account');
  });
});
