import * as assert from 'node:assert/strict';
import { authorizeAsUser, authorizeAsUserDetailed } from '../browser';
import type { RunningServer } from '../index';
import {
  REDIRECT,
  api,
  authorizeUrl,
  codeShown,
  exchangeCode,
  getCode,
  pkcePair,
  register,
  signIn,
  tokenRequest,
} from '../../support/serverHttp';
import { startTestServer } from '../../support/testServer';

describe('local server: OAuth 2.0', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  describe('discovery', () => {
    it('serves RFC 8414 metadata naming the endpoints', async () => {
      const res = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
      assert.equal(res.status, 200);
      const doc = (await res.json()) as Record<string, unknown>;
      assert.equal(doc.issuer, server.url);
      assert.equal(doc.authorization_endpoint, `${server.url}/oauth2/authorize/`);
      assert.equal(doc.token_endpoint, `${server.url}/oauth2/token/`);
      assert.equal(doc.registration_endpoint, `${server.url}/oauth2/register/`);
      assert.equal(doc.revocation_endpoint, `${server.url}/oauth2/revoke_token/`);
      assert.deepEqual(doc.scopes_supported, ['files:read', 'files:write']);
      assert.deepEqual(doc.response_types_supported, ['code']);
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(doc.token_endpoint_auth_methods_supported, [
        'client_secret_post',
        'client_secret_basic',
        'none',
      ]);
      assert.deepEqual(doc.grant_types_supported, ['authorization_code', 'refresh_token']);
    });

    it('answers unknown routes with JSON 404', async () => {
      const res = await fetch(`${server.url}/nope`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { error: string }).error, 'not_found');
    });
  });

  describe('registration', () => {
    it('registers a confidential client (201)', async () => {
      const res = await fetch(`${server.url}/oauth2/register/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'My App',
          redirect_uris: ['https://app.example/cb', 'http://127.0.0.1/cb'],
        }),
      });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(typeof body.client_id, 'string');
      assert.equal(typeof body.client_secret, 'string');
      assert.equal(typeof body.client_id_issued_at, 'number');
      assert.equal(body.client_secret_expires_at, 0);
      assert.deepEqual(body.redirect_uris, ['https://app.example/cb', 'http://127.0.0.1/cb']);
      assert.equal(body.client_name, 'My App');
      assert.deepEqual(body.grant_types, ['authorization_code', 'refresh_token']);
      assert.equal(body.token_endpoint_auth_method, 'client_secret_basic');
    });

    it('registers a public client without a secret', async () => {
      const body = await register(server, {
        client_name: 'Public',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      });
      assert.equal(body.client_secret, undefined);
      assert.equal(body.token_endpoint_auth_method, 'none');
    });

    const badRedirects: Array<[string, unknown]> = [
      ['http on a non-loopback host', 'http://example.com/cb'],
      ['a relative URI', '/cb'],
      ['a fragment', 'https://app.example/cb#x'],
      ['javascript:', 'javascript:alert(1)'],
      ['data:', 'data:text/html,hi'],
      ['user info', 'https://user:pw@app.example/cb'],
      ['a number', 42],
    ];
    for (const [what, uri] of badRedirects) {
      it(`rejects a redirect URI with ${what}: 400 invalid_redirect_uri`, async () => {
        const res = await fetch(`${server.url}/oauth2/register/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_name: 'x', redirect_uris: [uri] }),
        });
        assert.equal(res.status, 400);
        assert.equal(((await res.json()) as { error: string }).error, 'invalid_redirect_uri');
      });
    }

    it('accepts loopback http, localhost, [::1], oob and private-use schemes', async () => {
      const body = await register(server, {
        client_name: 'ok',
        redirect_uris: [
          'http://127.0.0.1:1234/cb',
          'http://localhost/cb',
          'http://[::1]:5/x',
          'urn:ietf:wg:oauth:2.0:oob',
          'vscode://gitshare.gitshare-vscode/cb',
          'com.example.app:/cb',
        ],
      });
      assert.equal(body.redirect_uris.length, 6);
    });

    const badMetadata: Array<[string, string, string]> = [
      ['malformed JSON', '{"client_name":', 'application/json'],
      ['a JSON array', '[]', 'application/json'],
      ['redirect_uris not an array', '{"redirect_uris":"https://a.example/cb"}', 'application/json'],
      ['an unknown auth method', '{"token_endpoint_auth_method":"private_key_jwt"}', 'application/json'],
      ['an unknown grant type', '{"grant_types":["password"]}', 'application/json'],
      ['a non-string client_name', '{"client_name":7}', 'application/json'],
      ['an unknown scope', '{"scope":"admin"}', 'application/json'],
      ['a form body', 'client_name=x', 'application/x-www-form-urlencoded'],
    ];
    for (const [what, body, type] of badMetadata) {
      it(`rejects ${what}: 400 invalid_client_metadata`, async () => {
        const res = await fetch(`${server.url}/oauth2/register/`, {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        });
        assert.equal(res.status, 400);
        assert.equal(((await res.json()) as { error: string }).error, 'invalid_client_metadata');
      });
    }

    it('lets a client delete its registration with Basic credentials (204), and not without', async () => {
      const client = await register(server, { client_name: 'Stale', redirect_uris: [REDIRECT] });
      const wrong = await fetch(`${server.url}/oauth2/register/${client.client_id}`, {
        method: 'DELETE',
        headers: { authorization: `Basic ${Buffer.from(`${client.client_id}:nope`).toString('base64')}` },
      });
      assert.equal(wrong.status, 401);
      const res = await fetch(`${server.url}/oauth2/register/${client.client_id}`, {
        method: 'DELETE',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        },
      });
      assert.equal(res.status, 204);
      const page = await fetch(
        authorizeUrl(server, { client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT }),
        { redirect: 'manual' },
      );
      assert.equal(page.status, 400);
    });

    it('lets a public client delete its registration with its registration access token', async () => {
      const client = await register(server, {
        client_name: 'Stale public',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      });
      const res = await fetch(`${server.url}/oauth2/register/${client.client_id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${client.registration_access_token}` },
      });
      assert.equal(res.status, 204);
    });
  });

  describe('authorization pages', () => {
    it('shows the sign-in page with the documented fields, and sets an HttpOnly SameSite=Lax cookie', async () => {
      const client = await register(server, { client_name: 'Pages App', redirect_uris: [REDIRECT] });
      const res = await fetch(
        authorizeUrl(server, {
          client_id: client.client_id,
          response_type: 'code',
          redirect_uri: REDIRECT,
          state: 's',
        }),
      );
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /<form method="post"/);
      assert.match(html, /name="username"/);
      assert.match(html, /name="password"/);
      assert.match(html, /type="hidden" name="csrf"/);
      assert.match(html, />Sign in<\/button>/);
      assert.match(html, /Pages App/);
      const cookie = res.headers.getSetCookie()[0] ?? '';
      assert.match(cookie, /^gitshare_session=/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
    });

    it('shows a consent page naming the application and the scopes in words', async () => {
      const client = await register(server, { client_name: 'Consent <App>', redirect_uris: [REDIRECT] });
      const url = authorizeUrl(server, {
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope: 'files:read files:write',
      });
      const result = await authorizeAsUserDetailed(url, { username: 'demo', password: 'wrong', decision: 'allow' });
      assert.equal(result.kind, 'page');
      assert.equal(result.kind === 'page' && result.status, 401);
      assert.match(result.kind === 'page' ? result.html : '', /Wrong username or password/);
      // Sign in by hand to look at the consent page itself.
      const first = await fetch(url);
      const cookie = (first.headers.getSetCookie()[0] ?? '').split(';')[0]!;
      const csrf = /name="csrf" value="([^"]*)"/.exec(await first.text())![1]!;
      const second = await fetch(url, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, username: 'demo', password: 'demo' }).toString(),
      });
      assert.equal(second.status, 200);
      const html = await second.text();
      assert.match(html, /Consent &lt;App&gt;/);
      assert.match(html, /See your files and folders/);
      assert.match(html, /Create, change, move and delete/);
      assert.match(html, /<button type="submit" name="decision" value="allow">Allow<\/button>/);
      assert.match(html, /<button type="submit" name="decision" value="deny">Deny<\/button>/);
      assert.match(html, /type="hidden" name="csrf"/);
    });

    it('Allow: 302 with code, state and iss appended to a redirect URI that already has a query', async () => {
      const callback =
        'http://127.0.0.1:7777/stable-x/callback?vscode-reqid=1&vscode-scheme=code-oss&vscode-authority=vscode.github-authentication';
      const client = await register(server, { client_name: 'code-server', redirect_uris: [callback] });
      const { challenge } = pkcePair();
      const location = await authorizeAsUser(
        authorizeUrl(server, {
          client_id: client.client_id,
          response_type: 'code',
          redirect_uri: callback,
          state: 'a b&c',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
        { username: 'demo', password: 'demo', decision: 'allow' },
      );
      assert.ok(location.startsWith(`${callback}&code=`), location);
      const url = new URL(location);
      assert.equal(url.searchParams.get('state'), 'a b&c');
      assert.equal(url.searchParams.get('iss'), server.url);
      assert.equal(url.searchParams.get('vscode-reqid'), '1');
      assert.ok(url.searchParams.get('code'));
    });

    it('Deny: 302 with error=access_denied and the state', async () => {
      const client = await register(server, { client_name: 'x', redirect_uris: [REDIRECT] });
      const location = await authorizeAsUser(
        authorizeUrl(server, {
          client_id: client.client_id,
          response_type: 'code',
          redirect_uri: REDIRECT,
          state: 'xyz',
        }),
        { username: 'demo', password: 'demo', decision: 'deny' },
      );
      const url = new URL(location);
      assert.equal(url.origin + url.pathname, REDIRECT);
      assert.equal(url.searchParams.get('error'), 'access_denied');
      assert.equal(url.searchParams.get('state'), 'xyz');
      assert.equal(url.searchParams.get('code'), null);
    });

    it('an unknown client gets an error page, never a redirect', async () => {
      const res = await fetch(
        authorizeUrl(server, { client_id: 'nope', response_type: 'code', redirect_uri: REDIRECT }),
        { redirect: 'manual' },
      );
      assert.equal(res.status, 400);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(res.headers.get('location'), null);
    });

    it('an unregistered redirect URI gets an error page, never a redirect', async () => {
      const client = await register(server, { client_name: 'x', redirect_uris: [REDIRECT] });
      for (const uri of [
        'http://127.0.0.1:9/other',
        'https://evil.example/callback',
        'http://localhost:9/callback',
        `${REDIRECT}?x=1`,
      ]) {
        const res = await fetch(
          authorizeUrl(server, { client_id: client.client_id, response_type: 'code', redirect_uri: uri }),
          { redirect: 'manual' },
        );
        assert.equal(res.status, 400, uri);
        assert.equal(res.headers.get('location'), null);
      }
    });

    it('accepts any port on a loopback redirect URI (RFC 8252), but not on https', async () => {
      const client = await register(server, {
        client_name: 'x',
        redirect_uris: ['http://127.0.0.1/cb', 'https://app.example:8443/cb'],
      });
      const location = await authorizeAsUser(
        authorizeUrl(server, {
          client_id: client.client_id,
          response_type: 'code',
          redirect_uri: 'http://127.0.0.1:53012/cb',
          state: 's',
        }),
        { username: 'demo', password: 'demo', decision: 'allow' },
      );
      assert.ok(location.startsWith('http://127.0.0.1:53012/cb?code='));
      const res = await fetch(
        authorizeUrl(server, {
          client_id: client.client_id,
          response_type: 'code',
          redirect_uri: 'https://app.example:9999/cb',
        }),
        { redirect: 'manual' },
      );
      assert.equal(res.status, 400);
    });

    it('no-callback mode (client without redirect URIs) shows the code in #code, and it can be exchanged', async () => {
      const client = await register(server, { client_name: 'CLI tool' });
      const { code, verifier } = await codeShown(server, { client_id: client.client_id });
      const token = await exchangeCode(server, client, code, { redirect_uri: undefined, code_verifier: verifier });
      assert.equal(token.status, 200, JSON.stringify(token.body));
    });

    it('no-callback mode with redirect_uri=urn:ietf:wg:oauth:2.0:oob registered beside others', async () => {
      const client = await register(server, {
        client_name: 'Both',
        redirect_uris: [REDIRECT, 'urn:ietf:wg:oauth:2.0:oob'],
      });
      const oob = 'urn:ietf:wg:oauth:2.0:oob';
      const { code, verifier } = await codeShown(server, { client_id: client.client_id, redirect_uri: oob });
      const token = await exchangeCode(server, client, code, { redirect_uri: oob, code_verifier: verifier });
      assert.equal(token.status, 200, JSON.stringify(token.body));
    });

    it('rejects a form POST without the csrf token (403) or without the session cookie', async () => {
      const client = await register(server, { client_name: 'x', redirect_uris: [REDIRECT] });
      const url = authorizeUrl(server, { client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT });
      const first = await fetch(url);
      const cookie = (first.headers.getSetCookie()[0] ?? '').split(';')[0]!;
      const csrf = /name="csrf" value="([^"]*)"/.exec(await first.text())![1]!;
      // A form POST to the authorize page, with or without the session cookie.
      const post = (body: string, withCookie = true) =>
        fetch(url, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...(withCookie ? { cookie } : {}) },
          body,
        });
      const noCsrf = await post('username=demo&password=demo');
      assert.equal(noCsrf.status, 403);
      const wrongCsrf = await post('username=demo&password=demo&csrf=forged');
      assert.equal(wrongCsrf.status, 403);
      const noCookie = await post(`username=demo&password=demo&csrf=${csrf}`, false);
      assert.equal(noCookie.status, 403);
      const decisionWithoutCsrf = await post('decision=allow');
      assert.equal(decisionWithoutCsrf.status, 403);
      assert.equal(decisionWithoutCsrf.headers.get('location'), null);
    });

    it('keeps a browser signed in: the second authorization skips the sign-in page', async () => {
      const client = await register(server, { client_name: 'x', redirect_uris: [REDIRECT] });
      const cookies = new Map<string, string>();
      const url = authorizeUrl(server, { client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT });
      await authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow', cookies });
      const res = await fetch(url, { headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      assert.match(await res.text(), /name="decision"/);
    });

    it('sends parameter errors back to the client: plain PKCE, public client without PKCE, bad scope, bad response_type', async () => {
      const confidential = await register(server, { client_name: 'c', redirect_uris: [REDIRECT] });
      const pub = await register(server, {
        client_name: 'p',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      });
      const { challenge } = pkcePair();
      const cases: Array<[Record<string, string>, string]> = [
        [
          {
            client_id: confidential.client_id,
            response_type: 'code',
            code_challenge: challenge,
            code_challenge_method: 'plain',
          },
          'invalid_request',
        ],
        [{ client_id: pub.client_id, response_type: 'code' }, 'invalid_request'],
        [{ client_id: confidential.client_id, response_type: 'code', scope: 'admin' }, 'invalid_scope'],
        [{ client_id: confidential.client_id, response_type: 'token' }, 'unsupported_response_type'],
        [{ client_id: confidential.client_id, response_type: 'code', code_challenge: 'short' }, 'invalid_request'],
      ];
      for (const [params, error] of cases) {
        const res = await fetch(authorizeUrl(server, { ...params, redirect_uri: REDIRECT, state: 'k' }), {
          redirect: 'manual',
        });
        assert.equal(res.status, 302, JSON.stringify(params));
        const loc = new URL(res.headers.get('location')!);
        assert.equal(loc.searchParams.get('error'), error);
        assert.equal(loc.searchParams.get('state'), 'k');
      }
    });
  });

  describe('token endpoint', () => {
    it('exchanges a code: 200, the contract shape, no-store', async () => {
      const client = await register(server, { client_name: 'x', redirect_uris: [REDIRECT] });
      const { code, verifier } = await getCode(server, client);
      const res = await exchangeCode(server, client, code, { code_verifier: verifier });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('pragma'), 'no-cache');
      assert.equal(typeof res.body.access_token, 'string');
      assert.equal(typeof res.body.refresh_token, 'string');
      assert.equal(res.body.expires_in, 3600);
      assert.equal(res.body.scope, 'files:read files:write');
      assert.equal(res.body.token_type, 'Bearer');
    });

    it('accepts client credentials with HTTP Basic', async () => {
      const client = await register(server, { client_name: 'x', redirect_uris: [REDIRECT] });
      const { code, verifier } = await getCode(server, client);
      const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
      const res = await tokenRequest(
        server,
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier },
        { authorization: basic },
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });

    it('a public client exchanges with PKCE and no secret; without a verifier it gets invalid_grant', async () => {
      const client = await register(server, {
        client_name: 'p',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      });
      const first = await getCode(server, client);
      const missing = await tokenRequest(server, {
        grant_type: 'authorization_code',
        code: first.code,
        redirect_uri: REDIRECT,
        client_id: client.client_id,
      });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error, 'invalid_grant');
      const second = await getCode(server, client);
      const ok = await tokenRequest(server, {
        grant_type: 'authorization_code',
        code: second.code,
        redirect_uri: REDIRECT,
        code_verifier: second.verifier,
        client_id: client.client_id,
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const refreshed = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: ok.body.refresh_token as string,
        client_id: client.client_id,
      });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    });

    it('invalid_grant for a bad code, a wrong verifier, a redirect_uri mismatch, and a verifier without a challenge', async () => {
      const client = await register(server, { client_name: 'x', redirect_uris: [REDIRECT, 'http://127.0.0.1/other'] });
      const bad = await exchangeCode(server, client, 'not-a-code');
      assert.deepEqual([bad.status, bad.body.error], [400, 'invalid_grant']);

      const a = await getCode(server, client);
      const wrongVerifier = await exchangeCode(server, client, a.code, { code_verifier: pkcePair().verifier });
      assert.deepEqual([wrongVerifier.status, wrongVerifier.body.error], [400, 'invalid_grant']);

      const b = await getCode(server, client);
      const mismatch = await exchangeCode(server, client, b.code, {
        redirect_uri: 'http://127.0.0.1/other',
        code_verifier: b.verifier,
      });
      assert.deepEqual([mismatch.status, mismatch.body.error], [400, 'invalid_grant']);

      const location = await authorizeAsUser(
        authorizeUrl(server, { client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT }),
        { username: 'demo', password: 'demo', decision: 'allow' },
      );
      const code = new URL(location).searchParams.get('code')!;
      const stray = await exchangeCode(server, client, code, { code_verifier: pkcePair().verifier });
      assert.deepEqual([stray.status, stray.body.error], [400, 'invalid_grant']);
    });

    it('invalid_grant for an expired code', async () => {
      const client = await register(server, { client_name: 'x', redirect_uris: [REDIRECT] });
      const { code, verifier } = await getCode(server, client);
      server.control!.expireAuthorizationCodes();
      const res = await tokenRequest(server, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        client_id: client.client_id,
        client_secret: client.client_secret,
      });
      assert.deepEqual([res.status, res.body.error], [400, 'invalid_grant']);
    });

    it('a reused code fails and revokes the tokens issued from it', async () => {
      const client = await register(server, { client_name: 'x', redirect_uris: [REDIRECT] });
      const { code, verifier } = await getCode(server, client);
      const params = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        client_id: client.client_id,
        client_secret: client.client_secret,
      };
      const first = await tokenRequest(server, params);
      assert.equal(first.status, 200);
      assert.equal((await api(server, first.body.access_token as string, '/api/v1/user')).status, 200);
      const second = await tokenRequest(server, params);
      assert.deepEqual([second.status, second.body.error], [400, 'invalid_grant']);
      assert.equal((await api(server, first.body.access_token as string, '/api/v1/user')).status, 401);
      const refresh = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: first.body.refresh_token as string,
        client_id: client.client_id,
        client_secret: client.client_secret,
      });
      assert.equal(refresh.status, 400);
    });

    it('invalid_client (401) for a wrong secret, in the body and with Basic', async () => {
      const client = await register(server, { client_name: 'x', redirect_uris: [REDIRECT] });
      const { code, verifier } = await getCode(server, client);
      const body = await tokenRequest(server, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        client_id: client.client_id,
        client_secret: 'wrong',
      });
      assert.deepEqual([body.status, body.body.error], [401, 'invalid_client']);
      const basic = await tokenRequest(
        server,
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier },
        { authorization: `Basic ${Buffer.from(`${client.client_id}:wrong`).toString('base64')}` },
      );
      assert.deepEqual([basic.status, basic.body.error], [401, 'invalid_client']);
      assert.match(basic.headers.get('www-authenticate') ?? '', /^Basic/);
      const unknown = await tokenRequest(server, {
        grant_type: 'authorization_code',
        code,
        client_id: 'nobody',
        client_secret: 'x',
      });
      assert.deepEqual([unknown.status, unknown.body.error], [401, 'invalid_client']);
      const noSecret = await tokenRequest(server, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: client.client_id,
      });
      assert.deepEqual([noSecret.status, noSecret.body.error], [401, 'invalid_client']);
    });

    it('rejects a wrong content type, repeated parameters and unknown grant types with 400', async () => {
      const json = await fetch(`${server.url}/oauth2/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"grant_type":"authorization_code"}',
      });
      assert.equal(json.status, 400);
      assert.equal(((await json.json()) as { error: string }).error, 'invalid_request');
      const repeated = await fetch(`${server.url}/oauth2/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=authorization_code&code=a&code=b',
      });
      assert.equal(repeated.status, 400);
      const client = await register(server, { client_name: 'x', redirect_uris: [REDIRECT] });
      const password = await tokenRequest(server, {
        grant_type: 'password',
        username: 'demo',
        password: 'demo',
        client_id: client.client_id,
        client_secret: client.client_secret,
      });
      assert.equal(password.status, 400);
    });

    it('refresh rotates the refresh token; reusing the old one revokes the grant', async () => {
      const { client, tokens } = await signIn(server);
      const creds = { client_id: client.client_id, client_secret: client.client_secret };
      const next = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        ...creds,
      });
      assert.equal(next.status, 200);
      assert.equal(next.headers.get('cache-control'), 'no-store');
      assert.notEqual(next.body.refresh_token, tokens.refresh_token);
      assert.notEqual(next.body.access_token, tokens.access_token);
      assert.equal(next.body.token_type, 'Bearer');
      assert.equal(next.body.scope, 'files:read files:write');
      assert.equal((await api(server, next.body.access_token as string, '/api/v1/user')).status, 200);

      const replay = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        ...creds,
      });
      assert.deepEqual([replay.status, replay.body.error], [400, 'invalid_grant']);
      // The whole grant is gone: the newest tokens too.
      assert.equal((await api(server, next.body.access_token as string, '/api/v1/user')).status, 401);
      const newest = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: next.body.refresh_token as string,
        ...creds,
      });
      assert.deepEqual([newest.status, newest.body.error], [400, 'invalid_grant']);
    });

    it('invalid_grant for an unknown refresh token or one of another client', async () => {
      const { tokens } = await signIn(server);
      const other = await register(server, { client_name: 'other', redirect_uris: [REDIRECT] });
      const res = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: other.client_id,
        client_secret: other.client_secret,
      });
      assert.deepEqual([res.status, res.body.error], [400, 'invalid_grant']);
      const unknown = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: 'nope',
        client_id: other.client_id,
        client_secret: other.client_secret,
      });
      assert.deepEqual([unknown.status, unknown.body.error], [400, 'invalid_grant']);
    });
  });

  describe('revocation', () => {
    const revoke = (params: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${server.url}/oauth2/revoke_token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(params).toString(),
      });

    it('revokes an access token (200) and answers 200 for an unknown token', async () => {
      const { client, tokens } = await signIn(server);
      const res = await revoke({
        token: tokens.access_token,
        client_id: client.client_id,
        client_secret: client.client_secret!,
      });
      assert.equal(res.status, 200);
      assert.equal((await api(server, tokens.access_token, '/api/v1/user')).status, 401);
      const unknown = await revoke({
        token: 'never-issued',
        client_id: client.client_id,
        client_secret: client.client_secret!,
      });
      assert.equal(unknown.status, 200);
    });

    it('revoking a refresh token (Basic auth) ends the grant', async () => {
      const { client, tokens } = await signIn(server);
      const res = await revoke(
        { token: tokens.refresh_token, token_type_hint: 'refresh_token' },
        { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` },
      );
      assert.equal(res.status, 200);
      assert.equal((await api(server, tokens.access_token, '/api/v1/user')).status, 401);
      const refresh = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: client.client_id,
        client_secret: client.client_secret,
      });
      assert.equal(refresh.status, 400);
    });

    it('401 invalid_client for bad client credentials', async () => {
      const { client, tokens } = await signIn(server);
      const res = await revoke({ token: tokens.access_token, client_id: client.client_id, client_secret: 'wrong' });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
      assert.equal((await api(server, tokens.access_token, '/api/v1/user')).status, 200);
    });

    it('counts revocations in the stats', async () => {
      const before = server.control!.stats().revocations;
      const { client, tokens } = await signIn(server);
      await revoke({ token: tokens.access_token, client_id: client.client_id, client_secret: client.client_secret! });
      assert.equal(server.control!.stats().revocations, before + 1);
    });
  });

  describe('bearer authentication', () => {
    let token: string;
    before(async () => {
      token = (await signIn(server)).tokens.access_token;
    });

    it('accepts the token in the Authorization header', async () => {
      const res = await api(server, token, '/api/v1/user');
      assert.equal(res.status, 200);
      const user = (await res.json()) as Record<string, unknown>;
      assert.equal(user.username, 'demo');
      assert.equal(typeof user.id, 'string');
      assert.equal(typeof user.name, 'string');
      assert.equal(typeof user.email, 'string');
    });

    it('accepts the token as the access_token query parameter', async () => {
      const res = await fetch(`${server.url}/api/v1/user?access_token=${encodeURIComponent(token)}`);
      assert.equal(res.status, 200);
    });

    it('accepts the token as the access_token form-body parameter', async () => {
      const res = await fetch(`${server.url}/api/v1/folders/form-made`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_token=${encodeURIComponent(token)}`,
      });
      assert.equal(res.status, 201);
    });

    it('rejects a request carrying the token both ways: 400 invalid_request', async () => {
      const res = await fetch(`${server.url}/api/v1/user?access_token=${encodeURIComponent(token)}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
    });

    it('401 with WWW-Authenticate invalid_token for a missing, unknown or expired token', async () => {
      const missing = await fetch(`${server.url}/api/v1/user`);
      assert.equal(missing.status, 401);
      assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
      const garbage = await api(server, 'garbage', '/api/v1/user');
      assert.equal(garbage.status, 401);
      assert.match(garbage.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.equal(((await garbage.json()) as { error: string }).error, 'invalid_token');
      const { tokens } = await signIn(server);
      server.control!.expireAccessTokens();
      const expired = await api(server, tokens.access_token, '/api/v1/metadata/');
      assert.equal(expired.status, 401);
      assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      token = (await signIn(server)).tokens.access_token;
    });

    it('a short token TTL (test control) expires tokens by the clock', async () => {
      server.control!.setTokenTtl(1);
      try {
        const { tokens } = await signIn(server);
        assert.equal(tokens.expires_in, 1);
        await new Promise((resolve) => setTimeout(resolve, 1100));
        assert.equal((await api(server, tokens.access_token, '/api/v1/user')).status, 401);
      } finally {
        server.control!.setTokenTtl(3600);
      }
    });

    it('403 insufficient_scope with WWW-Authenticate for a read-only token writing', async () => {
      const { tokens } = await signIn(server, 'files:read');
      assert.equal(tokens.scope, 'files:read');
      assert.equal((await api(server, tokens.access_token, '/api/v1/folders/')).status, 200);
      const res = await api(server, tokens.access_token, '/api/v1/folders/new-one', { method: 'POST' });
      assert.equal(res.status, 403);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
      assert.equal(((await res.json()) as { error: string }).error, 'insufficient_scope');
    });
  });
});
