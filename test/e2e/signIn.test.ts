import type { Page } from 'playwright-core';
import { openPages, openWorkbench, screenshot, signInThroughUi } from './workbench';

describe('Sign in from the Accounts menu', () => {
  let page: Page;

  before(async () => {
    page = await openWorkbench();
    openPages.add(page);
  });

  after(async () => {
    openPages.delete(page);
    await page.close();
  });

  it('Sign in with GitShare → GitShare sign-in and Allow in the browser → the account shows in the Accounts menu', async () => {
    await signInThroughUi(page);
    console.log(`      screenshot: ${await screenshot(page, 'signed-in')}`);
  });
});
