/** GitShare: Check Connection and the report it opens in a tab. */
import type { Page } from 'playwright-core';
import { eventually } from '../../support/wait';
import { runCommand } from './quickInput';

/** Runs GitShare: Check Connection from the palette and returns the text of the report it opens (left open). */
export async function checkConnection(page: Page): Promise<string> {
  await runCommand(page, 'GitShare: Check Connection');
  const lines = page.locator('.editor-instance .view-lines', { hasText: /This\sreport\scontains\sno\stoken/ }).first();
  await page
    .locator('.tabs-container .tab.active', { hasText: /GitShare Connection Check \d+\.txt/ })
    .waitFor({ timeout: 90_000 });
  await lines.waitFor({ timeout: 30_000 });
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

/**
 * Waits until GitShare uses `serverUrl` ('' for none), as a person who just changed
 * `gitshare.serverUrl` can check: Check Connection's first step names the address in use. The
 * Settings editor has written the file before VS Code hands the new value to the extension, so
 * a sign-in started at once can still go to the previous server. Settings written before this
 * one have reached the extension too. Each report is closed again.
 */
export async function untilGitShareUses(page: Page, serverUrl: string): Promise<void> {
  const shows = serverUrl ? `${new URL(serverUrl).origin} (from gitshare.serverUrl)` : 'gitshare.serverUrl is empty.';
  await eventually(
    async () => {
      const report = await checkConnection(page);
      await runCommand(page, 'View: Close Editor');
      return report.includes(shows);
    },
    `Check Connection to report ${JSON.stringify(shows)}`,
    90_000,
  );
}
