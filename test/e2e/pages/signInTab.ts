/**
 * The browser tab a sign-in opens: what VS Code asks on the way there (Allow, Open), and GitShare's
 * own sign-in and consent pages in it, up to code-server's callback page.
 */
import type { Page } from 'playwright-core';
import { openPages } from '../environment';

/**
 * A sign-in up to the person's answer in the browser: `start` asks for it; `decide` acts on
 * GitShare's pages in the tab the workbench opens, which then lands on code-server's callback
 * page ("You can close this page now.") and is closed. Resolves back in the workbench, before
 * VS Code shows the outcome.
 */
export async function answerInBrowser(
  page: Page,
  start: () => Promise<void>,
  decide: (tab: Page) => Promise<void>,
): Promise<void> {
  const tab = await signInTab(page, start);
  try {
    await decide(tab);
    // The callback page of code-server hands the answer to the extension's UriHandler.
    await tab.waitForURL(/\/callback\?/, { timeout: 30_000 });
    await tab.getByText(/close this page/i).waitFor({ timeout: 30_000 });
  } finally {
    await closeTab(tab);
  }
  await page.keyboard.press('Escape');
}

/**
 * A sign-in without a way back (no callback URL, or "Having trouble?"): `start` asks for it;
 * in the tab the workbench opens, `look` checks where it went, demo signs in and allows, and
 * the code GitShare shows is returned, the tab closed.
 */
export async function codeFromBrowser(
  page: Page,
  start: () => Promise<void>,
  look: (url: URL) => void = () => undefined,
): Promise<string> {
  const tab = await signInTab(page, start);
  try {
    look(new URL(tab.url()));
    await allowInBrowser(tab, 'demo', 'demo');
    return (await tab.locator('#code').innerText()).trim();
  } finally {
    await closeTab(tab);
  }
}

/**
 * `start` asks for a sign-in; until the browser tab opens, what VS Code asks on the way is
 * answered as a person would: "The extension 'GitShare' wants to sign in using GitShare."
 * (Allow) when a command asks for a session, and "Do you want to open the external website?"
 * (Open) for a server on another host than the workbench's. Resolves with the loaded tab, kept
 * in `openPages` until `closeTab`.
 */
export async function signInTab(page: Page, start: () => Promise<void>): Promise<Page> {
  let popup: Page | undefined;
  const popupPromise = page
    .context()
    .waitForEvent('page', { timeout: 90_000 })
    .then((tab) => (popup = tab));
  await start();
  const dialogButton = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^(Allow|Open)$/ }).first();
  while (!popup) {
    const next = await Promise.race([
      popupPromise.then(() => 'tab' as const),
      dialogButton.waitFor({ timeout: 90_000 }).then(() => 'dialog' as const),
    ]);
    if (next === 'dialog' && !popup) {
      await dialogButton.click().catch(() => undefined);
      await dialogButton.waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
    }
  }
  const tab = await popupPromise;
  openPages.add(tab);
  await tab.waitForLoadState().catch(async (error: unknown) => {
    await closeTab(tab);
    throw error;
  });
  return tab;
}

/** Closes a browser tab GitShare's pages were in, as a person does when done with it. */
export async function closeTab(tab: Page): Promise<void> {
  openPages.delete(tab);
  await tab.close().catch(() => undefined);
}

/**
 * On GitShare's pages in the browser tab: sign in (GitShare asks only when this
 * browser has no GitShare session yet), then Allow on the consent page.
 */
export async function allowInBrowser(tab: Page, username: string, password: string): Promise<void> {
  await decideInBrowser(tab, 'allow', username, password);
}

/** Signs in on GitShare's page when it asks, then clicks Allow or Deny on its consent page. */
export async function decideInBrowser(
  tab: Page,
  decision: 'allow' | 'deny',
  username = 'demo',
  password = 'demo',
): Promise<void> {
  const button = tab.locator(`button[name="decision"][value="${decision}"]`);
  const usernameField = tab.locator('input[name="username"]');
  await usernameField.or(button).first().waitFor();
  if (await usernameField.isVisible()) {
    await usernameField.fill(username);
    await tab.locator('input[name="password"]').fill(password);
    await tab.locator('button[type="submit"], input[type="submit"]').first().click();
  }
  await button.click();
}
