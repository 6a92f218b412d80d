/**
 * The GitShare AuthenticationProvider inside a real VS Code (code-server's
 * extension host), against the local server the harness started
 * (GITSHARE_TEST_SERVER_URL, with --faults).
 *
 * The one step a test in the extension host cannot take is the person in the
 * browser: the extension's one test seam (src/workbench/interaction.ts) answers
 * "open the browser" with code that walks the server's real sign-in and consent pages, then follows the
 * 302 to the real callback URL of this VS Code, so the real UriHandler
 * receives the code. Everything else is the product's own path: the Accounts
 * menu's "Sign in with GitShare" command, asExternalUri, registration,
 * the token request, SecretStorage.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError } from '../../../src/common/errors';
import { AUTH_PROVIDER_ID, Commands, EXTENSION_ID } from '../../../src/common/constants';
import type { GitShareTestApi } from '../../../src/testing/testApi';
import { callbackPathFor } from '../../../src/oauth/pendingSignIns';
import { authorizeAsUser } from '../../server/browser';
import { eventually } from '../../support/wait';
import { activateForTest, SCOPES, serverUrl, sessionToken, withAnswers } from '../helpers';

async function control(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${serverUrl}/__test__/${path}`, {
    method: body === undefined && path === 'stats' ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `control ${path}: HTTP ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

interface Stats {
  requests: Record<string, number>;
  tokenRequests: Record<string, number>;
  revocations: number;
}

async function stats(): Promise<Stats> {
  return (await control('stats')) as Stats;
}

function waitForSessionChange(timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error('no session change'));
    }, timeoutMs);
    const subscription = vscode.authentication.onDidChangeSessions((e) => {
      if (e.provider.id === AUTH_PROVIDER_ID) {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      }
    });
  });
}

/** The extension's own log files (tokens never appear in them). */
function readGitShareLog(): string {
  const sandbox = process.env.HOME ? path.dirname(process.env.HOME) : '';
  const logs = path.join(sandbox, 'user-data', 'logs');
  if (!sandbox || !fs.existsSync(logs)) {
    return '';
  }
  return fs
    .readdirSync(logs, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('GitShare.log'))
    .map((file) => fs.readFileSync(path.join(logs, file), 'utf8'))
    .join('\n');
}

/** Printed when a test fails. */
function printGitShareLog(): void {
  const lines = readGitShareLog()
    .split('\n')
    .filter((l) => l.includes('[auth]'));
  console.log(`--- GitShare log (auth lines) ---\n${lines.slice(-40).join('\n')}`);
}

/**
 * The commands behind the Accounts menu's "Sign in with GitShare to use GitShare"
 * entry, as VS Code registers them for a request of GitShare's: one while the
 * request stands, none once VS Code took it away (and the badge with it).
 */
async function accountsMenuSignInCommands(): Promise<string[]> {
  const pattern = new RegExp(`^${AUTH_PROVIDER_ID}:${EXTENSION_ID.replace(/\./g, '\\.')}:signIn\\d+$`, 'i');
  return (await vscode.commands.getCommands(false)).filter((id) => pattern.test(id));
}

/** The Accounts menu's "Sign in with GitShare to use GitShare" entry's command, once VS Code registered it. */
async function accountsMenuSignInCommand(): Promise<string> {
  const [command] = await eventually(
    async () => {
      const commands = await accountsMenuSignInCommands();
      return commands.length ? commands : undefined;
    },
    'the Accounts menu\'s "Sign in with GitShare" entry',
    5_000,
    100,
  );
  return command!;
}

