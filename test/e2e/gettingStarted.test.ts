/**
 * The Getting Started walkthrough as a new user meets it (issue 17): a VS Code of its own with no
 * GitShare server set and nobody signed in, the walkthrough opened from Welcome: Open
 * Walkthrough…, and each of its four steps checked off only when the person has done that thing —
 * set the server in the Settings editor, opened the Files view, signed in from its welcome view,
 * uploaded a file with Upload…. Before each action the step is still open, so a step that
 * completed by itself would fail here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../support/wait';
import { env, openPages, type OwnWorkbench, screenshot, startOwnWorkbench } from './environment';
import { onServer } from './server';
import { completeSignIn } from './pages/accounts';
import { filesRow } from './pages/filesView';
import { waitForNotification } from './pages/notifications';
import { answerFileDialog, runCommand, walkRemotePicker } from './pages/quickInput';
import { setUserSetting } from './pages/settings';

describe('Getting started: each walkthrough step completes when the person has done it', function () {
  this.timeout(600_000);
  let workbench: OwnWorkbench;
  let page: Page;
  /** A file of this run only, uploaded to the demo account's root and removed again. */
  const name = `walkthrough-${process.pid}.txt`;
  const local = () => path.join(env().workspaceDir, name);

  /** A step of the GitShare walkthrough, by its id in package.json. */
  const step = (id: string) => page.locator(`[data-done-step-id$="#${id}"]`).first();
  const done = (id: string) =>
    page.locator(`[data-done-step-id$="#${id}"][aria-checked="true"]`).first().waitFor({ timeout: 60_000 });
  const checked = async (id: string) => (await step(id).getAttribute('aria-checked')) === 'true';

  before(async () => {
    // No server set: what a person has right after installing GitShare.
    workbench = await startOwnWorkbench('getting-started', { settings: {} });
    page = await workbench.open(env().workspaceDir);
    await fsp.writeFile(local(), 'Uploaded from the walkthrough.\n');
  });

  after(async () => {
    if (page) {
      openPages.delete(page);
    }
    await workbench?.stop();
    await fsp.rm(local(), { force: true });
    await fsp.rm(onServer(name), { force: true });
  });

  it('opens from Welcome: Open Walkthrough…, with no step done', async () => {
    await runCommand(page, 'Welcome: Open Walkthrough...');
    const option = page.getByRole('option', { name: /Get Started with GitShare/ });
    await option.waitFor({ timeout: 30_000 });
    await option.click();
    await page
      .locator('.gettingStartedContainer', { hasText: 'Get Started with GitShare' })
      .first()
      .waitFor({ timeout: 30_000 });
    for (const id of ['setServer', 'signIn', 'openFiles', 'upload']) {
      await step(id).waitFor({ timeout: 30_000 });
      assert.equal(await checked(id), false, `${id} is not done yet`);
    }
  });

  it('"Set your GitShare server" completes when the person sets gitshare.serverUrl in the Settings editor', async () => {
    await setUserSetting(
      page,
      'gitshare.serverUrl',
      env().serverUrl,
      path.join(workbench.userDataDir, 'User', 'settings.json'),
    );
    await done('setServer');
    assert.equal(await checked('openFiles'), false, 'only what was done is checked');
  });

  it('"Open the Files view" completes when the person opens the GitShare sidebar', async () => {
    assert.equal(await checked('openFiles'), false);
    await page.locator('.part.activitybar .action-item a[aria-label^="GitShare"]').first().click();
    await done('openFiles');
    assert.equal(await checked('signIn'), false, 'only what was done is checked');
  });

  it('"Sign in" completes when the person signs in from the Files view’s welcome button', async () => {
    assert.equal(await checked('signIn'), false);
    const button = page
      .locator('.part.sidebar .welcome-view-content')
      .getByRole('button', { name: /^Sign in to GitShare$/ })
      .first();
    await button.waitFor({ timeout: 60_000 });
    await completeSignIn(page, () => button.click());
    await done('signIn');
    assert.equal(await checked('upload'), false, 'only what was done is checked');
  });

  it('"Upload a file" completes when the person uploads a file with Upload…', async () => {
    assert.equal(await checked('upload'), false);
    await runCommand(page, 'GitShare: Upload…');
    await answerFileDialog(page, local(), 'Upload');
    await walkRemotePicker(page, [], 'Use this folder');
    await waitForNotification(page, /1 uploaded/);
    await eventually(() => fs.existsSync(onServer(name)), `${name} on the server`);
    // Where the person looks for it: the Files view lists the uploaded file.
    await filesRow(page, name).waitFor({ timeout: 60_000 });
    await done('upload');
    console.log(`      screenshot: ${await screenshot(page, 'walkthrough-all-steps-done')}`);
    for (const id of ['setServer', 'signIn', 'openFiles', 'upload']) {
      assert.equal(await checked(id), true, `${id} is done`);
    }
  });
});
