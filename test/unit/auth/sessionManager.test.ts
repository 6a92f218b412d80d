import assert from 'node:assert/strict';
import { GitShareError } from '../../../src/common/errors';
import { StoredSession } from '../../../src/auth/tokenStore';
import { MAX_REVOCATION_ATTEMPTS } from '../../../src/auth/revocation';
import { RunningServer } from '../../server/index';
import { isDeepStrictEqual } from 'node:util';
import {
  AuthStack,
  MemorySecretStorage,
  assertDifferentSecret,
  assertSameSecret,
  startTestServer,
  tokenRequestCount,
} from './helpers';

/** A clock the test moves: `later(ms)` jumps ahead, as if time had passed. */
function clock() {
  let offset = 0;
  return { now: () => Date.now() + offset, later: (ms: number) => (offset += ms) };
}

async function callApi(server: RunningServer, token: string): Promise<number> {
  const response = await fetch(`${server.url}/api/v1/user`, { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status;
}

/** The status of a refresh grant with `refreshToken`, sent by hand as the session's client. */
async function refreshStatus(server: RunningServer, session: StoredSession, refreshToken: string): Promise<number> {
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: session.client.clientId,
  });
  if (session.client.clientSecret) {
    body.set('client_secret', session.client.clientSecret);
  }
  const response = await fetch(`${server.url}/oauth2/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  await response.body?.cancel();
  return response.status;
}

async function untilAsync(condition: () => Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting until ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits for what a person would see, checking often; fails after `ms`. */
async function until(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting until ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('auth: sessions and refresh against the local server', () => {
  let server: RunningServer;
  const stacks: AuthStack[] = [];
  function newStack(...args: ConstructorParameters<typeof AuthStack>): AuthStack {
    const stack = new AuthStack(...args);
    stacks.push(stack);
    return stack;
  }

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

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => server.control!.resetStats());
  afterEach(() => {
    stacks.splice(0).forEach((s) => s.dispose());
  });

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
      await new Promise((r) => setTimeout(r, 1100));
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

  it('sign-out revokes at the server, removes the secrets, and other windows follow', async () => {
    const secrets = new MemorySecretStorage();
    const windowA = newStack({ secrets });
    const windowB = newStack({ secrets });
    const session = await windowA.signIn(server);
    await windowB.sessions.initialize();
    await windowB.sessions.whenSynced();
    assert.equal(windowB.sessions.accounts.length, 1);
    let bChanged = 0;
    windowB.sessions.onDidChangeAccounts(() => bChanged++);
    await windowA.sessions.signOut(session.id);
    assert.ok(server.control!.stats().revocations >= 1);
    assert.equal(await callApi(server, session.accessToken), 401);
    assert.deepEqual(await windowA.store.readSessions(), []);
    assert.ok(![...secrets.values.values()].some((v) => v.includes(session.accessToken)));
    await windowB.sessions.whenSynced();
    assert.equal(windowB.sessions.accounts.length, 0);
    assert.equal(bChanged, 1);
  });

  it('sign-out during a refresh: the session does not come back and the tokens that refresh got are revoked', async () => {
    const time = clock();
    const stack = newStack({ sessions: { now: time.now } });
    const session = await stack.signIn(server);
    time.later(3600_000);
    const held = stack.http.holdRefreshAnswers();
    const refreshing = stack.sessions.getAccessToken(session.id);
    refreshing.catch(() => undefined);
    // The server has rotated the tokens; its answer is still on the way.
    const issued = await held.served;
    const signingOut = stack.sessions.signOut(session.id);
    await until(
      () => stack.sessions.accounts.length === 0,
      'the account leaves the list while the refresh is still open',
    );
    held.release();
    await signingOut;
    await assert.rejects(refreshing, (e: unknown) => e instanceof GitShareError && e.kind === 'signInRequired');
    assert.equal(stack.sessions.accounts.length, 0);
    assert.deepEqual(await stack.store.readSessionIds(), [], 'no session is stored again');
    assert.ok(
      ![...stack.secrets.values.values()].some(
        (v) => v.includes(issued.access_token) || v.includes(issued.refresh_token),
      ),
      'the new tokens are not kept',
    );
    assert.ok(
      stack.http.revokedTokens().includes(issued.refresh_token),
      'the refresh token the refresh got was sent to revocation',
    );
    assert.equal(await callApi(server, issued.access_token), 401);
    assert.equal(await refreshStatus(server, session, issued.refresh_token), 400);
  });

  it('sign-out revokes the newest tokens when another window rotated them a moment ago', async () => {
    const time = clock();
    const secrets = new MemorySecretStorage();
    const windowA = newStack({ secrets, sessions: { now: time.now } });
    // Same storage, but A has not yet been told of B's writes.
    const windowB = newStack({ secrets: new MemorySecretStorage(secrets.values), sessions: { now: time.now } });
    const session = await windowA.signIn(server);
    await windowB.sessions.initialize();
    time.later(3600_000);
    const rotatedByB = await windowB.sessions.getAccessToken(session.id);
    const newest = (await windowB.store.readSession(session.id))!;
    assertDifferentSecret(newest.refreshToken, session.refreshToken, 'B rotated the refresh token');
    await windowA.sessions.signOut(session.id);
    assert.ok(windowA.http.revokedTokens().includes(newest.refreshToken!), 'the rotated refresh token was revoked');
    assert.equal(await callApi(server, rotatedByB), 401);
    assert.equal(await refreshStatus(server, session, newest.refreshToken!), 400);
    assert.deepEqual(await windowA.store.readSessionIds(), []);
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
    await untilAsync(
      async () => ((await windowA.store.readLease(session.id))?.until ?? 0) - time.now() >= 30_000,
      'the lease is renewed',
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

  it('a revocation that failed at sign-out is retried at the next start, from SecretStorage', async () => {
    const secrets = new MemorySecretStorage();
    const first = newStack({ secrets });
    const session = await first.signIn(server);
    first.http.intercept = (url) =>
      url.endsWith('/oauth2/revoke_token/') ? Promise.reject(new TypeError('fetch failed: ECONNREFUSED')) : undefined;
    await first.sessions.signOut(session.id);
    assert.deepEqual(await first.store.readSessionIds(), []);
    assert.equal(await callApi(server, session.accessToken), 200, 'not revoked yet: the server was unreachable');
    assert.equal((await first.store.readPendingRevocations()).length, 1);
    first.dispose();
    const restarted = newStack({ secrets });
    await restarted.sessions.initialize();
    await untilAsync(
      async () => (await restarted.store.readPendingRevocations()).length === 0,
      'the pending revocation is done',
    );
    assert.equal(await callApi(server, session.accessToken), 401);
    assert.equal(await refreshStatus(server, session, session.refreshToken!), 400);
    assert.ok(
      ![...secrets.values.values()].some((v) => v.includes(session.accessToken)),
      'no token is left in storage',
    );
  });

  it('a revocation that keeps failing is given up after a bounded number of attempts', async () => {
    const stack = newStack();
    const session = await stack.signIn(server);
    stack.http.intercept = (url) =>
      url.endsWith('/oauth2/revoke_token/') ? Promise.reject(new TypeError('fetch failed: ECONNREFUSED')) : undefined;
    await stack.sessions.signOut(session.id);
    for (let i = 0; i < 10; i++) {
      await stack.sessions.retryPendingRevocations();
    }
    assert.deepEqual(await stack.store.readPendingRevocations(), []);
    assert.equal(
      stack.http.revokedTokens().length,
      MAX_REVOCATION_ATTEMPTS,
      'one attempt at sign-out and four retries',
    );
    assert.ok(stack.sink.lines.some((l) => l.includes('Gave up revoking')));
  });

  it('sign-out with the server down still removes the local secrets', async () => {
    const stack = newStack();
    const session = await stack.signIn(server);
    stack.http.intercept = () => Promise.reject(new TypeError('fetch failed: ECONNREFUSED'));
    await stack.sessions.signOut(session.id);
    assert.equal(stack.sessions.accounts.length, 0);
    assert.deepEqual(await stack.store.readSessions(), []);
    assert.ok(stack.sink.lines.some((l) => l.includes('Could not revoke')));
  });

  it('sessions come back after a restart', async () => {
    const secrets = new MemorySecretStorage();
    const first = newStack({ secrets });
    const session = await first.signIn(server);
    first.dispose();
    const restarted = newStack({ secrets });
    await restarted.sessions.initialize();
    assert.ok(
      isDeepStrictEqual(restarted.sessions.getSessions(), [session]),
      'the stored session is restored as it was',
    );
    const account = restarted.sessions.accounts[0]!;
    assert.equal(account.label, 'demo');
    assert.equal(restarted.sessions.findByAuthority(account.authority), account);
    assert.equal(await callApi(server, await account.tokens.getAccessToken()), 200);
  });

  it('keeps several accounts on several servers side by side', async () => {
    const other = await startTestServer({ users: [{ username: 'alice', password: 'wonderland' }] });
    try {
      const stack = newStack();
      await stack.signIn(server);
      await stack.signIn(other, undefined, 'alice', 'wonderland');
      const labels = stack.sessions.accounts.map((a) => `${a.label}@${a.serverUrl}`).sort();
      assert.deepEqual(labels, [`alice@${other.url}`, `demo@${server.url}`].sort());
      for (const account of stack.sessions.accounts) {
        const status = await callApi(
          account.serverUrl === server.url ? server : other,
          await account.tokens.getAccessToken(),
        );
        assert.equal(status, 200);
      }
    } finally {
      await other.close();
    }
  });
});
