/**
 * What an e2e test gets: a real VS Code (code-server) with the packaged
 * extension installed, the local GitShare server, and Chromium to drive the
 * workbench the way a person does. test/runner/runE2e.ts sets it up before
 * mocha loads the tests.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureCodeServer, installExtension, makeSandbox, sandboxDirs, startCodeServer } from '../support/codeServer';
import { outputDir, repoRoot } from '../support/paths';
import { eventually, pause } from '../support/wait';

/** The one wait helper (test/support/wait.ts), for the e2e tests that import it from here. */
export { eventually, pause };

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
    throw new Error('e2e tests run only through test/runner/runE2e.ts (npm run test:e2e)');
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

/** Opens the workbench on the test folder (or a workspace file) in a new tab and waits until it is usable. */
export async function openWorkbench(inContext?: BrowserContext, workspaceFile?: string): Promise<Page> {
  const { browser, vscodeUrl, workspaceDir } = env();
  const context =
    inContext ?? browser.contexts()[0] ?? (await browser.newContext({ viewport: { width: 1400, height: 900 } }));
  const page = await context.newPage();
  // The test folder, or a .code-workspace file when one is given.
  await page.goto(
    `${vscodeUrl}/?${workspaceFile ? `workspace=${encodeURIComponent(workspaceFile)}` : `folder=${encodeURIComponent(workspaceDir)}`}`,
  );
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.part.activitybar').waitFor({ timeout: 60_000 });
  // The extension host is up once the status bar shows its items.
  await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
  return page;
}

/**
 * A suite's own workbench tab, opened on the test folder and kept in `openPages` so that a failure
 * is photographed; with `signIn`, demo signs in through the Accounts menu as a person does; with
 * `expand` ([folder, child]), the Files view is shown with `folder` expanded until `child` shows,
 * and `closeSuitePage` collapses it again. `closeSuitePage` in the suite's `after`.
 */
export async function openSuitePage(
  options: { signIn?: boolean; expand?: readonly [folder: string, child: string] } = {},
): Promise<Page> {
  const page = await openWorkbench();
  openPages.add(page);
  if (options.signIn) {
    await signInThroughUi(page);
  }
  if (options.expand) {
    expandedPages.add(page);
    await showFilesView(page);
    await expandFolder(page, ...options.expand);
  }
  return page;
}

/** Suite tabs whose Files view was expanded: closed tidy, as a person leaves it, for the next suite. */
const expandedPages = new WeakSet<Page>();

/**
 * The end of a suite: leaves the window signed out so the next suite starts as a new user would
 * (a failure here must not hide the suite's own), then forgets and closes the tab.
 */
export async function closeSuitePage(page: Page | undefined): Promise<void> {
  if (!page) {
    return; // the suite's `before` failed before the tab opened
  }
  if (expandedPages.has(page)) {
    await collapseFilesView(page).catch(() => undefined);
  }
  await ensureSignedOut(page).catch(() => undefined);
  openPages.delete(page);
  await page.close();
}

/** Runs a command through the command palette, as a person would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  // Choose the row named exactly `title` (the palette may rank a longer title first), by its accessible name.
  const row = page
    .locator('.quick-input-widget')
    .getByRole('option', { name: new RegExp(`^${escapeRegExp(title)}(,|$)`) })
    .first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/** The pages of the current test, so a failure can be photographed. */
export const openPages = new Set<Page>();

/** Closes any open context menu (and its submenus), which would block clicks elsewhere. */
export async function closeMenus(page: Page): Promise<void> {
  const open = page.locator('.context-view .monaco-menu');
  for (let i = 0; i < 4 && (await open.count()) > 0; i++) {
    const before = await open.count();
    await page.keyboard.press('Escape');
    // Each Escape closes one level; wait for it to go rather than for a fixed time.
    await eventually(async () => (await open.count()) < before, 'the menu to close', 2_000).catch(() => undefined);
  }
}

