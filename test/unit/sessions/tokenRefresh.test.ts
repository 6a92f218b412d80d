import assert from 'node:assert/strict';
import { GitShareError } from '../../../src/common/errors';
import { StoredSession } from '../../../src/sessions/tokenStore';
import {
  MemorySecretStorage,
  assertDifferentSecret,
  assertSameSecret,
  callApi,
  clock,
  tokenRequestCount,
  useAuthWindows,
} from '../helpers/authStack';
import { eventually } from '../../support/wait';

describe('sessions: token refresh against the local server', () => {
  const { server, newStack } = useAuthWindows();

  /**
   * Two windows on one secret storage and one clock: A has signed in, B has read the storage.
   * `oauthTimeoutMs` is both windows'; `leaseRenewMs` is A's.
   */
  async function twoWindows(options: { oauthTimeoutMs?: number; leaseRenewMs?: number } = {}) {
    const time = clock();
    const secrets = new MemorySecretStorage();
    const timeout = options.oauthTimeoutMs === undefined ? {} : { oauthTimeoutMs: options.oauthTimeoutMs };
    const renew = options.leaseRenewMs === undefined ? {} : { leaseRenewMs: options.leaseRenewMs };
    const windowA = newStack({ secrets, ...timeout, sessions: { now: time.now, ...renew } });
    const windowB = newStack({ secrets, ...timeout, sessions: { now: time.now } });
    const session = await windowA.signIn(server);
    await windowB.sessions.initialize();
    return { time, windowA, windowB, session };
  }

  it('hands out the stored token while it is fresh, without a refresh', async () => {
    const stack = newStack();
    const session = await stack.signIn(server);
    const account = stack.sessions.accounts[0]!;
    assertSameSecret(await account.tokens.getAccessToken(), session.accessToken, 'the stored token');
    assert.equal(tokenRequestCount(server, 'refresh_token'), 0);
  });

  it('50 concurrent callers after expiry cause exactly one refresh; the rotated refresh token is saved first', async () => {
    const time = clock();
    const stack = newStack({ sessions: { now: time.now } });
    const session = await stack.signIn(server);
    time.later(3600_000);
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => stack.sessions.accounts[0]!.tokens.getAccessToken()),
    );
    assert.equal(tokenRequestCount(server, 'refresh_token'), 1);
    assert.equal(new Set(tokens).size, 1);
    assertDifferentSecret(tokens[0], session.accessToken, 'a new access token');
    const stored = (await stack.store.readSession(session.id))!;
    assertSameSecret(stored.accessToken, tokens[0], 'the new access token is stored');
    assertDifferentSecret(stored.refreshToken, session.refreshToken, 'the refresh token rotated');
    assert.ok(stored.expiresAt! > time.now());
    assert.equal(await callApi(server, tokens[0]!), 200);
  });

  it('refreshes once after a 401 shared by every caller, then replays with the new token', async () => {
    const stack = newStack();
    const session = await stack.signIn(server);
    server.control!.expireAccessTokens();
    assert.equal(await callApi(server, session.accessToken), 401);
    const account = stack.sessions.accounts[0]!;
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => account.tokens.refreshAfterUnauthorized(session.accessToken)),
    );
    assert.equal(new Set(tokens).size, 1);
    assert.equal(tokenRequestCount(server, 'refresh_token'), 1);
    assert.equal(await callApi(server, tokens[0]!), 200);
    // A late caller with the old token gets the new one without another refresh.
    assertSameSecret(
      await account.tokens.refreshAfterUnauthorized(session.accessToken),
      tokens[0],
      'the late caller gets the new token',
    );
    assert.equal(tokenRequestCount(server, 'refresh_token'), 1);
  });

  it('refreshes when the server issues short-lived tokens (token TTL)', async () => {
    server.control!.setTokenTtl(1);
    try {
      const stack = newStack({ sessions: { refreshMarginMs: 0 } });
      const session = await stack.signIn(server);
      assert.ok(session.expiresAt! <= Date.now() + 1000);
      await eventually(() => Date.now() > session.expiresAt!, 'the access token to expire', 5_000, 10);
      const token = await stack.sessions.accounts[0]!.tokens.getAccessToken();
      assertDifferentSecret(token, session.accessToken, 'a new access token');
      assert.equal(tokenRequestCount(server, 'refresh_token'), 1);
    } finally {
      server.control!.setTokenTtl(3600);
    }
  });

  it('invalid_grant on refresh removes the session and asks once, even with many callers', async () => {
    const time = clock();
    const stack = newStack({ sessions: { now: time.now } });
    const session = await stack.signIn(server);
    const lost: StoredSession[] = [];
    stack.sessions.onDidLoseSession((s) => lost.push(s));
    // The grant ends at the server (e.g. revoked from another device).
    const as = await stack.authorizationServers.get(server.url);
    await stack.oauth.revoke(as, session.client, session.refreshToken!);
    time.later(3600_000);
    const account = stack.sessions.accounts[0]!;
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => account.tokens.getAccessToken()));
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      assert.ok(result.reason instanceof GitShareError && result.reason.kind === 'signInRequired');
    }
    assert.equal(tokenRequestCount(server, 'refresh_token'), 1);
    assert.equal(lost.length, 1);
    assert.equal(stack.sessions.accounts.length, 0);
    assert.deepEqual(await stack.store.readSessions(), []);
    // No loop: later calls fail at once, without a request.
    await assert.rejects(
      account.tokens.getAccessToken(),
      (e: unknown) => e instanceof GitShareError && e.kind === 'signInRequired',
    );
    assert.equal(tokenRequestCount(server, 'refresh_token'), 1);
    assert.equal(lost.length, 1);
  });

  it('a network failure while refreshing keeps the session and works later', async () => {
    const time = clock();
    const stack = newStack({ sessions: { now: time.now } });
    const session = await stack.signIn(server);
    time.later(3600_000);
    stack.http.intercept = (url) =>
      url.endsWith('/oauth2/token/') ? Promise.reject(new TypeError('fetch failed: ECONNREFUSED')) : undefined;
    const account = stack.sessions.accounts[0]!;
    await assert.rejects(
      account.tokens.getAccessToken(),
      (e: unknown) => e instanceof GitShareError && e.kind === 'network',
    );
    assert.equal(stack.sessions.accounts.length, 1);
    assert.ok(await stack.store.readSession(session.id));
    stack.http.intercept = undefined;
    const token = await account.tokens.getAccessToken();
    assert.equal(await callApi(server, token), 200);
  });

  it('before expiry, a failed early refresh still hands out the valid token', async () => {
    const time = clock();
    const stack = newStack({ sessions: { now: time.now } });
    const session = await stack.signIn(server);
    time.later(3600_000 - 30_000); // inside the 60 s margin, not yet expired
    stack.http.intercept = (url) =>
      url.endsWith('/oauth2/token/') ? Promise.reject(new TypeError('fetch failed')) : undefined;
    assertSameSecret(
      await stack.sessions.accounts[0]!.tokens.getAccessToken(),
      session.accessToken,
      'the still valid token',
    );
  });

  it('another window that refreshed first: its tokens are used, the old refresh token is never replayed', async () => {
    const { time, windowA, windowB, session } = await twoWindows();
    await windowB.sessions.whenSynced();
    assert.equal(windowB.sessions.accounts.length, 1);
    time.later(3600_000);
    const fromA = await windowA.sessions.getAccessToken(session.id);
    const fromB = await windowB.sessions.getAccessToken(session.id);
    assertSameSecret(fromB, fromA, 'window B uses the token window A refreshed');
    assert.equal(tokenRequestCount(server, 'refresh_token'), 1);
    assertDifferentSecret(fromA, session.accessToken, 'a new access token');
  });

  it('when two windows refresh at once, one refreshes (lease) and the other uses its tokens', async () => {
    const { time, windowA, windowB, session } = await twoWindows();
    time.later(3600_000);
    // Both read storage before either refreshed; A's answer and save land first.
    const [a, b] = await Promise.allSettled([
      windowA.sessions.getAccessToken(session.id),
      windowB.sessions.getAccessToken(session.id),
    ]);
    assert.equal(a.status, 'fulfilled');
    assert.equal(b.status, 'fulfilled');
    const token = (a as PromiseFulfilledResult<string>).value;
    assertSameSecret((b as PromiseFulfilledResult<string>).value, token, 'both windows end with the same token');
    // Only one window sent the refresh token: a second use of a rotated one would end the grant.
    assert.equal(tokenRequestCount(server, 'refresh_token'), 1);
    assert.equal(await callApi(server, token), 200);
    assert.equal(windowA.sessions.accounts.length + windowB.sessions.accounts.length, 2);
  });

  it('the refresh lease outlasts the OAuth request timeout, follows the clock, and is renewed while the refresh runs', async () => {
    const { time, windowA, windowB, session } = await twoWindows({ oauthTimeoutMs: 30_000, leaseRenewMs: 20 });
    time.later(3600_000);
    const held = windowA.http.holdRefreshAnswers();
    const fromA = windowA.sessions.getAccessToken(session.id);
    await held.served;
    const lease = (await windowA.store.readLease(session.id))!;
    assert.ok(
      lease.until - time.now() >= 30_000,
      `the lease lasts at least the OAuth timeout (${lease.until - time.now()} ms left)`,
    );
    // The request stays open a whole timeout: the lease is renewed meanwhile.
    time.later(30_000);
    await eventually(
      async () => ((await windowA.store.readLease(session.id))?.until ?? 0) - time.now() >= 30_000,
      'the lease to be renewed',
      5_000,
      10,
    );
    // Window B needs a token now: it must wait, not spend the refresh token a second time.
    const fromB = windowB.sessions.getAccessToken(session.id);
    await new Promise((resolve) => setImmediate(resolve));
    held.release();
    const [a, b] = await Promise.all([fromA, fromB]);
    assertSameSecret(b, a, 'window B uses the token window A got');
    assert.equal(tokenRequestCount(server, 'refresh_token'), 1);
    assert.equal(await callApi(server, a), 200);
  });
});
