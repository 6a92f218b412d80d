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
import { env, openPages, openWorkbench, runCommand, screenshot, signInThroughUi, signOutThroughUi } from './workbench';

/** The demo account's file tree on the server's disk (files/<user id>/). */
function serverFile(relative: string): string | undefined {
  const root = path.join(env().serverDataDir, 'files');
  for (const user of fs.readdirSync(root)) {
    const candidate = path.join(root, user, ...relative.split('/'));
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('Files: the sidebar, Upload… and Download… through the UI', () => {
  let page: Page;
  // The container holds only the Files view, so the sidebar shows it without a pane header.
  const tree = () => page.locator('.part.sidebar .monaco-list-row');
  const row = (label: string) => tree().filter({ hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).first();

  /** Answers the simple file dialog (code-server) with a path, then its OK button when it stays open. */
  async function answerFileDialog(target: string, okLabel: string): Promise<void> {
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    // For a folder, a trailing separator makes VS Code's file dialog go into it. Wait until the
    // dialog shows what was typed (it completes and rewrites the input), then accept it.
    const wanted = fs.statSync(target).isDirectory() && !target.endsWith(path.sep) ? target + path.sep : target;
    await input.fill(wanted);
    await eventually(async () => (await input.inputValue()) === wanted, `the file dialog at ${wanted}`, 10_000);
    await page.waitForTimeout(500);
    const ok = page.locator('.quick-input-widget .monaco-button', { hasText: okLabel });
    if (await ok.isVisible().catch(() => false)) {
      await ok.click();
    } else {
      await page.keyboard.press('Enter');
    }
  }

  async function notification(text: RegExp): Promise<void> {
    await page.locator('.notification-toast, .notifications-center', { hasText: text }).first().waitFor({ timeout: 60_000 });
  }

  before(async () => {
    page = await openWorkbench();
    openPages.add(page);
    await signInThroughUi(page);
  });

  after(async () => {
    await signOutThroughUi(page).catch(() => undefined);
    openPages.delete(page);
    await page.close();
  });

  it('the GitShare sidebar shows the demo files, folders first', async () => {
    await page.locator('.part.activitybar .action-item a[aria-label^="GitShare"]').first().click();
    await row('README.md').waitFor({ timeout: 60_000 });
    const labels = await tree().locator('.label-name').allInnerTexts();
    assert.deepEqual(labels.slice(0, 4), ['notes', 'photos', 'projects', 'README.md']);
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
    const file = serverFile('README.md');
    assert.ok(file, 'README.md is on the server');
    await eventually(async () => (await fsp.readFile(file, 'utf8')).startsWith('Edited from the e2e test. # Welcome'), 'the saved bytes on the server');
  });

  it('palette Upload… sends a local file to the chosen remote folder', async () => {
    const local = path.join(env().workspaceDir, 'notes.md');
    await runCommand(page, 'GitShare: Upload…');
    // Linux desktop dialogs cannot mix files and folders; the web dialog can, so no extra question here.
    const kind = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Files…' });
    if (await kind.isVisible({ timeout: 1000 }).catch(() => false)) {
      await kind.click();
    }
    await answerFileDialog(local, 'Upload');
    const useFolder = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Use this folder' });
    await useFolder.waitFor({ timeout: 30_000 });
    await useFolder.click();
    await notification(/1 uploaded/);
    const uploaded = await eventually(() => serverFile('notes.md'), 'notes.md on the server');
    assert.equal(await fsp.readFile(uploaded, 'utf8'), await fsp.readFile(local, 'utf8'));
  });

  it('palette Download… fetches a remote file into a local folder', async () => {
    const dest = path.join(env().workspaceDir, 'downloads');
    await fsp.mkdir(dest, { recursive: true });
    await runCommand(page, 'GitShare: Download…');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'projects' }).first().waitFor({ timeout: 30_000 });
    await input.fill('projects');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'website' }).first().waitFor({ timeout: 30_000 });
    await input.fill('website');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'index.html' }).first().waitFor({ timeout: 30_000 });
    await input.fill('index.html');
    await page.keyboard.press('Enter');
    await answerFileDialog(dest, 'Download Here');
    await notification(/1 downloaded/);
    const downloaded = path.join(dest, 'index.html');
    await eventually(() => fs.existsSync(downloaded), 'index.html in the workspace', 10_000).catch(async (error: Error) => {
      const found = (await fsp.readdir(env().workspaceDir, { recursive: true })).join(', ');
      throw new Error(`${error.message}; the workspace has: ${found}`);
    });
    assert.match(await fsp.readFile(downloaded, 'utf8'), /Hello from GitShare/);
    assert.deepEqual(await fsp.readdir(dest), ['index.html'], 'no temporary file left');
  });
});