/** Moves the mouse off the workbench and presses Escape, as a person clears a hover in the way. */
async function dismissHover(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.keyboard.press('Escape');
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
    // The menu is a snapshot: a person looks again a moment later.
    await pause(500);
  }
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
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = await (await openAccountsMenu(page)).innerText();
    await page.keyboard.press('Escape');
    if (!accountLabel.test(text)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${username} is still in the Accounts menu after Sign Out`);
    }
    await pause(500);
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
  if (accountEntry(username).test(text)) {
    await signOutThroughUi(page, username);
  }
}

/** Escapes text for a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * An account's file tree on a server's disk: `<data>/files/<user id>/`. User ids
 * count from 1 in the order of the server's `--user` flags (the e2e server has
 * only demo, id 1).
 */
export function accountDir(userId = 1, dataDir = env().serverDataDir): string {
  return path.join(dataDir, 'files', String(userId));
}

/** The path of `relative` ("notes/todo.md") in an account's folder on the server's disk. */
export function onServer(relative: string, userId = 1, dataDir = env().serverDataDir): string {
  return path.join(accountDir(userId, dataDir), ...relative.split('/').filter(Boolean));
}

/**
 * Puts a file (or, without `content`, a folder) straight onto demo's folder on the server's disk,
 * as if it had been uploaded earlier: a suite's starting state, without going through the client.
 */
export function seedOnServer(relative: string, content?: string): void {
  const target = onServer(relative);
  if (content === undefined) {
    fs.mkdirSync(target, { recursive: true });
    return;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content);
}

/** The server's upload temp files left anywhere in an account folder (there must be none). */
export function serverTempFiles(userId = 1, dataDir = env().serverDataDir): string[] {
  const root = accountDir(userId, dataDir);
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((name) =>
    path.basename(name).startsWith('.gitshare-upload-'),
  );
}

/** Clicks the GitShare icon in the activity bar and waits for the Files view. */
export async function showFilesView(page: Page): Promise<void> {
  const sidebar = page.locator('.part.sidebar');
  const title = sidebar.locator('.composite.title');
  if ((await sidebar.isVisible()) && /GitShare/i.test((await title.innerText().catch(() => '')) ?? '')) {
    return;
  }
  await page.locator('.part.activitybar .action-item a[aria-label^="GitShare"]').first().click();
  await eventually(async () => /GitShare/i.test(await title.innerText().catch(() => '')), 'the GitShare sidebar');
}

/** The rows the Files view renders (it is the only view of its container, so the whole sidebar list). */
export function filesRows(page: Page) {
  return page.locator('.part.sidebar .monaco-list-row');
}

/** The Files view's row labelled exactly `label`; `within` narrows to rows whose aria-label also names a level. */
export function filesRow(page: Page, label: string) {
  return filesRows(page)
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
    .first();
}

/**
 * Expands a folder row in the Files view and waits for `child` under it. A click
 * toggles the folder, so it clicks only while the folder is collapsed; a folder
 * that shows as expanded without the child (a drag hovering over it opens it, and
 * a refresh can leave it so) is closed and opened again, as a person would.
 */
export async function expandFolder(page: Page, folder: string, child: string): Promise<void> {
  const row = filesRow(page, folder);
  await row.waitFor({ timeout: 60_000 });
  const shown = filesRow(page, child);
  // A hover left over a row by the last step can cover the folder; a person moves the mouse away
  // and presses Escape, then clicks again.
  const click = () =>
    eventually(
      () =>
        row.click({ timeout: 5_000 }).then(
          () => true,
          async () => {
            await dismissHover(page);
            return false;
          },
        ),
      `a click on ${folder}`,
      60_000,
    );
  for (let attempt = 0; ; attempt++) {
    if ((await row.getAttribute('aria-expanded')) !== 'true') {
      await click();
    }
    const found = await shown.waitFor({ timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (found) {
      return;
    }
    if (attempt === 4) {
      throw new Error(`${child} does not show under ${folder} in the Files view`);
    }
    if ((await row.getAttribute('aria-expanded')) === 'true') {
      await click();
    }
  }
}

/**
 * Right-clicks `row` and chooses `item` in its context menu. A menu ignores a
 * click in its first moments (VS Code's guard against a stray click), so the
 * click is repeated until the menu closes.
 */
export async function contextMenu(page: Page, row: ReturnType<Page['locator']>, item: string | RegExp): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const label = typeof item === 'string' ? new RegExp(`^\\s*${escapeRegExp(item)}\\s*$`) : item;
  const entry = menu.locator('.action-menu-item', { has: page.locator('.action-label', { hasText: label }) }).first();
  // A right-click can open no menu when a hover left by the last step covers the row; a person
  // moves the mouse away and right-clicks again.
  await eventually(
    async () => {
      await closeMenus(page);
      const shown = await row
        .click({ button: 'right', timeout: 5_000 })
        .then(() => entry.waitFor({ timeout: 15_000 }))
        .then(
          () => true,
          () => false,
        );
      if (!shown) {
        await dismissHover(page);
      }
      return shown;
    },
    `${String(item)} in the context menu`,
    60_000,
  );
  for (let attempt = 0; ; attempt++) {
    await entry.click().catch(() => undefined);
    const closed = await menu
      .first()
      .waitFor({ state: 'detached', timeout: 1_500 })
      .then(
        () => true,
        () => false,
      );
    if (closed) {
      return;
    }
    if (attempt === 10) {
      throw new Error(`The context menu stayed open after choosing ${String(item)}`);
    }
  }
}

/** The quick input's text box (input boxes, quick picks and the simple file dialog). */
export function quickInput(page: Page) {
  return page.locator('.quick-input-widget input.input').first();
}

/** A row of the open quick pick, by its accessible name (rows are reused; inner text can be stale). */
export function quickPickRow(page: Page, name: string | RegExp) {
  return page.locator('.quick-input-widget').getByRole('option', { name }).first();
}

/** Answers an input box (Rename…, New File…): waits for it, replaces its text, Enter, and waits for it to close. */
export async function answerInputBox(page: Page, value: string, prompt?: RegExp): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = quickInput(page);
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  if (prompt) {
    await widget.getByText(prompt).first().waitFor({ timeout: 30_000 });
  }
  await input.fill(value);
  await eventually(async () => (await input.inputValue()) === value, `the input box to show ${value}`, 10_000);
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 30_000 });
}

/** The names the simple file dialog lists now ("..", "notes.md", "photos/" → "photos"). */
async function dialogNames(page: Page): Promise<string[]> {
  const labels = await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));
  return labels.map((label) =>
    label
      .replace(/[\\/]$/, '')
      .split(/,\s/)[0]!
      .trim(),
  );
}

/**
 * Answers code-server's simple file dialog (a quick input) with a local path, as
 * a person types it, and accepts it with `okLabel`. Before accepting it waits
 * until the dialog shows what was typed: for a file, the file is the focused row;
 * for a folder, the list shows that folder's own entries. (Accepting earlier once
 * chose the workspace folder instead of the typed file.)
 */
export async function answerFileDialog(page: Page, target: string, okLabel: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = quickInput(page);
  const okButton = widget.locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(okLabel)}$`) }).first();
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await okButton.waitFor({ timeout: 30_000 });
  // The dialog first lists its start folder; typing before that is done races its own update.
  await eventually(async () => (await dialogNames(page)).length > 0, 'the file dialog to list its start folder');
  const isFolder = fs.statSync(target).isDirectory();
  // A trailing separator makes the dialog go into the folder.
  const wanted = isFolder && !target.endsWith(path.sep) ? target + path.sep : target;
  const name = path.basename(target);
  // What the dialog lists once it shows the typed path: the folder's own entries, or the file's folder.
  // A dialog that chooses a folder (Download Here) lists only the sub-folders.
  const entries = fs.readdirSync(isFolder ? target : path.dirname(target), { withFileTypes: true });
  const listings = [
    JSON.stringify(['..', ...entries.map((entry) => entry.name)].sort()),
    JSON.stringify(['..', ...entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name)].sort()),
  ];
  const focused = widget.locator('.quick-input-list .monaco-list-row.focused');
  for (let attempt = 1; ; attempt++) {
    if (attempt > 4) {
      throw new Error(`The file dialog did not accept ${wanted}; it shows ${await input.inputValue()}`);
    }
    // The dialog rewrites its box as it lists folders; a fill can land in the middle of that
    // (seen: the typed path appended to the old one). Type again until the box holds exactly it.
    if ((await input.inputValue()) !== wanted) {
      await input.fill(wanted);
    }
    // Accept only when the dialog shows what was typed, with no other row chosen (a chosen
    // folder row, "..", would be opened instead of accepting the typed path).
    const ready = await eventually(
      async () => {
        if (
          (await input.inputValue()) !== wanted ||
          !listings.includes(JSON.stringify((await dialogNames(page)).sort()))
        ) {
          return false;
        }
        const chosen = (await focused.count()) ? await focused.first().getAttribute('aria-label') : null;
        return chosen === null || (!isFolder && chosen.split(/,\s/)[0]!.trim() === name);
      },
      `the file dialog to show ${wanted}`,
      10_000,
    ).catch(() => false);
    if (!ready) {
      continue;
    }
    // Enter keeps the focus in the box (a click on the button moves it, and the list may then choose "..").
    await page.keyboard.press('Enter');
    // Done when the dialog closes or the next question takes its place (it has no such button).
    const done = await eventually(
      async () => !(await widget.isVisible()) || !(await okButton.isVisible()),
      `the file dialog to accept ${wanted}`,
      15_000,
    ).catch(() => false);
    if (done) {
      return;
    }
  }
}

