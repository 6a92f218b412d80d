/**
 * The Files view and the palette's Upload… / Download…, driven through the UI
 * the way a person does, against the local server. What landed is checked on
 * the server's disk and in the workspace folder, not through the extension.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../support/wait';
import { env, screenshot } from './environment';
import { onServer } from './server';
import { filesRow, filesRows, showFilesView } from './pages/filesView';
import { waitForNotification } from './pages/notifications';
import { answerFileDialog, runCommand, walkRemotePicker } from './pages/quickInput';
import { closeSuitePage, openSuitePage } from './pages/workbench';

describe('Files: the sidebar, Upload… and Download… through the UI', () => {
  let page: Page;
  const tree = () => filesRows(page);
  const row = (label: string) => filesRow(page, label);

  before(async () => {
    page = await openSuitePage({ signIn: true });
  });

  after(async () => {
    await closeSuitePage(page);
  });

  it('the GitShare sidebar shows the demo files, folders first', async () => {
    await showFilesView(page);
    await row('README.md').waitFor({ timeout: 60_000 });
    const labels = await tree().locator('.label-name').allInnerTexts();
    // Other suites add their own folders; the demo account's own entries keep their order.
    const demo = ['notes', 'photos', 'projects', 'README.md'];
    assert.deepEqual(
      labels.filter((label) => demo.includes(label)),
      demo,
    );
    // Folders are the rows that can expand; at the top level none comes after a file.
    const kinds = await tree().evaluateAll((rows) =>
      rows
        .filter((row) => row.getAttribute('aria-level') === '1')
        .map((row) => (row.hasAttribute('aria-expanded') ? 'folder' : 'file')),
    );
    assert.ok(
      kinds.indexOf('file') > 0 && !kinds.slice(kinds.indexOf('file')).includes('folder'),
      `folders first: ${kinds.join(', ')}`,
    );
    const shot = await screenshot(page, 'files-sidebar');
    console.log(`      screenshot: ${shot}`);
  });

  it('a file opened from the tree is edited and saved, and the server has the new bytes', async () => {
    await row('README.md').click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('Edited from the e2e test. ');
    await page.keyboard.press('Control+S');
    const file = onServer('README.md');
    await eventually(
      async () => (await fsp.readFile(file, 'utf8')).startsWith('Edited from the e2e test. # Welcome'),
      'the saved bytes on the server',
    );
  });

  it('palette Upload… sends a local file to the chosen remote folder', async () => {
    const local = path.join(env().workspaceDir, 'notes.md');
    await runCommand(page, 'GitShare: Upload…');
    // Linux desktop dialogs cannot mix files and folders; the web dialog can, so no "Files or folders?" question here.
    await answerFileDialog(page, local, 'Upload');
    await walkRemotePicker(page, [], 'Use this folder');
    await waitForNotification(page, /1 uploaded/);
    const uploaded = await eventually(
      () => fs.existsSync(onServer('notes.md')) && onServer('notes.md'),
      'notes.md on the server',
    );
    assert.equal(await fsp.readFile(uploaded, 'utf8'), await fsp.readFile(local, 'utf8'));
  });

  it('palette Download… fetches a remote file into a local folder', async () => {
    const dest = path.join(env().workspaceDir, 'downloads');
    await fsp.mkdir(dest, { recursive: true });
    await runCommand(page, 'GitShare: Download…');
    await walkRemotePicker(page, ['projects', 'website', 'index.html']);
    await answerFileDialog(page, dest, 'Download Here');
    await waitForNotification(page, /1 downloaded/);
    const downloaded = path.join(dest, 'index.html');
    await eventually(() => fs.existsSync(downloaded), 'index.html in the workspace', 10_000).catch(
      async (error: Error) => {
        const found = (await fsp.readdir(env().workspaceDir, { recursive: true })).join(', ');
        throw new Error(`${error.message}; the workspace has: ${found}`);
      },
    );
    assert.match(await fsp.readFile(downloaded, 'utf8'), /Hello from GitShare/);
    assert.deepEqual(await fsp.readdir(dest), ['index.html'], 'no temporary file left');
  });
});
