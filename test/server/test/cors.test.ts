import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { RunningServer } from '../index';
import { CORS_EXPOSE_HEADERS } from '../cors';
import { raw, signIn, type RawResponse } from '../../support/serverHttp';
import { startTestServer } from '../../support/testServer';

/**
 * Contract section 4: a GitShare that serves VS Code in the browser answers CORS on the token,
 * registration, revocation, metadata and API endpoints, errors included, for the page's origin
 * (on vscode.dev a random `https://<uuid>.vscode-cdn.net`). The local server does so with `cors`
 * (`--cors`, on in `npm start`), and sends no CORS header at all without it.
 */

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Names of the CORS headers an answer carries. */
function corsHeaders(headers: http.IncomingHttpHeaders): string[] {
  return Object.keys(headers).filter((name) => name.startsWith('access-control-'));
}

function varies(response: RawResponse, name: string): boolean {
  return String(response.headers.vary ?? '')
    .split(',')
    .some((v) => v.trim().toLowerCase() === name.toLowerCase());
}

/** What every answer to a request from an allowed origin carries, whatever its status. */
function assertReadable(response: RawResponse, origin: string, what: string): void {
  assert.equal(response.headers['access-control-allow-origin'], origin, `${what}: the origin is allowed`);
  assert.ok(varies(response, 'Origin'), `${what}: Vary: Origin (got ${response.headers.vary})`);
  assert.equal(response.headers['access-control-expose-headers'], CORS_EXPOSE_HEADERS, `${what}: exposed headers`);
  assert.equal(response.headers['access-control-allow-credentials'], undefined, `${what}: no credentials`);
}

const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();

