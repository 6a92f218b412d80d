/**
 * What an e2e test gets: a real VS Code (code-server) with the packaged
 * extension installed, the local GitShare server, and Chromium to drive the
 * workbench the way a person does. test/harness/runE2e.ts sets it up before
 * mocha loads the tests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { outputDir } from '../harness/paths';

export interface E2eEnvironment {
  readonly browser: Browser;
  /** The code-server origin. */
  readonly vscodeUrl: string;
  /** The local GitShare server's origin (on 127.0.0.2, see vscode-testing.md). */
  readonly serverUrl: string;
  /** The server's data folder, to check what landed on disk. */
  readonly serverDataDir: string;
  /** The folder the workbench opens. */
  readonly workspaceDir: string;
  /** code-server's user settings.json; VS Code applies what is written there while it runs. */
  readonly settingsFile: string;
}

let environment: E2eEnvironment | undefined;

export function setEnvironment(value: E2eEnvironment | undefined): void {
  environment = value;
}

export function env(): E2eEnvironment {
  if (!environment) {
    throw new Error('e2e tests run only through test/harness/runE2e.ts (npm run test:e2e)');
  }
  return environment;
}

export const screenshotDir = path.join(outputDir, 'e2e');

/** Saves a screenshot under .test-output/e2e/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Opens the workbench on the test workspace in a new tab and waits until it is usable. */
export async function openWorkbench(inContext?: BrowserContext): Promise<Page> {
  const { browser, vscodeUrl, workspaceDir } = env();
  const context = inContext ?? browser.contexts()[0] ?? (await browser.newContext({ viewport: { width: 1400, height: 900 } }));
  const page = await context.newPage();
  await page.goto(`${vscodeUrl}/?folder=${encodeURIComponent(workspaceDir)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.part.activitybar').waitFor({ timeout: 60_000 });
  // The extension host is up once the status bar shows its items.
  await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
  return page;
}

/** Runs a command through the command palette, as a person would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** The pages of the current test, so a failure can be photographed. */
export const openPages = new Set<Page>();

/** Closes any open context menu (and its submenus), which would block clicks elsewhere. */
export async function closeMenus(page: Page): Promise<void> {
  const open = page.locator('.context-view .monaco-menu');
  for (let i = 0; i < 4 && (await open.count()) > 0; i++) {
    await page.keyboard.press('Escape');
    await page.waitForTimeout(100);
  }
}

/** Opens the Accounts menu (bottom of the activity bar) and returns its menu locator. */
export async function openAccountsMenu(page: Page) {
  await closeMenus(page);
  // Click the item, not its icon: the "Sign in requested" badge sits on top of the icon.
  await page.locator('.part.activitybar .action-item:has(a[aria-label^="Accounts"])').first().click();
  const menu = page.locator('.monaco-menu-container .monaco-menu').last();
  await menu.waitFor();
  return menu;
}

/**
 * Signs in the way a person does: Accounts menu → "Sign in with GitShare", the
 * external-site prompt, then the GitShare sign-in and consent pages in the tab
 * the workbench opens, then back to VS Code. Resolves when the Accounts menu
 * shows the account.
 */
export async function signInThroughUi(page: Page, username = 'demo', password = 'demo'): Promise<void> {
  const signIn = await findInAccountsMenu(page, /Sign in with GitShare/i);
  const popupPromise = page.context().waitForEvent('page', { timeout: 60_000 });
  await signIn.click();
  // The server is on 127.0.0.2, which the workbench opens as an external site after asking.
  const openButton = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Open$/ });
  await openButton.waitFor({ timeout: 30_000 }).then(() => openButton.click()).catch(() => undefined);
  const popup = await popupPromise;
  openPages.add(popup);
  try {
    await popup.waitForLoadState();
    await allowInBrowser(popup, username, password);
    // The callback page of code-server hands the code to the extension's UriHandler.
    await popup.waitForURL(/\/callback\?/, { timeout: 30_000 });
    await popup.getByText(/close this page/i).waitFor({ timeout: 30_000 });
  } finally {
    openPages.delete(popup);
    await popup.close().catch(() => undefined);
  }
  await page.keyboard.press('Escape');
  await waitForAccount(page, username);
}

/**
 * Opens the Accounts menu until it has an entry matching `label` and returns that
 * entry, the menu left open. The menu fills in as extensions activate (the
 * GitShare entry appears once the extension has asked for a session at start-up).
 */
export async function findInAccountsMenu(page: Page, label: RegExp, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const menu = await openAccountsMenu(page);
    const text = await menu.innerText();
    if (label.test(text)) {
      return menu.locator('.action-menu-item', { hasText: label }).first();
    }
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) {
      throw new Error(`The Accounts menu has no entry ${label}; it shows:\n${text}`);
    }
    await page.waitForTimeout(1000);
  }
}

/**
 * On GitShare's pages in the browser tab: sign in (GitShare asks only when this
 * browser has no GitShare session yet), then Allow on the consent page.
 */
export async function allowInBrowser(tab: Page, username: string, password: string): Promise<void> {
  const allow = tab.locator('button[name="decision"][value="allow"]');
  const usernameField = tab.locator('input[name="username"]');
  await usernameField.or(allow).first().waitFor();
  if (await usernameField.isVisible()) {
    await usernameField.fill(username);
    await tab.locator('input[name="password"]').fill(password);
    await tab.locator('button[type="submit"], input[type="submit"]').first().click();
  }
  await allow.click();
}

/** Waits until the Accounts menu lists `username` for GitShare. */
export async function waitForAccount(page: Page, username: string): Promise<void> {
  await findInAccountsMenu(page, new RegExp(`${username}\\s*\\(GitShare\\)`), 30_000);
  await page.keyboard.press('Escape');
}

/** Accounts menu → the account → Sign Out, and the confirmation. Resolves when the account is gone from the menu. */
export async function signOutThroughUi(page: Page, username = 'demo'): Promise<void> {
  const accountLabel = new RegExp(`${username}\\s*\\(GitShare\\)`);
  const dialog = page.locator('.monaco-dialog-box');
  // The submenu is rebuilt while it opens, and a click can land in between; try again then.
  for (let attempt = 1; ; attempt++) {
    const account = await findInAccountsMenu(page, accountLabel, 30_000);
    await account.hover();
    const signOut = page.locator('.monaco-menu .action-menu-item', { hasText: /^Sign Out$/ }).last();
    await signOut.waitFor();
    if (attempt === 1) {
      await signOut.click();
    } else {
      // The mouse path to the submenu can close it under the pointer; go by keyboard instead,
      // as a keyboard user would: into the submenu, down to Sign Out, Enter.
      await page.keyboard.press('ArrowRight');
      for (let i = 0; i < 5 && !(await signOut.evaluate((el) => el.closest('.action-item')?.classList.contains('focused') ?? false)); i++) {
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Enter');
    }
    try {
      await dialog.waitFor({ timeout: 5_000 });
      break;
    } catch (error) {
      await closeMenus(page);
      if (attempt === 3) {
        throw error;
      }
    }
  }
  await dialog.locator('.monaco-button', { hasText: /^Sign Out$/ }).click();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = await (await openAccountsMenu(page)).innerText();
    await page.keyboard.press('Escape');
    if (!accountLabel.test(text)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${username} (GitShare) is still in the Accounts menu after Sign Out`);
    }
    await page.waitForTimeout(500);
  }
}

/** The local server's request counters (it runs with --faults in the e2e layer). */
export async function serverStats(): Promise<{ tokenRequests: Record<string, number>; revocations: number }> {
  const response = await fetch(`${env().serverUrl}/__test__/stats`);
  return (await response.json()) as { tokenRequests: Record<string, number>; revocations: number };
}

/** Leaves the window signed out, so the next suite starts as a new user would. */
export async function ensureSignedOut(page: Page, username = 'demo'): Promise<void> {
  const text = await (await openAccountsMenu(page)).innerText();
  await page.keyboard.press('Escape');
  if (new RegExp(`${username}\\s*\\(GitShare\\)`).test(text)) {
    await signOutThroughUi(page, username);
  }
}
