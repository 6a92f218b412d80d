/**
 * Secrets: after a verbose run in the real extension host (log
 * level trace; sign in, refresh, transfers, a 404, a 503 window, sign out),
 * no token, code, verifier or client secret is anywhere a person or another
 * extension could read it.
 *
 * What is searched:
 * - the GitShare log file(s) of this extension host (<sandbox>/user-data/logs/…/GitShare.log);
 * - every gitshare.* setting at every level (`inspect`) and the whole `gitshare` section;
 * - every file under the sandbox code-server runs in (HOME, TMPDIR, XDG folders, user data with
 *   settings.json, logs, the workspace, the local server's data folder), recursively;
 * - the harness's captured output of this run (.test-output/integration-*.log: the test
 *   output and the workbench's console);
 * - the errors thrown to the test during the run (message, stack, own properties, causes).
 *
 * For what: the values the test can see (each access token the account's token source hands out
 * getSession, each authorization code — the test plays the browser), and, since the
 * refresh token, the client secret, the registration token and the PKCE verifier cannot
 * be read from outside the extension, every 43-character base64url string in the searched
 * text is checked against the server's stored SHA-256 hashes (the server keeps only those,
 * in <data>/gitshare.sqlite and its WAL) and against the code_challenge of each authorize URL
 * (the verifier's S256). A match would be one of the server's secrets.
 *
 * SecretStorage in code-server is not under the sandbox: the workbench in the browser keeps
 * it in localStorage ("secrets.provider"), sealed with AES-GCM-256 under a key half minted by
 * code-server (<user-data>/serve-web-key-half, a random key, no secret of ours). globalState
 * and workspaceState of a remote window likewise live in the browser's IndexedDB. The
 * extension uses neither (src/sessions/tokenStore.ts), so nothing is excluded from the search.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, SETTINGS_SECTION } from '../../../src/common/constants';
import type { AccountSummary, GitShareTestApi } from '../../../src/testing/testApi';
import { downloadTo, uploadByCommand } from '../helpers';
import {
  activate,
  clearFaults,
  control,
  fault,
  gitshareUri,
  serverUrl,
  sessionToken,
  signInWithCode,
  signOutAll,
  SignInSeen,
  stats,
} from './helpers';
import { eventually } from '../../support/wait';

const sandbox = process.env.HOME ? path.dirname(process.env.HOME) : '';
const serverData = process.env.GITSHARE_TEST_SERVER_DATA ?? '';
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** randomToken(32) at the server and oauth4webapi's verifier: 32 bytes, base64url. */
const TOKEN_SHAPE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile()) {
        out.push(full);
      }
    }
  };
  walk(root);
  return out;
}

function readGitShareLogs(): { files: string[]; text: string } {
  const files = listFiles(path.join(sandbox, 'user-data', 'logs')).filter((f) => f.endsWith(`${path.sep}GitShare.log`));
  return { files, text: files.map((f) => fs.readFileSync(f, 'utf8')).join('\n') };
}

function describeError(error: unknown, depth = 0): string {
  if (depth > 4 || error === undefined || error === null) {
    return '';
  }
  if (!(error instanceof Error)) {
    return String(error);
  }
  const own: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(error)) {
    own[key] = (error as unknown as Record<string, unknown>)[key];
  }
  let props: string;
  try {
    props = JSON.stringify(own, (k, v: unknown) => (k === 'cause' ? undefined : v));
  } catch {
    props = Object.keys(own).join(',');
  }
  return [
    error.name,
    error.message,
    error.stack ?? '',
    props,
    String(error),
    describeError(error.cause, depth + 1),
  ].join('\n');
}

const sha256hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const sha256b64url = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64url');

