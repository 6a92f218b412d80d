import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import { authorizeAsUserDetailed } from '../browser';
import { SEED_ONLY, spawnServer, type RunningServer } from '../index';
import { REDIRECT, api, authorizeUrl, codeShown, tempDir, tokenRequest } from '../../support/serverHttp';
import { startTestServer } from '../../support/testServer';

/**
 * The GitShare that its own page documents (`--seed-only`): an application registered by hand
 * (`--client`), the authorize and token paths, and nothing else; and `prompt=login`.
 */
describe('local server: the documented surface (--seed-only, --client)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({
      extras: SEED_ONLY,
      clients: [
        { clientId: 'no-callback-app', clientSecret: 'no-callback-secret' },
        { clientId: 'callback-app', clientSecret: 'callback-secret', callbackUrl: REDIRECT },
      ],
    });
  });
  after(async () => {
    await server.close();
  });

  it('answers 404 for discovery, registration (POST and DELETE) and revocation', async () => {
    const discovery = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
    assert.equal(discovery.status, 404);
    const registration = await fetch(`${server.url}/oauth2/register/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'x', redirect_uris: [REDIRECT] }),
    });
    assert.equal(registration.status, 404);
    const deletion = await fetch(`${server.url}/oauth2/register/callback-app`, {
      method: 'DELETE',
      headers: { authorization: `Basic ${Buffer.from('callback-app:callback-secret').toString('base64')}` },
    });
    assert.equal(deletion.status, 404);
    const revocation = await fetch(`${server.url}/oauth2/revoke_token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'x', client_id: 'callback-app', client_secret: 'callback-secret' }).toString(),
    });
    assert.equal(revocation.status, 404);
    // The hand-registered client survived the DELETE attempt: it still signs in below.
  });

  it('a client without a callback URL: the page shows the code, and the token request without redirect_uri gets the contract shape', async () => {
    // As GitShare's page describes the authorize URL, minus the callback the client does not have.
    const { code, verifier } = await codeShown(server, { client_id: 'no-callback-app', state: 's' });
    const token = await tokenRequest(server, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: 'no-callback-app',
      client_secret: 'no-callback-secret',
    });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    assert.deepEqual(Object.keys(token.body).sort(), [
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    const user = await api(server, String(token.body.access_token), '/api/v1/user');
    assert.equal(user.status, 200);
  });

  it('a client without a callback URL: the oob redirect_uri works when sent to both endpoints, and a mismatch is invalid_grant', async () => {
    const oob = 'urn:ietf:wg:oauth:2.0:oob';
    for (const [sentAtToken, expected] of [
      [oob, 200],
      [REDIRECT, 400],
    ] as const) {
      const { code, verifier } = await codeShown(server, { client_id: 'no-callback-app', redirect_uri: oob });
      const token = await tokenRequest(server, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: sentAtToken,
        code_verifier: verifier,
        client_id: 'no-callback-app',
        client_secret: 'no-callback-secret',
      });
      assert.equal(token.status, expected, JSON.stringify(token.body));
    }
  });

  it('a client with a callback URL is sent back there; another URL gets the error page', async () => {
    const result = await authorizeAsUserDetailed(
      authorizeUrl(server, { client_id: 'callback-app', response_type: 'code', redirect_uri: REDIRECT, state: 'abc' }),
      { username: 'demo', password: 'demo', decision: 'allow' },
    );
    assert.equal(result.kind, 'redirect');
    assert.ok(result.kind === 'redirect' && result.location.startsWith(`${REDIRECT}?code=`));
    const other = await fetch(
      authorizeUrl(server, {
        client_id: 'callback-app',
        response_type: 'code',
        redirect_uri: 'http://127.0.0.1:9/elsewhere',
      }),
      { redirect: 'manual' },
    );
    assert.equal(other.status, 400);
    assert.match(await other.text(), /Invalid redirect URI/);
  });

  it('a wrong secret gets 401 invalid_client', async () => {
    const token = await tokenRequest(server, {
      grant_type: 'authorization_code',
      code: 'whatever',
      client_id: 'no-callback-app',
      client_secret: 'mistyped',
    });
    assert.equal(token.status, 401);
    assert.equal(token.body.error, 'invalid_client');
  });

  it('the CLI takes --seed-only and --client ID:SECRET[:CALLBACK_URL] (the URL keeps its colons)', async () => {
    const spawned = await spawnServer([
      '--seed-only',
      '--quiet',
      '--data',
      await tmp(),
      '--client',
      'a:b',
      '--client',
      `c:d:${REDIRECT}`,
    ]);
    try {
      assert.equal((await fetch(`${spawned.url}/.well-known/oauth-authorization-server`)).status, 404);
      const withCallback = await authorizeAsUserDetailed(
        `${spawned.url}/oauth2/authorize/?client_id=c&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}`,
        { username: 'demo', password: 'demo', decision: 'allow' },
      );
      assert.equal(withCallback.kind, 'redirect');
      const withoutCallback = await authorizeAsUserDetailed(
        `${spawned.url}/oauth2/authorize/?client_id=a&response_type=code`,
        { username: 'demo', password: 'demo', decision: 'allow' },
      );
      assert.equal(withoutCallback.kind, 'code');
    } finally {
      await spawned.close();
    }
  });

  it('the CLI refuses a malformed --client and a callback URL the server would never accept', async () => {
    for (const spec of ['only-an-id', 'id:', ':secret', 'id:secret:', 'id:secret:javascript:alert(1)']) {
      await assert.rejects(spawnServer(['--quiet', '--data', await tmp(), '--client', spec]), /exited/, spec);
    }
  });
});