/**
 * Waits for a notification whose text matches: as a toast, or, when the toast has
 * already hidden itself, in the notification center, which is opened once (as a
 * person would, from the palette) and closed again, so later notifications show
 * as toasts.
 */
export async function waitForNotification(page: Page, text: RegExp, timeoutMs = 60_000): Promise<void> {
  const toast = page.locator('.notifications-toasts').getByText(text).first();
  const center = page.locator('.notifications-center');
  const listed = center.getByText(text).first();
  let opened = false;
  try {
    await eventually(
      async () => {
        if ((await toast.isVisible()) || (await listed.isVisible())) {
          return true;
        }
        // A toast hides itself after a while; the center keeps every notification.
        if (!opened && !(await page.locator('.notification-toast').count())) {
          opened = true;
          await runCommand(page, 'Notifications: Show Notifications').catch(() => undefined);
        }
        return false;
      },
      `a notification ${text}`,
      timeoutMs,
    );
  } finally {
    if (opened) {
      await runCommand(page, 'Notifications: Hide Notifications').catch(() => page.keyboard.press('Escape'));
    }
  }
}

/** Closes every notification toast (they can cover the tree), through the command a person would use. */
export async function clearNotifications(page: Page): Promise<void> {
  if ((await page.locator('.notification-toast').count()) === 0) {
    return;
  }
  await runCommand(page, 'Notifications: Clear All Notifications');
  await eventually(
    async () => (await page.locator('.notification-toast').count()) === 0,
    'the notifications to close',
    10_000,
  );
}