describe('local server: CORS for VS Code in the browser (contract section 4)', () => {
  const origin = `https://${randomUUID()}.vscode-cdn.net`;

  describe('with cors on', () => {
    let server: RunningServer;
    let token: string;
    before(async () => {
      server = await startTestServer({ cors: true });
      token = (await signIn(server)).tokens.access_token;
    });
    after(async () => {
      await server.close();
    });

    it('a preflight to each endpoint a browser fetches gets 204 with the methods, the requested headers and a max age', async () => {
      const requested = 'authorization, if-match, if-none-match, content-type, range';
      for (const [path, method] of [
        ['/api/v1/files/notes/todo.md', 'PUT'],
        ['/api/v1/folders/', 'GET'],
        ['/oauth2/token/', 'POST'],
        ['/oauth2/register/', 'POST'],
        ['/oauth2/register/some-client', 'DELETE'],
        ['/oauth2/revoke_token/', 'POST'],
        ['/.well-known/oauth-authorization-server', 'GET'],
      ] as const) {
        const preflight = await raw(server, 'OPTIONS', path, {
          Origin: origin,
          'Access-Control-Request-Method': method,
          'Access-Control-Request-Headers': requested,
        });
        const what = `OPTIONS ${path}`;
        assert.equal(preflight.status, 204, what);
        assert.equal(preflight.headers['access-control-allow-origin'], origin, what);
        assert.deepEqual(
          String(preflight.headers['access-control-allow-methods'])
            .split(',')
            .map((m) => m.trim()),
          ALL_METHODS,
          what,
        );
        assert.equal(preflight.headers['access-control-allow-headers'], requested, what);
        assert.match(String(preflight.headers['access-control-max-age']), /^[1-9]\d*$/, what);
        assert.ok(varies(preflight, 'Origin'), what);
        assert.equal(preflight.body.length, 0, what);
      }
    });

    it('a read from the origin is readable with its ETag, and so are 401, 400 invalid_grant and 412', async () => {
      const read = await raw(server, 'GET', '/api/v1/files/README.md', {
        Origin: origin,
        Authorization: `Bearer ${token}`,
      });
      assert.equal(read.status, 200);
      assertReadable(read, origin, 'GET a file');
      assert.ok(read.headers.etag, 'the ETag the browser now lets the extension read');

      const listing = await raw(server, 'GET', '/api/v1/folders/', {
        Origin: origin,
        Authorization: `Bearer ${token}`,
      });
      assert.equal(listing.status, 200);
      assertReadable(listing, origin, 'GET a folder');

      const unauthorized = await raw(server, 'GET', '/api/v1/user', { Origin: origin, Authorization: 'Bearer nope' });
      assert.equal(unauthorized.status, 401);
      assertReadable(unauthorized, origin, '401');
      assert.match(String(unauthorized.headers['www-authenticate']), /^Bearer /);

      const badGrant = await raw(
        server,
        'POST',
        '/oauth2/token/',
        { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        form({ grant_type: 'refresh_token', refresh_token: 'not-a-token', client_id: 'nobody' }),
      );
      assert.equal(badGrant.status >= 400 && badGrant.status < 500, true, `token error: ${badGrant.status}`);
      assertReadable(badGrant, origin, `token error ${badGrant.status}`);

      const stale = await raw(
        server,
        'PUT',
        '/api/v1/files/notes/todo.md',
        { Origin: origin, Authorization: `Bearer ${token}`, 'If-Match': '"not-the-etag"' },
        'changed in the browser',
      );
      assert.equal(stale.status, 412);
      assertReadable(stale, origin, '412');
      assert.equal(stale.json().error, 'precondition_failed');
    });

    it('a refresh with a used-up refresh token: 400 invalid_grant, readable', async () => {
      const { client, tokens } = await signIn(server);
      const refresh = (): Promise<RawResponse> =>
        raw(
          server,
          'POST',
          '/oauth2/token/',
          { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
          form({
            grant_type: 'refresh_token',
            refresh_token: tokens.refresh_token,
            client_id: client.client_id,
            client_secret: client.client_secret ?? '',
          }),
        );
      const first = await refresh();
      assert.equal(first.status, 200);
      assertReadable(first, origin, 'token 200');
      const again = await refresh();
      assert.equal(again.status, 400);
      assert.equal(again.json().error, 'invalid_grant');
      assertReadable(again, origin, 'invalid_grant');
    });

    it('the authorize page is a navigation, not a fetch: no CORS there', async () => {
      const page = await raw(server, 'GET', '/oauth2/authorize/?response_type=code', { Origin: origin });
      assert.deepEqual(corsHeaders(page.headers), []);
    });
  });

  it('with cors limited to some origins, another origin gets no CORS header', async () => {
    const allowed = `https://${randomUUID()}.vscode-cdn.net`;
    const server = await startTestServer({ cors: [allowed] });
    try {
      const other = await raw(server, 'GET', '/.well-known/oauth-authorization-server', { Origin: origin });
      assert.equal(other.status, 200);
      assert.deepEqual(corsHeaders(other.headers), []);
      assert.ok(varies(other, 'Origin'), 'the answer still depends on the Origin');
      const mine = await raw(server, 'GET', '/.well-known/oauth-authorization-server', { Origin: allowed });
      assertReadable(mine, allowed, 'the allowed origin');
    } finally {
      await server.close();
    }
  });

  it('with cors off (the default): no CORS header on a preflight, an answer or an error', async () => {
    const server = await startTestServer();
    try {
      const token = (await signIn(server)).tokens.access_token;
      const answers = [
        await raw(server, 'OPTIONS', '/api/v1/folders/', {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
        }),
        await raw(server, 'GET', '/api/v1/folders/', { Origin: origin, Authorization: `Bearer ${token}` }),
        await raw(server, 'GET', '/api/v1/user', { Origin: origin, Authorization: 'Bearer nope' }),
        await raw(
          server,
          'POST',
          '/oauth2/token/',
          { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
          form({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'nobody' }),
        ),
      ];
      assert.equal(answers[1]!.status, 200);
      assert.equal(answers[2]!.status, 401);
      for (const answer of answers) {
        assert.deepEqual(corsHeaders(answer.headers), [], `status ${answer.status}`);
        assert.ok(!varies(answer, 'Origin'), `status ${answer.status}: no Vary: Origin`);
      }
    } finally {
      await server.close();
    }
  });
});