describe('local server: discovery without registration (--no-registration)', () => {
  it('leaves registration_endpoint out of the metadata and answers 404 for it; revocation stays', async () => {
    const server = await startTestServer({ extras: { registration: false } });
    try {
      const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<
        string,
        unknown
      >;
      assert.equal(metadata.registration_endpoint, undefined);
      assert.equal(metadata.revocation_endpoint, `${server.url}/oauth2/revoke_token/`);
      assert.equal(metadata.token_endpoint, `${server.url}/oauth2/token/`);
      const registration = await fetch(`${server.url}/oauth2/register/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(registration.status, 404);
    } finally {
      await server.close();
    }
  });
});

describe('local server: prompt=login', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({
      users: [
        { username: 'demo', password: 'demo' },
        { username: 'alice', password: 'alice' },
      ],
      clients: [{ clientId: 'app', clientSecret: 'secret', callbackUrl: REDIRECT }],
    });
  });
  after(async () => {
    await server.close();
  });

  async function tokenUser(location: string): Promise<string> {
    const code = new URL(location).searchParams.get('code')!;
    const token = await tokenRequest(server, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: 'app',
      client_secret: 'secret',
    });
    const user = await api(server, String(token.body.access_token), '/api/v1/user');
    return String(((await user.json()) as { username: string }).username);
  }

  it('shows the sign-in page to a signed-in browser, and the new account is the one that gets the code', async () => {
    const cookies = new Map<string, string>();
    const first = await authorizeAsUserDetailed(
      authorizeUrl(server, { client_id: 'app', response_type: 'code', redirect_uri: REDIRECT }),
      { username: 'demo', password: 'demo', decision: 'allow', cookies },
    );
    assert.equal(first.kind, 'redirect');
    assert.equal(await tokenUser(first.kind === 'redirect' ? first.location : ''), 'demo');

    const header = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    const withoutPrompt = await fetch(
      authorizeUrl(server, { client_id: 'app', response_type: 'code', redirect_uri: REDIRECT }),
      { headers: header },
    );
    assert.match(await withoutPrompt.text(), /name="decision"/, 'the session skips the sign-in page');
    const withPrompt = await fetch(
      authorizeUrl(server, { client_id: 'app', response_type: 'code', redirect_uri: REDIRECT, prompt: 'login' }),
      { headers: header },
    );
    const page = await withPrompt.text();
    assert.match(page, /name="username"/, 'prompt=login shows the sign-in page');
    assert.doesNotMatch(page, /name="decision"/);

    const second = await authorizeAsUserDetailed(
      authorizeUrl(server, { client_id: 'app', response_type: 'code', redirect_uri: REDIRECT, prompt: 'login' }),
      { username: 'alice', password: 'alice', decision: 'allow', cookies },
    );
    assert.equal(second.kind, 'redirect');
    assert.equal(await tokenUser(second.kind === 'redirect' ? second.location : ''), 'alice');
  });

  it('is announced in the metadata', async () => {
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    assert.deepEqual(metadata.prompt_values_supported, ['login']);
  });
});

const dataDirs: string[] = [];
async function tmp(): Promise<string> {
  const dir = await tempDir();
  dataDirs.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(dataDirs.map((dir) => fsp.rm(dir, { recursive: true, force: true })));
});
