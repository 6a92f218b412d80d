import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { closeSuitePage, openSuitePage, screenshot, serverStats, signInThroughUi, signOutThroughUi } from './workbench';

describe('Sign in from the Accounts menu', () => {
  let page: Page;

  before(async () => {
    page = await openSuitePage();
  });

  after(async () => {
    await closeSuitePage(page);
  });

  it('Sign in with GitShare → sign-in and Allow in the browser tab → the account shows in the Accounts menu', async () => {
    const before = await serverStats();
    await signInThroughUi(page);
    const after = await serverStats();
    assert.equal(
      (after.tokenRequests.authorization_code ?? 0) - (before.tokenRequests.authorization_code ?? 0),
      1,
      'exactly one code exchange at the server',
    );
    console.log(`      screenshot: ${await screenshot(page, 'signed-in')}`);
  });

  it('Sign Out from the Accounts menu removes the account and revokes its tokens at the server', async () => {
    const before = await serverStats();
    await signOutThroughUi(page);
    const after = await serverStats();
    assert.ok(
      after.revocations > before.revocations,
      `a revocation reached the server (${before.revocations} → ${after.revocations})`,
    );
  });
});
