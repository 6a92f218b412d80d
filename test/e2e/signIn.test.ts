import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually } from '../support/wait';
import { screenshot } from './environment';
import { serverStats } from './server';
import {
  accountEntry,
  accountsBadge,
  findInAccountsMenu,
  openAccountsMenu,
  signInThroughUi,
  signOutThroughUi,
} from './pages/accounts';
import { showFilesView } from './pages/filesView';
import { waitForNotification } from './pages/notifications';
import { answerInBrowser, decideInBrowser } from './pages/signInTab';
import { closeSuitePage, openSuitePage } from './pages/workbench';

describe('Sign in from the Accounts menu', () => {
  let page: Page;

  before(async () => {
    page = await openSuitePage();
  });

  after(async () => {
    await closeSuitePage(page);
  });

  it('Sign in with GitShare → sign-in and Allow in the browser tab → the account shows in the Accounts menu, and no badge', async () => {
    // Signed out, GitShare's request for a sign-in is the one badge on the Accounts icon.
    await eventually(
      async () => (await accountsBadge(page)) === '1',
      'the "1" on the Accounts icon while signed out',
      60_000,
    );
    const before = await serverStats();
    await signInThroughUi(page);
    const after = await serverStats();
    assert.equal(
      (after.tokenRequests.authorization_code ?? 0) - (before.tokenRequests.authorization_code ?? 0),
      1,
      'exactly one code exchange at the server',
    );
    // Signed in, the request is answered: the badge ("Sign in requested") goes, and the menu
    // shows the account instead of the sign-in.
    await eventually(async () => (await accountsBadge(page)) === '', 'no badge on the Accounts icon once signed in');
    const menu = await (await openAccountsMenu(page)).innerText();
    await page.keyboard.press('Escape');
    assert.match(menu, accountEntry('demo'), 'the account in the Accounts menu');
    assert.doesNotMatch(menu, /Sign in with GitShare/i, 'no sign-in request left in the Accounts menu');
    assert.equal(await accountsBadge(page), '', 'still no badge after the menu was opened');
    console.log(`      screenshot: ${await screenshot(page, 'signed-in')}`);
  });

  it('Sign Out from the Accounts menu removes the account, revokes its tokens at the server and offers the sign-in again', async () => {
    const before = await serverStats();
    await signOutThroughUi(page);
    const after = await serverStats();
    assert.ok(
      after.revocations > before.revocations,
      `a revocation reached the server (${before.revocations} → ${after.revocations})`,
    );
    // Nobody signed in any more: the Accounts menu offers the sign-in again, without a reload.
    await findInAccountsMenu(page, /Sign in with GitShare/i, 10_000);
    await page.keyboard.press('Escape');
  });

  it('Deny on the consent page: VS Code says the sign-in was cancelled on GitShare, and no account is added', async () => {
    const before = await serverStats();
    const signIn = await findInAccountsMenu(page, /Sign in with GitShare/i);
    await answerInBrowser(
      page,
      () => signIn.click(),
      (tab) => decideInBrowser(tab, 'deny'),
    );
    await waitForNotification(page, /Sign-in was cancelled on GitShare\./);
    console.log(`      screenshot: ${await screenshot(page, 'sign-in-denied')}`);
    const menu = await (await openAccountsMenu(page)).innerText();
    await page.keyboard.press('Escape');
    assert.ok(!accountEntry('demo').test(menu), `no demo account in the Accounts menu:\n${menu}`);
    assert.match(menu, /Sign in with GitShare/i, 'the Accounts menu still offers the sign-in');
    await showFilesView(page);
    const welcome = page.locator('.part.sidebar .welcome-view-content');
    await welcome.locator('.monaco-button', { hasText: /^Sign in to GitShare$/ }).waitFor({ timeout: 30_000 });
    const after = await serverStats();
    assert.equal(
      (after.tokenRequests.authorization_code ?? 0) - (before.tokenRequests.authorization_code ?? 0),
      0,
      'no code exchange at the server',
    );
  });
});
