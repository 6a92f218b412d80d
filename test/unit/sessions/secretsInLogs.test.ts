import assert from 'node:assert/strict';
import { OOB_REDIRECT_URI } from '../../../src/oauth/oauthClient';
import { authorizeAsUser, RunningServer } from '../../server/index';
import {
  AuthStack,
  callbackPathOf,
  codeServerRedirectUri,
  MemorySecretStorage,
  startTestServer,
} from '../helpers/authStack';

/** Every secret value that passed through storage, requests or the browser during a run. */
class SecretCollector {
  readonly values = new Set<string>();
  add(value: string | null | undefined): void {
    if (value && value.length >= 8) {
      this.values.add(value);
    }
  }
  addJson(text: string): void {
    const walk = (value: unknown, key = ''): void => {
      if (typeof value === 'string' && /token|secret|code|verifier|state/i.test(key)) {
        this.add(value);
      } else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          walk(v, Array.isArray(value) ? key : k);
        }
      }
    };
    try {
      walk(JSON.parse(text));
    } catch {
      // not JSON
    }
  }
}

describe('sessions: no secret ever reaches the log', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  it('after sign-in (both modes), refreshes, a failed refresh, a forged callback and sign-out, the log holds none of the values', async () => {
    const secrets = new MemorySecretStorage();
    const collected = new SecretCollector();
    const store = secrets.store.bind(secrets);
    secrets.store = async (key, value) => {
      collected.addJson(value);
      return store(key, value);
    };
    let offset = 0;
    const stack = new AuthStack({ secrets, sessions: { now: () => Date.now() + offset } });
    const browse = async (url: string) => {
      for (const key of ['state', 'code_challenge']) {
        collected.add(new URL(url).searchParams.get(key));
      }
      return authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' });
    };

    // Callback mode, with a forged callback first.
    const session = await stack.flow.signIn({
      serverUrl: server.url,
      scopes: ['files:read', 'files:write'],
      redirectUri: codeServerRedirectUri(1, server.url),
      openBrowser: async (url) => {
        const location = new URL(await browse(url));
        collected.add(location.searchParams.get('code'));
        const forged = new URLSearchParams(location.searchParams);
        forged.set('state', 'forged-state-abcdefgh');
        stack.pending.handleCallback(forged, callbackPathOf(server.url));
        stack.pending.handleCallback(location.searchParams, callbackPathOf(server.url));
      },
    });
    // No-callback mode.
    let pasted = '';
    await stack.flow.signIn({
      serverUrl: server.url,
      scopes: ['files:read'],
      redirectUri: OOB_REDIRECT_URI,
      openBrowser: async (url) => {
        const code = await browse(url);
        collected.add(code);
        pasted = code;
      },
      promptForCode: async () => pasted,
    });
    // Refresh before expiry and after a 401, then a refused refresh.
    offset = 3600_000;
    const refreshed = await stack.sessions.getAccessToken(session.id);
    server.control!.expireAccessTokens();
    await stack.sessions.refreshAfterUnauthorized(session.id, refreshed);
    const latest = (await stack.store.readSession(session.id))!;
    const as = await stack.authorizationServers.get(server.url);
    await stack.oauth.revoke(as, latest.client, latest.refreshToken!);
    offset = 2 * 3600_000;
    await assert.rejects(stack.sessions.getAccessToken(session.id));
    // Sign in again and out again.
    const again = await stack.signIn(server);
    await stack.sessions.signOut(again.id);

    for (const request of stack.http.requests) {
      const form = new URLSearchParams(request.body ?? '');
      for (const key of ['code', 'code_verifier', 'client_secret', 'refresh_token', 'token']) {
        collected.add(form.get(key));
      }
      collected.add(request.headers.authorization?.replace(/^(Bearer|Basic) /, ''));
      collected.addJson(request.body ?? '');
    }

    assert.ok(collected.values.size >= 20, `collected ${collected.values.size} secret values`);
    assert.ok(stack.sink.lines.length >= 10);
    const log = stack.sink.lines.join('\n');
    const leaked = [...collected.values].filter((value) => log.includes(value));
    // Report how many, never which: the values themselves must not reach test output either.
    assert.equal(leaked.length, 0, `${leaked.length} secret value(s) found in the log`);
    stack.dispose();
  });
});
