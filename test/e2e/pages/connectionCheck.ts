/** GitShare: Check Connection and the report it opens in a tab. */
import type { Page } from 'playwright-core';
import { escapeRegExp } from '../../support/text';
import { eventually } from '../../support/wait';
import { runCommand } from './quickInput';

/** Waits for the next report tab and returns its text (the tab left open). */
export async function readReport(page: Page): Promise<string> {
  const lines = page.locator('.editor-instance .view-lines', { hasText: /This\sreport\scontains\sno\stoken/ }).first();
  await page
    .locator('.tabs-container .tab.active', { hasText: /GitShare Connection Check \d+\.txt/ })
    .waitFor({ timeout: 90_000 });
  await lines.waitFor({ timeout: 30_000 });
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

/**
 * Runs GitShare: Check Connection from the palette until its report shows `ready`, as a person
 * checks that VS Code has applied the settings they changed, and returns that report's text (its
 * tab left open; the reports before it are closed).
 */
export async function checkConnectionUntil(page: Page, ready: RegExp, timeoutMs = 90_000): Promise<string> {
  let report = '';
  return eventually(
    async () => {
      if (report) {
        console.log(`      (the report does not show ${ready} yet: the settings have not applied)`);
        await runCommand(page, 'View: Close Editor');
      }
      await runCommand(page, 'GitShare: Check Connection');
      report = await readReport(page);
      return ready.test(report) && report;
    },
    `a connection report showing ${ready}`,
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; the last one:\n${report}`);
  });
}

/**
 * Waits until GitShare uses `serverUrl` ('' for none): Check Connection's first step names the
 * address in use. The Settings editor has written the file before VS Code hands the new value to
 * the extension, so a sign-in started at once can still go to the previous server. Settings
 * written before this one have reached the extension too. The report is closed again.
 */
export async function untilGitShareUses(page: Page, serverUrl: string): Promise<void> {
  const shows = serverUrl ? `${new URL(serverUrl).origin} (from gitshare.serverUrl)` : 'gitshare.serverUrl is empty.';
  await checkConnectionUntil(page, new RegExp(escapeRegExp(shows)));
  await runCommand(page, 'View: Close Editor');
}
