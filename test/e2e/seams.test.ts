/**
 * The security review's promises in the real workbench, with the packaged
 * .vsix and one more ordinary extension installed beside it
 * (test/fixtures/other-extension/, packaged and installed by runE2e.ts):
 * - another extension gets nothing from GitShare's activate(), and a GitShare
 *   session only through VS Code's authentication API and the person's consent;
 * - another extension (or a `command:` link) that runs Upload… with files in its
 *   arguments meets a question first, naming the destination and the files;
 * - text from the server stays text: a file named like a markdown command link
 *   shows literally in the transfer summary, which holds no link.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { signIn } from '../support/serverSession';
import { eventually } from '../support/wait';
import { env, openPages } from './environment';
import { openAccountsMenu, signInThroughUi, signOutThroughUi } from './pages/accounts';
import { answerDialog } from './pages/dialogs';
import { waitForNotification } from './pages/notifications';
import { runCommand, walkRemotePicker } from './pages/quickInput';
import { onServer } from './server';
import { openWorkbench } from './pages/workbench';

/** A name the contract accepts, and that VS Code would render as a command link in a notification. */
const LINK_NAME = '[Click me](command:workbench.action.openGlobalSettings)';
const FOLDER = 'seams-e2e';

/** The API as the demo user, with the test's own OAuth client (never the extension's tokens). */
async function serverApi(apiPath: string, init: RequestInit = {}): Promise<Response> {
  const { accessToken } = await signIn(env().serverUrl);
  return fetch(`${env().serverUrl}${apiPath}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${accessToken}` },
  });
}

async function control(name: string, method: string, body?: unknown): Promise<void> {
  const response = await fetch(`${env().serverUrl}/__test__/${name}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${name}: HTTP ${response.status}`);
  await response.body?.cancel();
}

/** The text a person reads, without the invisible zero-width spaces. */
const visible = (text: string) => text.replace(/\u200b/g, '');

