/**
 * A workspace cannot redirect GitShare. With workspace trust on, as VS Code
 * ships it, a folder whose .vscode/settings.json sets gitshare.serverUrl to
 * another server is opened and not trusted: signing in still goes to the
 * user's server, the view lists the user's files, and the workspace's server
 * never hears a thing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startLocalServer, type LocalServer } from '../support/localServer';
import { eventually } from '../support/wait';
import { env, openPages, type OwnWorkbench, startOwnWorkbench } from './environment';
import { completeSignIn, findInAccountsMenu } from './pages/accounts';
import { filesRow, showFilesView } from './pages/filesView';

describe('Untrusted workspace: a workspace setting cannot change the GitShare server', () => {
  let workbench: OwnWorkbench;
  let workspaceServer: LocalServer;
  let page: Page;
  let folder: string;

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gitshare-untrusted-'));
    workspaceServer = await startLocalServer(path.join(folder, 'server-data'), ['--user', 'mallory:mallory']);
    const workspace = path.join(folder, 'workspace');
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'gitshare.serverUrl': workspaceServer.url }, null, 2),
    );
    fs.writeFileSync(path.join(workspace, 'README.txt'), 'A folder from somewhere else.\n');
    workbench = await startOwnWorkbench('untrusted', {
      settings: { 'gitshare.serverUrl': env().serverUrl },
      workspaceTrust: true,
    });
    page = await workbench.open(workspace);
  });

  after(async () => {
    if (page) {
      openPages.delete(page);
    }
    await workbench?.stop();
    await workspaceServer?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it("opened in Restricted Mode, sign-in and the Files view use the user's server; the workspace's server gets no request", async () => {
    // VS Code opens a folder it has not been told to trust in Restricted Mode; when it asks
    // whether to trust the authors, a careful person says no.
    const distrust = page.locator('.monaco-dialog-box .monaco-button', { hasText: /No, I don.t trust the authors/ });
    const restricted = page.locator('.part.statusbar', { hasText: /Restricted Mode/ });
    await eventually(
      async () => {
        if (await distrust.isVisible()) {
          await distrust.click();
        }
        return (await restricted.isVisible()) && !(await distrust.isVisible());
      },
      'the window in Restricted Mode',
      60_000,
    );

    // Every address the sign-in tab visits.
    const visited: string[] = [];
    workbench.context.on('page', (tab) =>
      tab.on('framenavigated', (frame) => frame === tab.mainFrame() && visited.push(frame.url())),
    );
    const signIn = await findInAccountsMenu(page, /Sign in with GitShare/i);
    await completeSignIn(page, () => signIn.click());
    assert.ok(
      visited.some((url) => url.startsWith(`${env().serverUrl}/oauth2/authorize`)),
      `sign-in went to the user's server: ${visited.join(', ')}`,
    );
    assert.ok(
      !visited.some((url) => url.startsWith(workspaceServer.url)),
      `never to the workspace's: ${visited.join(', ')}`,
    );

    await showFilesView(page);
    await filesRow(page, 'README.md').waitFor({ timeout: 60_000 });
    await filesRow(page, 'projects').waitFor();

    const stats = (await (await fetch(`${workspaceServer.url}/__test__/stats`)).json()) as {
      requests: Record<string, number>;
    };
    assert.deepEqual(stats.requests, {}, "the workspace's server was never asked anything");
  });
});
