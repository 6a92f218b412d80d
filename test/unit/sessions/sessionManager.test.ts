import assert from 'node:assert/strict';
import { GitShareError } from '../../../src/common/errors';
import { StoredSession } from '../../../src/sessions/tokenStore';
import { MAX_REVOCATION_ATTEMPTS } from '../../../src/sessions/revocation';
import { RunningServer } from '../../server/index';
import { isDeepStrictEqual } from 'node:util';
import {
  MemorySecretStorage,
  assertDifferentSecret,
  callApi,
  clock,
  startTestServer,
  useAuthWindows,
} from '../helpers/authStack';
import { eventually } from '../../support/wait';

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

describe('sessions: sessions, sign-out and revocation against the local server', () => {
  const { server, newStack } = useAuthWindows();

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
    await eventually(
      () => stack.sessions.accounts.length === 0,
      'the account to leave the list while the refresh is still open',
      5_000,
      10,
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
    await eventually(
      async () => (await restarted.store.readPendingRevocations()).length === 0,
      'the pending revocation to be done',
      5_000,
      10,
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
