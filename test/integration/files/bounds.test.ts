/**
 * What a server or a workspace decides, bounded, inside a real VS Code (code-server's extension
 * host) against the local server: a folder too deep for the Explorer, a name that would read
 * backwards, a watch interval under a second, and plain http that would cross a proxy. The
 * hostile server's unbounded answers (listings and trees without end, bodies that never end) are
 * played by the hostile proxy in test/unit/reliability/boundedAnswers.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, FS_SCHEME, SETTINGS_SECTION, Settings } from '../../../src/common/constants';
import { settings } from '../../../src/workbench/settings';
import type { Note } from '../../../src/workbench/interaction';
import type { AccountSummary, GitShareTestApi } from '../../../src/testing/testApi';
import { eventually } from '../../support/wait';
import { activateForTest, filesViewShows, serverFetch, serverUrl, serverWrite, signInWithCode } from '../helpers';
import { stats } from '../reliability/helpers';

describe('bounds: what a server or a workspace decides, in a real VS Code', function () {
  this.timeout(120_000);
  let api: GitShareTestApi;
  let account: AccountSummary;

  const uri = (p: string) => vscode.Uri.from({ scheme: FS_SCHEME, authority: account.authority, path: p });

  before(async function () {
    assert.ok(serverUrl, 'GITSHARE_TEST_SERVER_URL did not reach the extension host');
    api = await activateForTest();
    account = api.accounts()[0] ?? (await signInWithCode(api));
  });

  after(async () => {
    api?.setInteraction(undefined);
    // The suites after this one read the demo account's top level as it was.
    for (const folder of ['/bounds-deep', '/bounds-bidi']) {
      const response = await serverFetch(`/api/v1/files${folder}?recursive=true`, { method: 'DELETE' });
      await response.body?.cancel();
    }
    await vscode.commands.executeCommand(Commands.refresh);
  });

  it('the gitshare: file system refuses a folder deeper than 64 levels before asking GitShare, with the reason', async () => {
    // The local server keeps paths to 64 levels: the deepest folder it holds lists as usual.
    const deepest = '/bounds-deep' + '/d'.repeat(62);
    await serverWrite(`${deepest}/f.txt`, 'deep');
    assert.deepEqual(await vscode.workspace.fs.readDirectory(uri(deepest)), [['f.txt', vscode.FileType.File]]);
    // A server without that rule could nest folders without end; past 64 levels nothing is asked.
    const before = await stats();
    await assert.rejects(Promise.resolve(vscode.workspace.fs.readDirectory(uri(`${deepest}/d/d`))), (e: unknown) => {
      assert.ok(e instanceof vscode.FileSystemError, String(e));
      assert.match(e.message, /Folders nested deeper than 64 levels are not listed\./);
      return true;
    });
    assert.equal((await stats()).requests['GET /api/v1/folders'], before.requests['GET /api/v1/folders']);
  });

  it('the Files view shows a name with a right-to-left override as it is, never reversed', async () => {
    await serverWrite('/bounds-bidi/invoice\u202Efdp.exe', 'not a pdf');
    await vscode.commands.executeCommand(Commands.refresh);
    const labels = await filesViewShows(api, 'invoice[U+202E]fdp.exe', 'bounds-bidi');
    assert.ok(!labels.some((label) => label.includes('\u202E')), JSON.stringify(labels));
  });

  it('gitshare.watch.interval under 1 s counts as 1 s', async () => {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    await config.update(Settings.watchInterval, 0.001, vscode.ConfigurationTarget.Global);
    try {
      assert.equal(settings.watchIntervalMs(), 1_000);
    } finally {
      await config.update(Settings.watchInterval, undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal(settings.watchIntervalMs(), 10_000);
  });

  it('plain http to 127.0.0.2 with http.proxy set: a warning says the proxy would see everything', async () => {
    const notes: Note[] = [];
    api.setInteraction({
      notify: async (note) => {
        notes.push(note);
        return undefined;
      },
    });
    const http = vscode.workspace.getConfiguration('http');
    // Nothing listens there: the warning comes from the settings, before any request.
    await http.update('proxy', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Global);
    try {
      const warning = await eventually(
        () => notes.find((n) => n.message.includes('unencrypted')),
        'the warning about plain http through the proxy',
      );
      assert.equal(warning.severity, 'warning');
      assert.equal(
        warning.message,
        `Plain http to ${new URL(serverUrl).host} goes through the proxy http://127.0.0.1:9 unencrypted: the proxy sees your token and your files. Add ${new URL(serverUrl).hostname} to http.noProxy, or reach GitShare at localhost or 127.0.0.1, which VS Code never sends through a proxy.`,
      );
      assert.ok(warning.actions?.includes('Check Connection'));
    } finally {
      await http.update('proxy', undefined, vscode.ConfigurationTarget.Global);
      api.setInteraction(undefined);
    }
  });
});