describe('auth: signing in to GitShare in a real VS Code', function () {
  this.timeout(120_000);
  let api: GitShareTestApi;
  /** What the "browser" saw, for the byte-exact redirect URI checks. */
  const seen: { authorizeUrls: string[]; locations: string[] } = { authorizeUrls: [], locations: [] };
  /** When set, the "browser" delivers only a forged callback, then the person gives up. */
  let forgeOnly = false;

  before(async function () {
    // No server address is a broken run, never a pass (the harness checks it too).
    assert.ok(serverUrl, 'GITSHARE_TEST_SERVER_URL did not reach the extension host');
    api = await activateForTest();
    api.setInteraction({
      openExternal: async (url) => {
        seen.authorizeUrls.push(url);
        console.log('[test browser] signing in on the consent page');
        const location = await authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' });
        seen.locations.push(location);
        console.log(`[test browser] redirected to ${new URL(location).origin}${new URL(location).pathname}`);
        if (forgeOnly) {
          // An attacker's page sends the browser to the callback with a state of its own. (In VS Code
          // for the web each callback URL is delivered once, so the real one cannot follow.)
          const forged = new URL(location);
          forged.searchParams.set('state', 'forged-state-0123456789');
          await vscode.env.openExternal(forged.toString() as unknown as vscode.Uri);
          // The test asserts the log line; here it only waits for it before cancelling.
          await eventually(
            () => readGitShareLog().includes('Ignored a sign-in callback'),
            'the forged callback in the log',
            10_000,
          ).catch(() => undefined);
          throw new CancelledError();
        }
        // The browser follows the 302 to this VS Code's callback URL: its page hands the URI to
        // the workbench (in VS Code for the web through localStorage), which calls our UriHandler.
        const opened = await vscode.env.openExternal(location as unknown as vscode.Uri);
        console.log(`[test browser] callback page opened: ${opened}`);
        return true;
      },
    });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      printGitShareLog();
    }
  });

  after(async () => {
    api?.setInteraction(undefined);
  });

  it('registers the GitShare provider and, signed out, a silent getSession is empty', async () => {
    const session = await vscode.authentication.getSession(AUTH_PROVIDER_ID, SCOPES, { silent: true });
    assert.equal(session, undefined);
    const commands = await vscode.commands.getCommands(true);
    for (const id of [Commands.signIn, Commands.signInWithCode, Commands.setClientSecret]) {
      assert.ok(commands.includes(id), id);
    }
  });

  it('asks for a session at start, so the Accounts menu offers "Sign in with GitShare"', async () => {
    await accountsMenuSignInCommand();
  });

  it('ignores a forged callback while a sign-in waits: it reaches the UriHandler, no token request', async () => {
    const before = await stats();
    forgeOnly = true;
    try {
      await vscode.commands.executeCommand(await accountsMenuSignInCommand()).then(undefined, () => undefined);
    } finally {
      forgeOnly = false;
    }
    assert.ok(
      readGitShareLog().includes('Ignored a sign-in callback with an unknown state'),
      'the forged callback reached the UriHandler and was ignored',
    );
    const after = await stats();
    assert.equal(after.tokenRequests.authorization_code, before.tokenRequests.authorization_code);
    assert.equal(api.accounts().length, 0);
  });

  it('signs in from the Accounts menu: browser, Allow, callback through the UriHandler, session', async function () {
    this.timeout(170_000);
    const before = await stats();
    const changed = waitForSessionChange(160_000);
    const started = Date.now();
    await vscode.commands.executeCommand(await accountsMenuSignInCommand());
    await changed;
    console.log(`[test] signed in after ${Date.now() - started} ms`);
    const session = await vscode.authentication.getSession(AUTH_PROVIDER_ID, SCOPES, { silent: true });
    assert.ok(session, 'a session');
    assert.equal(session.account.label, 'demo');
    assert.deepEqual([...session.scopes].sort(), SCOPES);
    assert.equal(api.accounts().length, 1);
    assert.equal(api.accounts()[0]!.authority, `demo@${new URL(serverUrl).host}`);
    const after = await stats();
    assert.equal(after.tokenRequests.authorization_code! - before.tokenRequests.authorization_code!, 1);
    // Signed in, the request is answered: VS Code takes the entry (and its "1" badge) away.
    await eventually(
      async () => (await accountsMenuSignInCommands()).length === 0,
      'the sign-in request withdrawn once signed in',
    );

    // One redirect URI, byte for byte: authorize, the browser's return, and (server-checked) the token request.
    const redirectUri = new URL(seen.authorizeUrls.at(-1)!).searchParams.get('redirect_uri')!;
    assert.ok(
      seen.locations.at(-1)!.startsWith(redirectUri + (redirectUri.includes('?') ? '&' : '?')),
      'the browser came back to the registered redirect URI',
    );
    // This server's own callback path (mix-up defence), routed back to the UriHandler.
    // code-server carries the path in `vscode-path`; desktop VS Code in the URI's own path.
    const sent = new URL(redirectUri);
    assert.equal(sent.searchParams.get('vscode-path') ?? sent.pathname, await callbackPathFor(serverUrl));
    const external = (
      await vscode.env.asExternalUri(
        vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}${await callbackPathFor(serverUrl)}`),
      )
    ).toString(true);
    assert.equal(sent.pathname, new URL(external).pathname);

    // The token works against the API.
    const response = await fetch(`${serverUrl}/api/v1/user`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });

  it('refreshes when the access token expires, once, and the new token works', async () => {
    const oldToken = await sessionToken();
    await control('expire-access-tokens', {});
    const before = await stats();
    // Ten files read at once through the gitshare: file system, as ten editors would.
    const reads = await Promise.all(
      Array.from({ length: 10 }, () =>
        vscode.workspace.fs.stat(vscode.Uri.parse(`gitshare://${api.accounts()[0]!.authority}/README.md`)),
      ),
    );
    assert.equal(reads.length, 10);
    const after = await stats();
    assert.equal(
      after.tokenRequests.refresh_token! - before.tokenRequests.refresh_token!,
      1,
      'one refresh for all of them',
    );
    const newToken = await sessionToken();
    assert.notEqual(newToken, oldToken, 'VS Code hands out the refreshed token');
    const response = await fetch(`${serverUrl}/api/v1/user`, { headers: { authorization: `Bearer ${newToken}` } });
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });

  it('refreshes a token that is about to expire before using it, while it is still valid: one refresh, no 401 at the server', async () => {
    const readme = vscode.Uri.parse(`gitshare://${api.accounts()[0]!.authority}/README.md`);
    const TTL_MS = 20_000;
    await control('token-ttl', { seconds: TTL_MS / 1000 });
    try {
      // End the current token; the next read refreshes and gets one that lives 20 s at the server.
      await control('expire-access-tokens', {});
      // Taken before the read that gets the new token: the server issued it later, so it
      // expires at the server after issued + TTL_MS.
      const issued = Date.now();
      await vscode.workspace.fs.readFile(readme);
      const first = await sessionToken();
      const before = await stats();
      // Keep reading the file, as an open editor reloading it would, until the server sees a
      // refresh. (A read always fetches the bytes; a stat may answer from a moment-old entry.)
      let reads = 0;
      const refreshedBy = await eventually(
        async () => {
          // A read that fails on the way is one more look, as an editor would reload again.
          if (
            !(await vscode.workspace.fs.readFile(readme).then(
              () => true,
              () => false,
            ))
          ) {
            return undefined;
          }
          reads++;
          const now = await stats();
          return now.tokenRequests.refresh_token! > before.tokenRequests.refresh_token! ? Date.now() : undefined;
        },
        'a refresh at the server',
        TTL_MS * 2,
      );
      const after = await stats();
      // The refresh happened by refreshedBy; the token expired at the server after issued + TTL_MS.
      assert.ok(
        refreshedBy - issued < TTL_MS,
        `refreshed by ${refreshedBy - issued} ms after the token was issued: before it expired (${TTL_MS} ms)`,
      );
      assert.equal(after.tokenRequests.refresh_token! - before.tokenRequests.refresh_token!, 1, 'one refresh');
      // A 401 would have meant a second request for one of the reads, after a refresh.
      const fileRequests = (after.requests['GET /api/v1/files'] ?? 0) - (before.requests['GET /api/v1/files'] ?? 0);
      assert.equal(fileRequests, reads, `one request per read (${reads} reads): no 401 and replay`);
      const second = await sessionToken();
      assert.notEqual(second, first, 'VS Code hands out the new token');
      const response = await fetch(`${serverUrl}/api/v1/user`, { headers: { authorization: `Bearer ${second}` } });
      assert.equal(response.status, 200);
      await response.body?.cancel();
    } finally {
      await control('token-ttl', { seconds: 3600 });
    }
  });

  it('signs out: revoked at the server, gone from VS Code and the secret storage', async () => {
    const session = (await vscode.authentication.getSession(AUTH_PROVIDER_ID, SCOPES, { silent: true }))!;
    const before = await stats();
    // "GitShare: Sign Out…", first answered with Cancel: nothing happens.
    await withAnswers(api, { confirm: async () => false }, () =>
      Promise.resolve(vscode.commands.executeCommand(Commands.signOut)),
    );
    assert.equal(api.accounts().length, 1, 'Cancel keeps the account');
    assert.equal((await stats()).revocations, before.revocations, 'and revokes nothing');
    const changed = waitForSessionChange();
    // Then confirmed, as a person would. (The Accounts menu's Sign Out is in the e2e layer.)
    const confirmations: string[] = [];
    await withAnswers(
      api,
      {
        confirm: async (question) => {
          confirmations.push(question.message);
          return true;
        },
      },
      () => Promise.resolve(vscode.commands.executeCommand(Commands.signOut)),
    );
    await changed;
    assert.deepEqual(confirmations, [`Sign out of GitShare as demo on ${new URL(serverUrl).host}?`]);
    assert.equal(await vscode.authentication.getSession(AUTH_PROVIDER_ID, SCOPES, { silent: true }), undefined);
    assert.equal(api.accounts().length, 0);
    // Nobody signed in again: the Accounts menu offers "Sign in with GitShare" again.
    await accountsMenuSignInCommand();
    const after = await stats();
    assert.ok(after.revocations > before.revocations);
    const response = await fetch(`${serverUrl}/api/v1/user`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    assert.equal(response.status, 401);
    await response.body?.cancel();
  });
});