/** A quick-pick row whose label (icons aside) is `label`, and whose description matches `description` when given. */
export function quickPickRowNamed(page: Page, label: string, description?: RegExp) {
  let row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
  if (description) {
    row = row.filter({ has: page.locator('.label-description', { hasText: description }) });
  }
  return row.first();
}

/**
 * Walks GitShare's remote picker (Upload…, Download…, Upload to GitShare…) the
 * way a person clicks through it: each name in turn, waiting for the next
 * level to list it; then `finalRow` (a name or "Use this folder" / "Download
 * this folder") when given.
 */
export async function walkRemotePicker(page: Page, names: readonly string[], finalRow?: string): Promise<void> {
  for (const name of names) {
    const row = quickPickRowNamed(page, name);
    await row.waitFor({ timeout: 30_000 });
    await row.click();
  }
  if (finalRow) {
    // The picker shows where it is in the row's description: wait for the last folder before choosing it.
    const where = names.length ? `/${names.join('/')}` : '/';
    const row = quickPickRowNamed(page, finalRow, new RegExp(`:${escapeRegExp(where)}$`));
    await row.waitFor({ timeout: 30_000 });
    await row.click();
  }
}

/** The Files view's "Collapse All" title button, so the next suite finds the view as a person left it tidy. */
export async function collapseFilesView(page: Page): Promise<void> {
  await showFilesView(page);
  // The view's title actions show while the pointer is over the view.
  await page.locator('.part.sidebar .composite.title').hover();
  const collapse = page.locator('.part.sidebar .title-actions .action-label[aria-label^="Collapse All"]').first();
  await collapse.waitFor({ timeout: 10_000 });
  await collapse.click();
  await eventually(
    async () => (await page.locator('.part.sidebar .monaco-list-row[aria-expanded="true"]').count()) === 0,
    'every folder collapsed',
    10_000,
  );
}

