import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openPages, screenshot } from './environment';
import { openWorkbench } from './pages/workbench';

describe('The GitShare view container', () => {
  let page: Page;

  before(async () => {
    page = await openWorkbench();
    openPages.add(page);
  });

  after(async () => {
    openPages.delete(page);
    await page.close();
  });

  it('is in the activity bar and opens the Files view', async () => {
    const item = page.locator('.part.activitybar .action-item a[aria-label^="GitShare"]').first();
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    // With one view in the container, the sidebar title names both: "GitShare: Files".
    const sidebarTitle = page.locator('.part.sidebar .composite.title');
    await sidebarTitle.waitFor();
    assert.match(await sidebarTitle.innerText(), /GitShare: Files/i);
    const file = await screenshot(page, 'activity-bar-gitshare');
    console.log(`      screenshot: ${file}`);
  });
});