describe('Security review: what another extension and a hostile file name can do', () => {
  let page: Page;

  /** The toast (or the notification center) that shows `text`, once it is there. */
  function toast(text: RegExp) {
    return page
      .locator('.notification-toast, .notifications-center .notification-list-item', { hasText: text })
      .first();
  }

  /**
   * Answers VS Code's file dialog (a quick input in code-server) with a folder. The dialog
   * fills in its start folder once it has read it, which can overwrite what was typed before,
   * so type until the dialog shows the folder, then accept.
   */
  async function chooseFolderInDialog(folder: string, okLabel: string): Promise<void> {
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    const wanted = folder + path.sep;
    const shows = `document.querySelector('.quick-input-widget input')?.value === ${JSON.stringify(wanted)}`;
    for (let attempt = 1; ; attempt++) {
      await page.waitForFunction(`!!document.querySelector('.quick-input-widget input')?.value`, undefined, {
        timeout: 10_000,
      });
      await input.fill(wanted);
      try {
        await page.waitForFunction(shows, undefined, { timeout: 3_000 });
        // It still shows the folder once its listing (here empty: only "..") has loaded.
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: '..' })
          .first()
          .waitFor({ timeout: 10_000 });
        await page.waitForFunction(shows, undefined, { timeout: 3_000 });
        break;
      } catch (error) {
        if (attempt === 5) {
          throw error;
        }
      }
    }
    await page.locator('.quick-input-widget .monaco-button', { hasText: okLabel }).click();
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  before(async () => {
    page = await openWorkbench();
    openPages.add(page);
    // A suite before may have left demo signed in.
    const signedIn = /demo\s*\(GitShare\)/.test(await (await openAccountsMenu(page)).innerText());
    await page.keyboard.press('Escape');
    if (!signedIn) {
      await signInThroughUi(page);
    }
  });

  after(async () => {
    await control('faults', 'DELETE').catch(() => undefined);
    await serverApi(`/api/v1/files/${FOLDER}?recursive=true`, { method: 'DELETE' })
      .then((r) => r.body?.cancel())
      .catch(() => undefined);
    await signOutThroughUi(page).catch(() => undefined);
    openPages.delete(page);
    await page.close();
  });

  it("another extension: GitShare's activate() returns no API; getSession meets VS Code's consent dialog", async () => {
    await runCommand(page, 'Other Extension: Probe GitShare');
    await toast(/GitShare's activate\(\) returned/).waitFor({ timeout: 60_000 });
    assert.match(await toast(/GitShare's activate\(\) returned/).innerText(), /returned undefined\./);

    // VS Code, not GitShare, asks the person before any token leaves.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    assert.match(await dialog.innerText(), /The extension 'Other Extension' wants to sign in using GitShare\./);
    await dialog.locator('.monaco-button', { hasText: /^Allow$/ }).click();
    // GitShare allows several accounts, so VS Code lets the person pick which one.
    const account = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: /demo/ }).first();
    const granted = toast(/VS Code gave a GitShare session for demo/);
    await account.or(granted).first().waitFor({ timeout: 30_000 });
    if (await account.isVisible()) {
      await account.click();
    }
    await granted.waitFor({ timeout: 30_000 });
  });

  it('another extension that runs Upload… with a key file in its arguments meets a modal; Cancel uploads nothing', async () => {
    const uploaded = onServer('notes/id_ed25519');
    fs.rmSync(uploaded, { force: true });
    const question = /Upload "id_ed25519" to \/notes on GitShare \(demo\)\?/;

    // Cancel: the command returns, and the key is not on the server.
    await runCommand(page, 'Other Extension: Upload a Key through GitShare');
    await walkRemotePicker(page, ['notes'], 'Use this folder');
    const asked = await answerDialog(page, question, 'Cancel');
    assert.match(asked, /[\\/]\.ssh[\\/]id_ed25519/, `the dialog names the file with its path: ${asked}`);
    assert.match(asked, /not chosen in your file dialog/, asked);
    await toast(/the upload command returned/).waitFor({ timeout: 30_000 });
    assert.equal(fs.existsSync(uploaded), false, 'Cancel uploaded nothing');

    // Upload, once the person has read the question: it goes.
    await runCommand(page, 'Other Extension: Upload a Key through GitShare');
    await walkRemotePicker(page, ['notes'], 'Use this folder');
    await answerDialog(page, question, 'Upload');
    await waitForNotification(page, /1 uploaded/);
    await eventually(() => fs.existsSync(uploaded), 'notes/id_ed25519 on the server');
    assert.equal(await fsp.readFile(uploaded, 'utf8'), 'not a real key\n');
    fs.rmSync(uploaded, { force: true });
  });

  it('a download of a file named like a command link fails: the summary shows the name as text and holds no link', async () => {
    // The file on GitShare, written with the test's own token.
    const remote = `/api/v1/files/${FOLDER}/${encodeURIComponent(LINK_NAME)}`;
    const put = await serverApi(remote, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'hostile name, harmless bytes',
    });
    assert.ok(put.ok, `PUT: HTTP ${put.status}`);
    await put.body?.cancel();
    const dest = path.join(env().workspaceDir, 'seams-downloads');
    await fsp.mkdir(dest, { recursive: true });

    // Download it from the Files view, as a person would; every attempt at its bytes is cut off.
    await page.locator('.part.activitybar .action-item a[aria-label^="GitShare"]').first().click();
    await runCommand(page, 'GitShare: Refresh');
    const rows = page.locator('.part.sidebar .monaco-list-row');
    await rows.filter({ hasText: FOLDER }).first().click();
    const file = rows.filter({ hasText: 'Click me' }).first();
    await file.waitFor({ timeout: 30_000 });
    await control('faults', 'POST', { kind: 'cut', afterBytes: 0, count: 100, match: `GET /api/v1/files/${FOLDER}` });
    await file.click({ button: 'right' });
    // In a context menu a click can land while the menu is being laid out and do nothing; the
    // keyboard is what always works: the item under the pointer is focused, Enter runs it.
    const download = page.locator('.monaco-menu .action-menu-item', { hasText: /^Download…$/ }).first();
    await download.hover();
    await page.waitForFunction(
      `[...document.querySelectorAll('.monaco-menu .action-item.focused')].some((item) => item.textContent.includes('Download'))`,
      undefined,
      { timeout: 10_000 },
    );
    await page.keyboard.press('Enter');
    await chooseFolderInDialog(dest, 'Download Here');

    const summary = toast(/1 failed/);
    await summary.waitFor({ timeout: 90_000 });
    const message = summary.locator('.notification-list-item-message');
    assert.ok(
      visible(await message.innerText()).includes(LINK_NAME),
      `the name shows literally: ${await message.innerText()}`,
    );
    assert.equal(await message.locator('a').count(), 0, 'no link in the message');
    assert.deepEqual(fs.readdirSync(dest), [], 'no half file left');
  });
});