/** The names of the commands the palette offers for `query` (e.g. "GitShare:"). */
export async function paletteCommands(page: Page, query: string): Promise<string[]> {
  await page.keyboard.press('F1');
  const input = quickInput(page);
  await input.waitFor();
  await input.fill(`>${query}`);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: 30_000 });
  // The list is filtered as the text arrives: read it once two looks agree.
  let previous = '';
  const names = await eventually(
    async () => {
      const now = await rows.evaluateAll((all) =>
        all.map((row) => (row.getAttribute('aria-label') ?? '').split(', ')[0]!.trim()),
      );
      const key = JSON.stringify(now);
      const stable = key === previous;
      previous = key;
      return stable && now;
    },
    'the palette list to settle',
    10_000,
  );
  await page.keyboard.press('Escape');
  return names;
}

/** A code-server of a suite's own, for what the shared one cannot be: other user settings, workspace trust on. */
export interface OwnWorkbench {
  readonly url: string;
  /** Its user data folder (User/settings.json is the user's settings file). */
  readonly userDataDir: string;
  /** Its own browser context (its own storage), so nothing leaks into the shared window. */
  readonly context: BrowserContext;
  open(folder: string): Promise<Page>;
  stop(): Promise<void>;
}

/** The .vsix runE2e.ts packaged for this run. */
function packagedVsix(): string {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return path.join(repoRoot, `${name}-${version}.vsix`);
}

/**
 * Packages a fixture extension of test/fixtures/ (an extension folder with its package.json) into a
 * .vsix alone in a folder of .test-output/fixtures/ (so a file dialog lists only it), to install
 * beside GitShare's.
 */
export function packageFixture(name: string): string {
  const dir = path.join(outputDir, 'fixtures', name);
  const out = path.join(dir, `${name}.vsix`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--out', out], {
    cwd: path.join(repoRoot, 'test', 'fixtures', name),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out;
}

/** Where code-server installed GitShare in a sandbox's extensions folder. */
export function installedGitShare(extensionsDir: string): string {
  const { publisher, name, version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  return path.join(extensionsDir, `${publisher}.${name}-${version}`);
}

/** Starts another code-server with the packaged extension installed, `settings` as its user settings. */
export async function startOwnWorkbench(
  label: string,
  options: {
    settings: Record<string, unknown>;
    workspaceTrust?: boolean;
    ignoreHTTPSErrors?: boolean;
    /** The display language (see CodeServerOptions.locale). */
    locale?: string;
    /** Runs after the installs, before code-server starts (e.g. to add files a translator ships). */
    beforeStart?: (extensionsDir: string) => Promise<void>;
  },
): Promise<OwnWorkbench> {
  const install = await ensureCodeServer();
  const sandbox = makeSandbox(`e2e-${label}`);
  await installExtension(install, sandbox, packagedVsix());
  await options.beforeStart?.(sandboxDirs(sandbox).extensionsDir);
  const log = fs.createWriteStream(path.join(outputDir, `e2e-code-server-${label}.log`));
  const server = await startCodeServer(install, {
    sandbox,
    settings: options.settings,
    workspaceTrust: options.workspaceTrust,
    locale: options.locale,
    log: (line) => log.write(line + '\n'),
  });
  const context = await env().browser.newContext({
    viewport: { width: 1400, height: 900 },
    ignoreHTTPSErrors: options.ignoreHTTPSErrors,
  });
  return {
    url: server.url,
    userDataDir: server.userDataDir,
    context,
    async open(folder: string): Promise<Page> {
      const page = await context.newPage();
      openPages.add(page);
      await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
      return page;
    },
    async stop(): Promise<void> {
      for (const page of context.pages()) {
        openPages.delete(page);
      }
      await context.close().catch(() => undefined);
      await server.stop();
      log.end();
      fs.rmSync(sandbox, { recursive: true, force: true });
    },
  };
}

/**
 * VS Code 1.139 opens the Settings editor (and settings.json) as a modal over the workbench: closes it with its close
 * button (Escape when none shows), as a person would, and waits until it is gone. Ctrl+W does not
 * always close it, and a Settings editor left open keeps its search text for the next search.
 *
 * Now and then, under load, VS Code still holds the floating settings.json as changed after it was saved and asks
 * "Do you want to save the changes you made to settings.json?" when it closes (logged by the first version of the
 * fallback below: the dialog was up, the file on disk as written). Every caller closes only after what it wrote
 * is on disk, so the answer is Don't Save. Anything else that keeps the editor open for 30 s gets what a person
 * does with a stuck window, once: a reload, with what the window showed in the log.
 */
export async function closeSettingsEditor(page: Page): Promise<void> {
  const modal = page.locator('.monaco-modal-editor-block').first();
  const editor = page.locator('.settings-editor').first();
  const open = async () =>
    (await modal.isVisible().catch(() => false)) || (await editor.isVisible().catch(() => false));
  const closed = await eventually(
    async () => {
      if (!(await open())) {
        return true;
      }
      // VS Code asking to save settings.json: every caller closes only after what it wrote is on
      // disk, so what the editor holds beyond that is not the person's to keep.
      const dontSave = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Don't Save$/ }).first();
      const close = page
        .locator('.monaco-modal-editor-block .codicon-close, .monaco-modal-editor-block [aria-label^="Close"]')
        .first();
      if (await dontSave.isVisible().catch(() => false)) {
        console.log("      (VS Code asked to save settings.json after it was saved: Don't Save)");
        await dontSave.click({ timeout: 10_000 }).catch(() => undefined);
      } else if (await close.isVisible().catch(() => false)) {
        await close.click({ timeout: 10_000 }).catch(() => undefined);
      } else {
        await page.keyboard.press('Escape');
      }
      await eventually(async () => !(await open()), 'the Settings editor to close', 5_000).catch(() => undefined);
      return !(await open());
    },
    'the Settings editor to close',
    30_000,
  ).then(
    () => true,
    () => false,
  );
  if (closed) {
    return;
  }
  console.log(`      (the Settings editor would not close; reloading the window once) ${await modalState(page)}`);
  await page.reload();
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
  await eventually(async () => !(await open()), 'the Settings editor to be gone after a reload', 30_000);
}

/** What the window shows around a modal editor: for the log of a modal that will not close. */
async function modalState(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const doc = (
        globalThis as unknown as {
          document: {
            querySelectorAll(s: string): ArrayLike<{ textContent: string | null; className: string }>;
            activeElement: { className: string } | null;
          };
        }
      ).document;
      const texts = (selector: string) =>
        Array.from(doc.querySelectorAll(selector)).map((e) => (e.textContent ?? '').trim().slice(0, 80));
      return JSON.stringify({
        modals: doc.querySelectorAll('.monaco-modal-editor-block').length,
        modalTitles: texts('.monaco-modal-editor-block .modal-editor-title'),
        dialogs: texts('.monaco-dialog-box'),
        notifications: texts('.notification-toast'),
        focused: doc.activeElement?.className.slice(0, 80) ?? null,
      });
    })
    .catch((error: Error) => `(no state: ${error.message})`);
}

