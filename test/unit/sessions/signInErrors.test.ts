/**
 * Every way a sign-in can fail ends in one typed error whose message a person
 * can act on: it says what to do, and carries no JavaScript error text (the
 * provider shows exactly `Sign in to GitShare: <message>`). Each failure is
 * made at the boundary the real server cannot produce on demand (the fetch),
 * or by the real local server where it can.
 */
import assert from 'node:assert/strict';
import * as nodeHttp from 'node:http';
import type { AddressInfo } from 'node:net';
import { GitShareError, isCancellation, toGitShareError } from '../../../src/common/errors';
import type { FetchInit } from '../../../src/oauth/oauthHttp';
import { authorizeAsUser, RunningServer } from '../../server/index';
import { AuthStack, callbackOf, codeServerRedirectUri, startTestServer } from '../helpers/authStack';

/** What a person is told to do. */
const SAYS_WHAT_TO_DO =
  /try again|check (your|the|them)|sign(ing)? in again|enter them again|register an application|show the log/i;
/** What must never reach a person. */
const RAW_TEXT =
  /TypeError|ReferenceError|is not a function|undefined|null|\bat [\w.]+ \(|ECONN|EPIPE|fetch failed|oauth4webapi|OperationProcessingError|ResponseBodyError|\[object|Error:|\{|"/;

type Intercept = (url: string, init: FetchInit) => Promise<Response> | undefined;
const on =
  (path: string, answer: () => Promise<Response>): Intercept =>
  (url) =>
    new URL(url).pathname === path ? answer() : undefined;
const json = (status: number, body: unknown) => Promise.resolve(Response.json(body, { status }));
const text = (status: number, body: string, type = 'text/html') =>
  Promise.resolve(new Response(body, { status, headers: { 'content-type': type } }));

describe('sessions: every sign-in failure says what to do, in plain words', () => {
  let server: RunningServer;
  let silent: nodeHttp.Server;
  let silentUrl: string;
  before(async () => {
    server = await startTestServer();
    // Accepts connections and never answers: the timeout path.
    silent = nodeHttp.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  after(async () => {
    silent.closeAllConnections();
    silent.close();
    await server.close();
  });

  const cases: [
    string,
    { intercept?: Intercept; serverUrl?: () => string; browser?: 'deny-with-error' | 'paste-garbage' },
  ][] = [
    ['the server cannot be reached', { serverUrl: () => 'http://127.0.0.1:9' }],
    ['the server never answers', { serverUrl: () => silentUrl }],
    ['discovery fails with 500', { intercept: on('/.well-known/oauth-authorization-server', () => text(500, 'oops')) }],
    [
      'discovery names another issuer',
      { intercept: on('/.well-known/oauth-authorization-server', () => json(200, { issuer: 'https://evil.example' })) },
    ],
    ['registration fails with 500', { intercept: on('/oauth2/register/', () => json(500, { error: 'server_error' })) }],
    [
      'registration is refused (400)',
      { intercept: on('/oauth2/register/', () => json(400, { error: 'invalid_redirect_uri' })) },
    ],
    ['registration is missing (404)', { intercept: on('/oauth2/register/', () => json(404, { error: 'not_found' })) }],
    ['the authorize page sends an error back', { browser: 'deny-with-error' }],
    ['a mistyped pasted code', { browser: 'paste-garbage' }],
    [
      'the token endpoint says invalid_client (401)',
      { intercept: on('/oauth2/token/', () => json(401, { error: 'invalid_client' })) },
    ],
    ['the token endpoint says 401 with no body', { intercept: on('/oauth2/token/', () => text(401, '')) }],
    [
      'the token endpoint fails with 500',
      { intercept: on('/oauth2/token/', () => json(500, { error: 'server_error' })) },
    ],
    [
      'the token endpoint is missing (404 HTML)',
      { intercept: on('/oauth2/token/', () => text(404, '<html>Not found</html>')) },
    ],
    ['the token answer is HTML', { intercept: on('/oauth2/token/', () => text(200, '<html>hi</html>')) }],
    [
      'the token answer has no access_token',
      { intercept: on('/oauth2/token/', () => json(200, { token_type: 'Bearer' })) },
    ],
    [
      'the token answer has no token_type',
      { intercept: on('/oauth2/token/', () => json(200, { access_token: 'a'.repeat(30) })) },
    ],
    [
      'the token answer is a mac token',
      { intercept: on('/oauth2/token/', () => json(200, { access_token: 'a'.repeat(30), token_type: 'mac' })) },
    ],
    [
      'the token answer is 2 MiB',
      { intercept: on('/oauth2/token/', () => text(200, 'x'.repeat(2 * 1024 * 1024), 'application/json')) },
    ],
    [
      'the token endpoint redirects',
      {
        intercept: on('/oauth2/token/', () =>
          Promise.resolve(new Response(null, { status: 302, headers: { location: 'https://evil.example/' } })),
        ),
      },
    ],
    ['/api/v1/user says 401', { intercept: on('/api/v1/user', () => json(401, { error: 'invalid_token' })) }],
    ['/api/v1/user fails with 503', { intercept: on('/api/v1/user', () => json(503, { error: 'unavailable' })) }],
    ['/api/v1/user is not JSON', { intercept: on('/api/v1/user', () => text(200, '<html></html>')) }],
    ['/api/v1/user has no username', { intercept: on('/api/v1/user', () => json(200, { id: 1 })) }],
    [
      '/api/v1/user connection breaks',
      {
        intercept: on('/api/v1/user', () =>
          Promise.reject(Object.assign(new TypeError('fetch failed'), { code: 'ECONNRESET' })),
        ),
      },
    ],
  ];

  for (const [what, scenario] of cases) {
    it(what, async () => {
      const stack = new AuthStack();
      try {
        stack.http.intercept = scenario.intercept;
        const serverUrl = scenario.serverUrl?.() ?? server.url;
        const redirectUri = codeServerRedirectUri(1, serverUrl);
        const error = await stack.flow
          .signIn({
            serverUrl,
            scopes: ['files:read', 'files:write'],
            redirectUri: scenario.browser === 'paste-garbage' ? 'urn:ietf:wg:oauth:2.0:oob' : redirectUri,
            timeoutMs: 10_000,
            openBrowser: async (url) => {
              if (scenario.browser === 'paste-garbage') {
                return;
              }
              const location =
                scenario.browser === 'deny-with-error'
                  ? `${redirectUri}&error=server_error&state=${new URL(url).searchParams.get('state')}`
                  : await authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' });
              const { query, path } = callbackOf(location);
              stack.pending.handleCallback(query, path);
            },
            promptForCode: async () => 'not-a-code-0000',
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        assert.ok(error !== undefined, 'the sign-in failed');
        assert.ok(error instanceof GitShareError && !isCancellation(error), `a typed error, not ${String(error)}`);
        const shown = `Sign in to GitShare: ${toGitShareError(error).message}`;
        assert.match(shown, SAYS_WHAT_TO_DO, shown);
        assert.doesNotMatch(shown, RAW_TEXT, shown);
        assert.deepEqual(await stack.store.readSessions(), [], 'nothing stored');
      } finally {
        stack.dispose();
      }
    });
  }
});
