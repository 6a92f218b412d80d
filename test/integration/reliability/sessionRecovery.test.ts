/**
 * Keeping the session alive, and the server restarting while VS Code stays
 * open, in the real extension host against the harness's local server
 * (started with --faults on 127.0.0.2).
 *
 * The harness owns the server process, so a restart is simulated here with a
 * fault window: the server answers 503 or resets every connection for a
 * while, then serves again. A real process restart (killed mid-download,
 * restarted on the same data while signed in) is covered in plain Node by
 * test/unit/reliability/transfers.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../../src/common/constants';
import type { AccountSummary, GitShareTestApi } from '../../../src/testing/testApi';
import {
  activate,
  clearFaults,
  control,
  fault,
  gitshareUri,
  serverUrl,
  serverWrite,
  signInWithCode,
  signOutAll,
  stats,
} from './helpers';
import { eventually } from '../../support/wait';

/** DEFAULT_RETRY_POLICY.maxRetries + 1: the attempts one idempotent request makes. */
const ATTEMPTS = 5;

describe('reliability: the session and the files recover while VS Code stays open', function () {
  this.timeout(30_000);
  let api: GitShareTestApi;
  let account: AccountSummary;
  const decoder = new TextDecoder();

  before(async function () {
    // No server address is a broken run, never a pass (the harness checks it too).
    assert.ok(serverUrl, 'GITSHARE_TEST_SERVER_URL did not reach the extension host');
    this.timeout(60_000);
    api = await activate();
    account = await signInWithCode(api);
    await clearFaults();
  });

  afterEach(async () => {
    await clearFaults().catch(() => undefined);
  });

  after(async () => {
    await clearFaults().catch(() => undefined);
    await signOutAll(api);
  });

  it('access token expired while open: 20 concurrent reads through vscode.workspace.fs all succeed after exactly one refresh', async () => {
    const files = Array.from({ length: 20 }, (_, i) => `/reliability-expiry/file-${String(i).padStart(2, '0')}.txt`);
    await Promise.all(files.map((p) => serverWrite(p, `contents of ${p}`)));

    await control('expire-access-tokens', {});
    const before = await stats();
    const texts = await Promise.all(
      files.map(async (p) => decoder.decode(await vscode.workspace.fs.readFile(gitshareUri(account, p)))),
    );
    const after = await stats();

    assert.deepEqual(
      texts,
      files.map((p) => `contents of ${p}`),
      'every read returned the server bytes',
    );
    assert.equal(
      (after.tokenRequests.refresh_token ?? 0) - (before.tokenRequests.refresh_token ?? 0),
      1,
      'exactly one refresh_token request at the server',
    );
    assert.ok(
      (after.requests['GET /api/v1/files'] ?? 0) - (before.requests['GET /api/v1/files'] ?? 0) >= 20,
      'the reads reached the server',
    );
    // The extension keeps the refreshed token: the next read needs no refresh.
    await vscode.workspace.fs.stat(gitshareUri(account, files[0]!));
    const later = await stats();
    assert.equal(later.tokenRequests.refresh_token ?? 0, after.tokenRequests.refresh_token ?? 0, 'no second refresh');
    await vscode.workspace.fs.delete(gitshareUri(account, '/reliability-expiry'), { recursive: true });
  });

  it('server unavailable (503 on every attempt): a read fails with Unavailable, the next read after the window succeeds, signed in throughout', async () => {
    const target = gitshareUri(account, '/README.md');
    const before = await stats();
    await fault({ kind: '503', retryAfter: 0, count: ATTEMPTS, match: 'GET /api/v1/files' });
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.readFile(target)),
      (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'Unavailable',
      'a clear "unavailable", not "not found" and not a sign-in prompt',
    );
    const during = await stats();
    assert.equal(
      during.faultsInjected - before.faultsInjected,
      ATTEMPTS,
      'retried a bounded number of times, then gave up',
    );

    // The window is used up: the server "is back". No clearFaults here.
    assert.match(decoder.decode(await vscode.workspace.fs.readFile(target)), /Welcome to GitShare/);
    const after = await stats();
    assert.equal(after.faultsInjected, during.faultsInjected, 'no fault left');
    assert.equal(
      after.tokenRequests.refresh_token ?? 0,
      before.tokenRequests.refresh_token ?? 0,
      'a 503 is no reason to refresh',
    );
    assert.equal(after.revocations, before.revocations, 'a 503 is no reason to sign out');
    assert.equal(api.accounts().length, 1, 'still signed in');
  });

  it('a short outage (fewer 503s than retries) is invisible: the read succeeds', async () => {
    const before = await stats();
    await fault({ kind: '503', retryAfter: 0, count: ATTEMPTS - 2, match: 'GET /api/v1/files' });
    assert.match(
      decoder.decode(await vscode.workspace.fs.readFile(gitshareUri(account, '/README.md'))),
      /Welcome to GitShare/,
    );
    const after = await stats();
    assert.equal(after.faultsInjected - before.faultsInjected, ATTEMPTS - 2);
  });

  it('connections reset (server gone): the Files view says it cannot reach GitShare, then lists again after Refresh', async function () {
    this.timeout(40_000);
    assert.ok((await api.filesViewLabels()).includes('README.md'), 'the tree lists before the outage');
    // Every request is reset before any answer, as while the server process is down. Count
    // large enough for every attempt of every listing the view makes while it lasts.
    await fault({ kind: 'cut', afterBytes: 0, count: 1000, match: '/api/v1' });
    await vscode.commands.executeCommand(Commands.refresh);
    const down = await api.filesViewLabels();
    assert.equal(down.length, 1, down.join(' | '));
    assert.match(down[0]!, /^Could not load: Cannot reach GitShare at 127\.0\.0\.2:\d+\. Check your connection\.$/);

    await clearFaults(); // the server is back
    await vscode.commands.executeCommand(Commands.refresh);
    const up = await eventually(
      async () => {
        const labels = await api.filesViewLabels().catch((): string[] => []);
        return labels.includes('README.md') && labels;
      },
      'the tree to list again',
      15_000,
    );
    // The demo's folders are back (other suites may have added folders of their own beside them).
    for (const folder of ['notes', 'photos', 'projects']) {
      assert.ok(up.includes(folder), `${folder} listed again: ${up.join(' | ')}`);
    }
    assert.equal(api.accounts().length, 1, 'still signed in');
    assert.match(decoder.decode(await vscode.workspace.fs.readFile(gitshareUri(account, '/notes/todo.md'))), /To do/);
  });
});
