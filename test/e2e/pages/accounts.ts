/** The Accounts menu (bottom of the activity bar): signing in and out through it, as a person does. */
import type { Page } from 'playwright-core';
import { escapeRegExp } from '../../support/text';
import { eventually } from '../../support/wait';
import { closeMenus } from './menus';
import { allowInBrowser, answerInBrowser } from './signInTab';

/** The Accounts item at the bottom of the activity bar. */
function accountsItem(page: Page) {
  return page.locator('.part.activitybar .action-item:has(a[aria-label^="Accounts"])').first();
}

/** Opens the Accounts menu (bottom of the activity bar) and returns its menu locator. */
export async function openAccountsMenu(page: Page) {
  await closeMenus(page);
  // Click the item, not its icon: a "Sign in requested" badge sits on top of the icon.
  await accountsItem(page).click();
  const menu = page.locator('.monaco-menu-container .monaco-menu').last();
  await menu.waitFor();
  return menu;
}

/**
 * The number on the Accounts icon ("1" with the tooltip "Sign in requested"
 * while an extension asks for a sign-in), or '' when it shows none.
 */
export async function accountsBadge(page: Page): Promise<string> {
  const badge = accountsItem(page).locator('.badge .badge-content');
  return (await badge.isVisible()) ? (await badge.innerText()).trim() : '';
}

/**
 * Opens the Accounts menu until it has an entry matching `label` and returns that
 * entry, the menu left open. The menu fills in as extensions activate (the
 * GitShare entry appears once the extension has asked for a session at start-up).
 */
export async function findInAccountsMenu(page: Page, label: RegExp, timeoutMs = 60_000) {
  let text = '';
  // The menu is a snapshot: a person looks again a moment later.
  return eventually(
    async () => {
      const menu = await openAccountsMenu(page);
      text = await menu.innerText();
      if (label.test(text)) {
        return menu.locator('.action-menu-item', { hasText: label }).first();
      }
      await page.keyboard.press('Escape');
      return undefined;
    },
    `an entry ${label} in the Accounts menu`,
    timeoutMs,
    500,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; it shows:\n${text}`);
  });
}

/**
 * The Accounts menu's entry of a GitShare account: the user name, then what tells
 * it apart in parentheses ("demo (GitShare)", or the server when accounts span servers).
 */
export function accountEntry(username: string): RegExp {
  return new RegExp(`(^|\\n)\\s*${escapeRegExp(username)}\\s*\\(`);
}

/** Waits until the Accounts menu lists `username` for GitShare. */
export async function waitForAccount(page: Page, username: string): Promise<void> {
  await findInAccountsMenu(page, accountEntry(username), 30_000);
  await page.keyboard.press('Escape');
}

/**
 * Signs in the way a person does: Accounts menu → "Sign in with GitShare", the
 * external-site prompt, then the GitShare sign-in and consent pages in the tab
 * the workbench opens, then back to VS Code. Resolves when the Accounts menu
 * shows the account.
 */
export async function signInThroughUi(page: Page, username = 'demo', password = 'demo'): Promise<void> {
  const signIn = await findInAccountsMenu(page, /Sign in with GitShare/i);
  await completeSignIn(page, () => signIn.click(), username, password);
}

/**
 * The part of a sign-in after the person asked for it (`start`: a click on the
 * Accounts menu entry, the welcome view's button, a palette command): the
 * external-site prompt, GitShare's sign-in and consent pages in the new tab,
 * back to VS Code. Resolves when the Accounts menu shows the account.
 */
export async function completeSignIn(
  page: Page,
  start: () => Promise<void>,
  username = 'demo',
  password = 'demo',
): Promise<void> {
  await answerInBrowser(page, start, (tab) => allowInBrowser(tab, username, password));
  await waitForAccount(page, username);
}

/** Accounts menu → the account → Sign Out, and the confirmation. Resolves when the account is gone from the menu. */
export async function signOutThroughUi(page: Page, username = 'demo'): Promise<void> {
  const accountLabel = accountEntry(username);
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
      for (
        let i = 0;
        i < 5 && !(await signOut.evaluate((el) => el.closest('.action-item')?.classList.contains('focused') ?? false));
        i++
      ) {
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
  await eventually(
    async () => {
      const text = await (await openAccountsMenu(page)).innerText();
      await page.keyboard.press('Escape');
      return !accountLabel.test(text);
    },
    `${username} to leave the Accounts menu after Sign Out`,
    30_000,
    500,
  );
}

/** Leaves the window signed out, so the next suite starts as a new user would. */
export async function ensureSignedOut(page: Page, username = 'demo'): Promise<void> {
  const text = await (await openAccountsMenu(page)).innerText();
  await page.keyboard.press('Escape');
  if (accountEntry(username).test(text)) {
    await signOutThroughUi(page, username);
  }
}
