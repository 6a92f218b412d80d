/**
 * "Having trouble?": the sign-in notification switches a waiting sign-in to the
 * no-callback mode — GitShare shows a code, the person pastes it into VS Code.
 * Driven through the UI as a person would (the plain Accounts-menu sign-in and
 * Sign Out are in signIn.test.ts).
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { env, screenshot } from './environment';
import { serverStats } from './server';
import { findInAccountsMenu, signOutThroughUi, waitForAccount } from './pages/accounts';
import { closeTab, codeFromBrowser, signInTab } from './pages/signInTab';
import { closeSuitePage, openSuitePage } from './pages/workbench';

describe('Sign in when the browser cannot come back ("Having trouble?")', () => {
  let page: Page;

  before(async () => {
    page = await openSuitePage();
  });

  after(async () => {
    await closeSuitePage(page);
  });

  it('switches to pasting the code GitShare shows, and signs in', async () => {
    const before = await serverStats();
    const signIn = await findInAccountsMenu(page, /Sign in with GitShare/i);
    // The browser opened on the callback-mode sign-in; pretend it can never come back.
    await closeTab(await signInTab(page, () => signIn.click()));

    const trouble = page.locator('.notification-toast a', { hasText: 'Having trouble?' });
    await trouble.waitFor({ timeout: 30_000 });
    const code = await codeFromBrowser(
      page,
      () => trouble.click(),
      (url) => assert.equal(url.searchParams.get('redirect_uri'), 'urn:ietf:wg:oauth:2.0:oob'),
    );

    // Back in VS Code: the input box asks for the code, naming the server it must come from.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 30_000 });
    await page.locator('.quick-input-widget', { hasText: new URL(env().serverUrl).host }).waitFor({ timeout: 10_000 });
    await input.fill(code);
    await page.keyboard.press('Enter');
    await waitForAccount(page, 'demo');
    const after = await serverStats();
    assert.equal(
      (after.tokenRequests.authorization_code ?? 0) - (before.tokenRequests.authorization_code ?? 0),
      1,
      'one code exchange',
    );
    console.log(`      screenshot: ${await screenshot(page, 'signed-in-with-code')}`);
    await signOutThroughUi(page);
  });
});
