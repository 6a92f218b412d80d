import assert from 'node:assert/strict';
import * as nodeHttp from 'node:http';
import type { AddressInfo } from 'node:net';
import { GitShareClient } from '../../../src/api/client';
import { CancelledError, GitShareError } from '../../../src/common/errors';
import { Logger, MemoryLogSink } from '../../../src/common/logger';
import { OAuthClient } from '../../../src/oauth/oauthClient';
import { authorizeAsUser } from '../../server/index';
import { codeServerRedirectUri, useOAuthClient } from '../helpers/authStack';
import { nodeTransport } from '../../../src/node/transport';

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } }),
  );
}

describe('oauth: OAuth client against the local server', () => {
  const { server, http, oauth } = useOAuthClient();

  describe('discovery', () => {
    it('reads RFC 8414 metadata', async () => {
      const as = await oauth.discover(server.url);
      assert.equal(as.issuer, server.url);
      assert.equal(as.token_endpoint, `${server.url}/oauth2/token/`);
      assert.equal(as.registration_endpoint, `${server.url}/oauth2/register/`);
      assert.equal(as.revocation_endpoint, `${server.url}/oauth2/revoke_token/`);
      assert.equal(http.requests[0]!.url, `${server.url}/.well-known/oauth-authorization-server`);
    });

    it('falls back to the documented paths on 404', async () => {
      http.intercept = (url) => (url.includes('/.well-known/') ? jsonResponse(404, { error: 'not_found' }) : undefined);
      const as = await oauth.discover(server.url + '/ignored/path');
      assert.equal(as.issuer, server.url);
      assert.equal(as.authorization_endpoint, `${server.url}/oauth2/authorize/`);
      assert.equal(as.token_endpoint, `${server.url}/oauth2/token/`);
      assert.equal(as.registration_endpoint, `${server.url}/oauth2/register/`);
      assert.equal(as.revocation_endpoint, `${server.url}/oauth2/revoke_token/`);
    });

    const bad: [string, Record<string, unknown>][] = [
      ['another issuer', { issuer: 'https://evil.example' }],
      ['a token endpoint on another origin', { token_endpoint: 'https://evil.example/oauth2/token/' }],
      ['a registration endpoint on another origin', { registration_endpoint: 'http://127.0.0.9:1/oauth2/register/' }],
      ['PKCE methods that leave out S256', { code_challenge_methods_supported: ['plain'] }],
      ['an empty list of PKCE methods', { code_challenge_methods_supported: [] }],
    ];
    it('accepts metadata that lists S256 among other PKCE methods, or lists none', async () => {
      const real = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<
        string,
        unknown
      >;
      http.intercept = (url) =>
        url.includes('/.well-known/')
          ? jsonResponse(200, { ...real, code_challenge_methods_supported: ['plain', 'S256'] })
          : undefined;
      assert.equal((await oauth.discover(server.url)).issuer, server.url);
      const { code_challenge_methods_supported: _dropped, ...without } = real;
      http.intercept = (url) => (url.includes('/.well-known/') ? jsonResponse(200, without) : undefined);
      assert.equal((await oauth.discover(server.url)).issuer, server.url);
    });

    for (const [what, override] of bad) {
      it(`refuses metadata with ${what}`, async () => {
        const real = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<
          string,
          unknown
        >;
        http.intercept = (url) =>
          url.includes('/.well-known/') ? jsonResponse(200, { ...real, ...override }) : undefined;
        await assert.rejects(
          oauth.discover(server.url),
          (e: unknown) => e instanceof GitShareError && e.kind === 'protocol',
        );
      });
    }

    it('maps an unreachable server to a network error', async () => {
      await assert.rejects(
        oauth.discover('http://127.0.0.1:9'),
        (e: unknown) => e instanceof GitShareError && e.kind === 'network',
      );
    });

    it('refuses plain http to a host that is not loopback, before any request', async () => {
      await assert.rejects(
        oauth.discover('http://gitshare.example'),
        (e: unknown) => e instanceof GitShareError && e.kind === 'protocol',
      );
      assert.equal(http.requests.length, 0);
    });

    it('a cancelled request is a cancellation', async () => {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(oauth.discover(server.url, controller.signal), CancelledError);
    });
  });

  describe('token endpoint', () => {
    async function authorized(redirectUri = codeServerRedirectUri(1, server.url)) {
      const as = await oauth.discover(server.url);
      const client = await oauth.register(as, [redirectUri]);
      const request = await oauth.createAuthorization(as, client, redirectUri, ['files:read']);
      const location = await authorizeAsUser(request.url, { username: 'demo', password: 'demo', decision: 'allow' });
      const parameters = oauth.validateCallback(as, client, new URL(location).searchParams, request.state);
      return { as, client, request, parameters, location };
    }

    it('checks iss (RFC 9207) and the state in the callback', async () => {
      const { as, client, request, location } = await authorized();
      const query = new URL(location).searchParams;
      assert.equal(query.get('iss'), server.url);
      const wrongIss = new URLSearchParams(query);
      wrongIss.set('iss', 'https://evil.example');
      assert.throws(
        () => oauth.validateCallback(as, client, wrongIss, request.state),
        (e: unknown) => e instanceof GitShareError && e.kind === 'protocol',
      );
      const wrongState = new URLSearchParams(query);
      wrongState.set('state', 'not-the-state-0000');
      assert.throws(() => oauth.validateCallback(as, client, wrongState, request.state), GitShareError);
    });

    it('exchanges a code once; a second use is invalid_grant (signInRequired)', async () => {
      const { as, client, request, parameters } = await authorized();
      const tokens = await oauth.exchangeCode(as, client, parameters, request);
      assert.ok(tokens.accessToken && tokens.refreshToken && tokens.expiresAt);
      await assert.rejects(
        oauth.exchangeCode(as, client, parameters, request),
        (e: unknown) => e instanceof GitShareError && e.kind === 'signInRequired' && e.code === 'invalid_grant',
      );
    });

    it('a verifier that does not match is invalid_grant', async () => {
      const { as, client, request, parameters } = await authorized();
      await assert.rejects(
        oauth.exchangeCode(as, client, parameters, { ...request, codeVerifier: 'A'.repeat(43) }),
        (e: unknown) => e instanceof GitShareError && e.code === 'invalid_grant',
      );
    });

    it('does not follow a redirect from the token endpoint', async () => {
      const { as, client, request, parameters } = await authorized();
      http.intercept = (url) =>
        url.endsWith('/oauth2/token/')
          ? Promise.resolve(new Response(null, { status: 307, headers: { location: 'https://evil.example/steal' } }))
          : undefined;
      await assert.rejects(oauth.exchangeCode(as, client, parameters, request), GitShareError);
      assert.ok(!http.requests.some((r) => r.url.includes('evil.example')));
    });

    it('with the real node-fetch too: a 307 is an error and the redirect target is never asked', async () => {
      let followed = false;
      const trap = nodeHttp.createServer((req, res) => {
        if (req.url === '/elsewhere') {
          followed = true;
        }
        res.writeHead(307, { location: '/elsewhere' }).end();
      });
      await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
      try {
        const origin = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
        const real = new OAuthClient(Logger.create(new MemoryLogSink()), {
          timeoutMs: 5_000,
          transport: nodeTransport(),
        });
        const { client, request, parameters } = await authorized();
        const trapAs = { issuer: origin, token_endpoint: `${origin}/oauth2/token/` };
        await assert.rejects(real.exchangeCode(trapAs, client, parameters, request), GitShareError);
        assert.equal(followed, false);
      } finally {
        trap.close();
      }
    });

    const badResponses: [string, () => Promise<Response>][] = [
      [
        'not JSON',
        () =>
          Promise.resolve(new Response('<html>hi</html>', { status: 200, headers: { 'content-type': 'text/html' } })),
      ],
      ['no access_token', () => jsonResponse(200, { token_type: 'Bearer', expires_in: 60 })],
      [
        'a token_type other than bearer',
        () => jsonResponse(200, { access_token: 'a'.repeat(20), token_type: 'mac', expires_in: 60 }),
      ],
    ];
    for (const [what, answer] of badResponses) {
      it(`refuses a token response with ${what}`, async () => {
        const { as, client, request, parameters } = await authorized();
        http.intercept = (url) => (url.endsWith('/oauth2/token/') ? answer() : undefined);
        await assert.rejects(
          oauth.exchangeCode(as, client, parameters, request),
          (e: unknown) => e instanceof GitShareError && e.kind === 'protocol',
        );
      });
    }

    it('accepts token_type in any case', async () => {
      const { as, client, request, parameters } = await authorized();
      http.intercept = (url) =>
        url.endsWith('/oauth2/token/')
          ? jsonResponse(200, {
              access_token: 'b'.repeat(20),
              token_type: 'BEARER',
              expires_in: 60,
              refresh_token: 'r'.repeat(20),
            })
          : undefined;
      const tokens = await oauth.exchangeCode(as, client, parameters, request);
      assert.ok(tokens.expiresAt! > Date.now() + 59_000);
    });

    it('refresh rotates the refresh token; the old one then fails; revoke ends a grant', async () => {
      const { as, client, request, parameters } = await authorized();
      const first = await oauth.exchangeCode(as, client, parameters, request);
      const second = await oauth.refresh(as, client, first.refreshToken!);
      assert.ok(second.refreshToken && second.refreshToken !== first.refreshToken, 'rotated');
      const third = await oauth.refresh(as, client, second.refreshToken!);
      await oauth.revoke(as, client, third.refreshToken!);
      await assert.rejects(
        oauth.refresh(as, client, third.refreshToken!),
        (e: unknown) => e instanceof GitShareError && e.kind === 'signInRequired',
      );
      // Revoking an unknown token is fine (RFC 7009).
      await oauth.revoke(as, client, 'unknown-token-value-1234');
    });

    it('reads the account from /api/v1/user with the bearer header only (through the API client, as sign-in does)', async () => {
      const { as, client, request, parameters } = await authorized();
      const tokens = await oauth.exchangeCode(as, client, parameters, request);
      const user = await new GitShareClient({
        serverUrl: server.url,
        tokens: { getAccessToken: async () => tokens.accessToken, refreshAfterUnauthorized: () => Promise.reject() },
        logger: Logger.create(new MemoryLogSink()),
        transport: http.transport,
      }).user();
      assert.equal(user.username, 'demo');
      const call = http.requests.at(-1)!;
      assert.ok(!call.url.includes('access_token'));
      assert.ok(call.headers.authorization!.startsWith('Bearer '));
    });
  });
});