describe('reliability: no secret anywhere after a verbose run in the real extension host', function () {
  this.timeout(30_000);
  let api: GitShareTestApi;
  let account: AccountSummary;
  let tmp: string;
  let previousLogLevel: string | undefined;
  const seen: SignInSeen = { authorizeUrls: [], codes: [] };
  const accessTokens = new Set<string>();
  const thrown: unknown[] = [];

  before(async function () {
    assert.ok(serverUrl && sandbox, 'the server address or the sandbox did not reach the extension host');
    api = await activate();
    previousLogLevel = await vscode.commands.executeCommand<string>('_extensionTests.getLogLevel');
    // The command VS Code offers extension tests (only while extensionTestsLocationURI is set).
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'trace');
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-secrets-it-'));
  });

  after(async () => {
    await clearFaults().catch(() => undefined);
    await signOutAll(api);
    if (previousLogLevel) {
      await vscode.commands.executeCommand('_extensionTests.setLogLevel', previousLogLevel);
    }
    if (tmp) {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  });

  it('runs verbosely: sign in, refresh, upload and download, a 404, a 503 window, sign out', async function () {
    this.timeout(60_000);
    assert.equal(await vscode.commands.executeCommand<string>('_extensionTests.getLogLevel'), 'trace');
    account = await signInWithCode(api, seen);
    assert.ok(seen.codes.length >= 1 && seen.codes.every((c) => c.length >= 20), 'the browser saw the code');
    accessTokens.add(await sessionToken());
    await vscode.workspace.fs.readDirectory(gitshareUri(account, '/'));

    // Refresh: expired at the server, then an API call through the file system.
    const before = await stats();
    await control('expire-access-tokens', {});
    await vscode.workspace.fs.readFile(gitshareUri(account, '/README.md'));
    const after = await stats();
    assert.equal(
      (after.tokenRequests.refresh_token ?? 0) - (before.tokenRequests.refresh_token ?? 0),
      1,
      'one refresh',
    );
    accessTokens.add(await sessionToken());
    assert.equal(accessTokens.size, 2, 'a new access token after the refresh');

    // Transfers.
    const local = path.join(tmp, 'secret-run.txt');
    await fsp.writeFile(local, 'uploaded during the secrets run');
    await uploadByCommand(api, gitshareUri(account, '/reliability-secrets'), [vscode.Uri.file(local)]);
    const dest = path.join(tmp, 'download');
    await fsp.mkdir(dest);
    await downloadTo(api, gitshareUri(account, '/reliability-secrets/secret-run.txt'), dest);
    assert.equal(await fsp.readFile(path.join(dest, 'secret-run.txt'), 'utf8'), 'uploaded during the secrets run');

    // Failures: a 404 and a 503 window, caught as a caller would.
    for (const attempt of [
      () => vscode.workspace.fs.stat(gitshareUri(account, '/no-such-file')),
      () => vscode.workspace.fs.readFile(gitshareUri(account, '/no/such/file.txt')),
      async () => {
        await fault({ kind: '503', retryAfter: 0, count: 5, match: 'GET /api/v1/files' });
        return vscode.workspace.fs.readFile(gitshareUri(account, '/README.md'));
      },
    ]) {
      await Promise.resolve(attempt()).then(
        () => assert.fail('expected a failure'),
        (error: unknown) => thrown.push(error),
      );
    }
    await clearFaults();
    // A download of a missing file goes through the command's error handling (logged, shown).
    api.clearShownErrors();
    await downloadTo(api, gitshareUri(account, '/reliability-secrets/missing.txt'), dest);
    assert.equal(api.shownErrors().length, 1, 'the failed download was shown');
    thrown.push(...api.shownErrors().map((shown) => new Error(shown.message)));
    assert.ok(thrown.length >= 3, 'errors were thrown to the caller');
    await vscode.workspace.fs.delete(gitshareUri(account, '/reliability-secrets'), { recursive: true });

    // Sign out.
    await signOutAll(api);
    await eventually(() => readGitShareLogs().text.includes('Signed out demo'), 'the sign-out in the log', 15_000);
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', previousLogLevel ?? 'info');
  });

  it('finds none of them in the log, settings, sandbox files, test output or thrown errors', async function () {
    // Too few secrets seen means the run above failed (it says why): nothing to search is no pass.
    assert.ok(
      accessTokens.size >= 2 && seen.codes.length > 0,
      'the sign-in run above did not produce the secrets to search for',
    );
    const known = new Map<string, string>();
    [...accessTokens].forEach((t, i) => known.set(t, `access token #${i + 1}`));
    seen.codes.forEach((c, i) => known.set(c, `authorization code #${i + 1}`));

    // The hashes the server keeps of every code, token, client secret and registration token.
    const dbFiles = ['gitshare.sqlite', 'gitshare.sqlite-wal']
      .map((f) => path.join(serverData, f))
      .filter((f) => fs.existsSync(f));
    const serverHashes = new Set(
      dbFiles.flatMap(
        (f) =>
          fs
            .readFileSync(f)
            .toString('latin1')
            .match(/[0-9a-f]{64}/g) ?? [],
      ),
    );
    const challenges = new Set(
      seen.authorizeUrls.map((u) => new URL(u).searchParams.get('code_challenge')).filter((c): c is string => !!c),
    );
    // The detector works: it recognises what it can check directly.
    for (const [value, what] of known) {
      assert.ok(serverHashes.has(sha256hex(value)), `the server's hash of ${what} is found`);
    }
    assert.equal(challenges.size, seen.authorizeUrls.length, 'a code_challenge per sign-in');

    const places: { where: string; text: string }[] = [];
    const log = readGitShareLogs();
    assert.ok(log.files.length >= 1, 'the GitShare log file exists');
    // Verbose: trace/debug lines of the run are in the log (client.ts logs every request at debug).
    assert.match(log.text, /\[debug\] \[api\]|\[debug\].*→ 200/, 'the log has debug lines of the run');
    assert.match(log.text, /access token refreshed/);
    places.push({ where: 'GitShare log', text: log.text });

    const configuration = vscode.workspace.getConfiguration();
    const properties = Object.keys(
      (
        vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
          contributes: { configuration: { properties: Record<string, unknown> } };
        }
      ).contributes.configuration.properties,
    );
    assert.ok(properties.length >= 3);
    for (const key of properties) {
      places.push({ where: `setting ${key}`, text: JSON.stringify(configuration.inspect(key)) });
    }
    places.push({
      where: 'the gitshare section',
      text: JSON.stringify(vscode.workspace.getConfiguration(SETTINGS_SECTION)),
    });

    const sandboxFiles = listFiles(sandbox);
    const userSettings = path.join(sandbox, 'user-data', 'User', 'settings.json');
    assert.ok(sandboxFiles.includes(userSettings), 'the user settings.json is searched');
    assert.match(fs.readFileSync(userSettings, 'utf8'), /gitshare\.serverUrl/);
    const outputDir = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, '.test-output');
    const outputs = ['integration-workbench.log', 'integration-code-server.log']
      .map((f) => path.join(outputDir, f))
      .filter((f) => fs.existsSync(f));
    let bytes = 0;
    for (const file of [...sandboxFiles, ...outputs]) {
      try {
        const stat = fs.statSync(file);
        if (stat.size > MAX_FILE_BYTES) {
          places.push({ where: `${file} (first ${MAX_FILE_BYTES} bytes)`, text: '' });
        }
        const buffer = fs.readFileSync(file).subarray(0, MAX_FILE_BYTES);
        bytes += buffer.length;
        places.push({ where: file, text: buffer.toString('latin1') });
      } catch {
        // A socket or a file that went away.
      }
    }
    places.push(...thrown.map((e, i) => ({ where: `thrown error #${i + 1}`, text: describeError(e) })));

    const found: string[] = [];
    let candidates = 0;
    for (const { where, text } of places) {
      for (const [value, what] of known) {
        if (text.includes(value) || text.includes(encodeURIComponent(value))) {
          found.push(`${what} in ${where}`);
        }
      }
      for (const candidate of new Set(text.match(TOKEN_SHAPE) ?? [])) {
        candidates++;
        if (serverHashes.has(sha256hex(candidate))) {
          found.push(`a secret the server issued (sha256 ${sha256hex(candidate).slice(0, 12)}…) in ${where}`);
        }
        if (challenges.has(sha256b64url(candidate))) {
          found.push(`a PKCE verifier in ${where}`);
        }
      }
    }
    console.log(
      `[secrets] searched ${places.length} places (${log.files.length} log file(s), ${properties.length} settings, ${sandboxFiles.length} sandbox files, ` +
        `${outputs.length} output logs, ${thrown.length} errors; ${Math.round(bytes / 1024)} KiB) for ${known.size} known values and ` +
        `${candidates} token-shaped strings against ${serverHashes.size} server hashes and ${challenges.size} challenge(s)`,
    );
    assert.deepEqual(found, [], 'no secret found');
  });
});
