/**
 * GitShare in VS Code's Explorer: "Upload to GitShare…" on a local file, and
 * "Add Folder to Workspace…" from the Files view, after which the GitShare folder
 * is a root of the Explorer, its files open from there, and Quick Open finds one
 * once it was opened.
 *
 * The window is a saved workspace (a .code-workspace file with the test folder),
 * as a person who works with several folders has: adding a folder changes it in
 * place. (In a single-folder window VS Code first makes an untitled workspace and
 * reloads into it.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { escapeRegExp } from '../support/text';
import { eventually } from '../support/wait';
import { env, openPages } from './environment';
import { onServer, setHostile } from './server';
import { signInThroughUi, signOutThroughUi } from './pages/accounts';
import { activeEditorText } from './pages/editors';
import { answerDialog } from './pages/dialogs';
import { collapseFilesView, expandFolder, filesRow, showFilesView } from './pages/filesView';
import { contextMenu } from './pages/menus';
import { waitForNotification } from './pages/notifications';
import { quickInput, runCommand, walkRemotePicker } from './pages/quickInput';
import { openWorkbench } from './pages/workbench';

describe('Explorer: Upload to GitShare… and Add Folder to Workspace…', () => {
  let page: Page;
  let workspaceFile: string;
  const explorerRow = (label: string) =>
    page
      .locator('.explorer-folders-view .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
      .first();

  /**
   * Shows the Explorer the way that always shows it (its icon hides the sidebar when the Explorer is
   * showing), and waits for the Explorer itself, not for its folder tree: a window that opened with
   * no folder shows the Explorer's "no folder" view instead of the tree, and the caller handles that.
   */
  async function showExplorer(): Promise<void> {
    const explorer = page.locator('.part.sidebar .explorer-viewlet');
    if (!(await explorer.isVisible())) {
      await runCommand(page, 'View: Show Explorer');
    }
    await explorer.waitFor({ timeout: 30_000 });
  }

  /** Expands a folder in the Explorer (a click toggles it, so it clicks only while collapsed) until `child` shows. */
  async function expandInExplorer(folder: string, child: string): Promise<void> {
    await eventually(
      async () => {
        if (await explorerRow(child).isVisible()) {
          return true;
        }
        const row = explorerRow(folder);
        if ((await row.isVisible()) && (await row.getAttribute('aria-expanded')) === 'false') {
          await row.click().catch(() => undefined);
          await explorerRow(child)
            .waitFor({ timeout: 10_000 })
            .catch(() => undefined);
        }
        return false;
      },
      `${child} under ${folder} in the Explorer`,
      60_000,
    );
  }

  /** Waits until the active editor shows `text` (the file's bytes arrived from GitShare). */
  async function editorShows(text: RegExp, what: string): Promise<void> {
    await eventually(async () => text.test(await activeEditorText(page).catch(() => '')), what);
  }

  before(async () => {
    await fsp.writeFile(path.join(env().workspaceDir, 'from-explorer.txt'), 'sent from the Explorer\n');
    workspaceFile = path.join(path.dirname(env().workspaceDir), 'e2e-explorer.code-workspace');
    await fsp.writeFile(workspaceFile, JSON.stringify({ folders: [{ path: env().workspaceDir }] }, null, 2));
    page = await openWorkbench(undefined, workspaceFile);
    openPages.add(page);
    // A person waits for the workspace's folder in the Explorer. code-server has (rarely, under
    // load, in a full run) opened the saved workspace with "No Folder Opened" although the file
    // lists the folder, before GitShare took any part; the person then reloads the window once.
    await showExplorer();
    const folderShown = await explorerRow('workspace')
      .waitFor({ timeout: 30_000 })
      .then(
        () => true,
        () => false,
      );
    if (!folderShown) {
      console.log('      (the workspace opened without its folder; reloading the window once)');
      const reloaded = page.waitForEvent('load', { timeout: 60_000 });
      await runCommand(page, 'Developer: Reload Window');
      await reloaded;
      await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
      await showExplorer();
      await explorerRow('workspace').waitFor({ timeout: 60_000 });
    }
    await signInThroughUi(page);
  });

  after(async () => {
    await runCommand(page, 'View: Close All Editors').catch(() => undefined);
    await collapseFilesView(page).catch(() => undefined);
    await signOutThroughUi(page).catch(() => undefined);
    openPages.delete(page);
    await page.close();
  });

  it('Upload to GitShare… on a local file sends it to the folder chosen in the picker', async () => {
    await showExplorer();
    await expandInExplorer('workspace', 'from-explorer.txt');
    await contextMenu(page, explorerRow('from-explorer.txt'), 'Upload to GitShare…');
    await walkRemotePicker(page, ['notes'], 'Use this folder');
    // The Explorer's menu names its files in the command's arguments, as a link or another
    // extension could: GitShare asks first, naming the destination and the file.
    const asked = await answerDialog(page, /Upload "from-explorer\.txt" to \/notes on GitShare \(demo\)\?/, 'Upload');
    assert.ok(asked.includes(path.join(env().workspaceDir, 'from-explorer.txt')), asked);
    await waitForNotification(page, /1 uploaded/);
    const uploaded = onServer('notes/from-explorer.txt');
    await eventually(() => fs.existsSync(uploaded), 'notes/from-explorer.txt on the server');
    assert.equal(await fsp.readFile(uploaded, 'utf8'), 'sent from the Explorer\n');
  });

  it('Add Folder to Workspace… puts the GitShare folder in the Explorer; its files open there and Quick Open finds an open one', async () => {
    await showFilesView(page);
    await contextMenu(page, filesRow(page, 'projects'), 'Add Folder to Workspace…');
    await showExplorer();
    await explorerRow('projects (GitShare)').waitFor({ timeout: 60_000 });
    assert.ok(await explorerRow('workspace').isVisible(), 'the local folder is still in the Explorer');
    // The saved workspace lists it too, so it is there the next time the workspace opens.
    await eventually(
      async () => (await fsp.readFile(workspaceFile, 'utf8')).includes('gitshare:'),
      'the GitShare folder in the .code-workspace file',
    );

    await expandInExplorer('projects (GitShare)', 'website');
    await expandInExplorer('website', 'index.html');
    // A double-click keeps the editor open (a single click would preview it, replaced by the next).
    await explorerRow('index.html').dblclick();
    await page
      .locator('.editor-group-container.active .tabs-container .tab.active', { hasText: 'index.html' })
      .waitFor({ timeout: 30_000 });
    await editorShows(/Hello from GitShare/, 'index.html from GitShare in the editor');
    await explorerRow('style.css').click();
    await page
      .locator('.editor-group-container.active .tabs-container .tab.active', { hasText: 'style.css' })
      .waitFor({ timeout: 30_000 });

    // Quick Open (Ctrl+P) finds index.html by name and goes back to it. (GitShare has no search
    // API, and VS Code keeps a closed editor of another file system out of Quick Open's history,
    // so it finds the files open in editors; GitShare: Go to File… finds any.)
    await page.keyboard.press('Control+P');
    const input = quickInput(page);
    await input.waitFor();
    await input.fill('index.html');
    const found = page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: /^\s*index\.html\s*$/ }) })
      // Its folder on GitShare, as Quick Open describes a file of another file system.
      .filter({ has: page.locator('.label-description', { hasText: /^\s*\/projects\/website\s*$/ }) })
      .first();
    await found.waitFor({ timeout: 30_000 });
    await found.click();
    await page
      .locator('.editor-group-container.active .tabs-container .tab.active', { hasText: 'index.html' })
      .waitFor({ timeout: 30_000 });
    await editorShows(/Hello from GitShare/, 'index.html, chosen in Quick Open, in the editor');
  });

  it('after the window reloads, the GitShare folder in the workspace opens again', async () => {
    await runCommand(page, 'View: Close All Editors');
    // Developer: Reload Window, as a person does after an update; the page loads anew.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
    await showExplorer();
    // The Explorer asks for the folder before GitShare has its accounts back: it must still list it.
    await explorerRow('projects (GitShare)').waitFor({ timeout: 60_000 });
    await expandInExplorer('projects (GitShare)', 'website');
    await expandInExplorer('website', 'style.css');
  });

  it('a GitShare folder whose listing holds an entry placed elsewhere shows its other entries, and no link anywhere', async () => {
    // The local server's hostile mode lists in /hostile, beside good.txt and download-me, an entry
    // named "[Reload to fix](command:workbench.action.terminal.sendSequence?…)" whose path is elsewhere.
    await setHostile(true);
    try {
      // Earlier steps' notifications out of the way: any toast from here on is about this folder.
      await runCommand(page, 'Notifications: Clear All Notifications');
      await showFilesView(page);
      await runCommand(page, 'GitShare: Refresh');
      await contextMenu(page, filesRow(page, 'hostile'), 'Add Folder to Workspace…');
      await showExplorer();
      await explorerRow('hostile (GitShare)').waitFor({ timeout: 60_000 });
      await expandInExplorer('hostile (GitShare)', 'good.txt');
      await explorerRow('download-me').waitFor();
      // The Files view, too.
      await showFilesView(page);
      await expandFolder(page, 'hostile', 'good.txt');

      // The listing that held the entry has been answered and shown: whatever VS Code would have
      // said about it is on screen now. Nowhere its name, nowhere a link it could have become.
      const everywhere = (await page.evaluate(`({
        text: document.body.textContent ?? '',
        commandLinks: [...document.querySelectorAll('a[href^="command:"]')].map(
          (a) => (a.textContent ?? '') + ' -> ' + (a.getAttribute('href') ?? ''),
        ),
      })`)) as { text: string; commandLinks: string[] };
      assert.ok(!everywhere.text.includes('Reload to fix'), "the stray entry's name is shown nowhere");
      assert.deepEqual(everywhere.commandLinks, [], 'no command: link in the workbench');
      const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
      assert.deepEqual(toasts, [], 'no notification');
    } finally {
      await setHostile(false);
      fs.rmSync(onServer('hostile'), { recursive: true, force: true });
    }
  });
});