/**
 * Preferences: Open User Settings, and the setting `key` searched for as a person does: the
 * search box cleared, the id typed, until the setting's row shows. Returns the row.
 */
export async function findUserSetting(page: Page, key: string) {
  await runCommand(page, 'Preferences: Open User Settings');
  const editor = page.locator('.settings-editor').first();
  await editor.locator('.settings-header').first().waitFor({ timeout: 30_000 });
  const row = editor.locator(`[data-key="${key}"]`).first();
  await eventually(
    async () => {
      await editor.locator('.settings-header .suggest-input-container').first().click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.type(key);
      return row.waitFor({ timeout: 10_000 }).then(
        () => true,
        () => false,
      );
    },
    `${key} in the Settings editor`,
    60_000,
  );
  return row;
}

/**
 * Sets a user setting in the Settings editor, as a person does (search, type the value, leave
 * the box), waits until the user's settings file holds it (the editor writes after a short delay,
 * and closing it sooner drops the value), and closes the editor. A value equal to the default
 * leaves the key out of the file, so '' counts as written once the key is absent.
 */
export async function setUserSetting(
  page: Page,
  key: string,
  value: string,
  settingsFile = env().settingsFile,
): Promise<void> {
  const row = await findUserSetting(page, key);
  const written = () => {
    try {
      const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
      return String(settings[key] ?? '') === value;
    } catch {
      return false; // being written
    }
  };
  try {
    if (written()) {
      return;
    }
    const input = row.locator('input').first();
    await input.fill(value);
    await input.press('Tab');
    await eventually(written, `${key} = ${JSON.stringify(value)} in the user settings`).catch((error: Error) => {
      throw new Error(`${error.message}; settings.json holds:\n${fs.readFileSync(settingsFile, 'utf8')}`);
    });
  } finally {
    await closeSettingsEditor(page);
  }
}
