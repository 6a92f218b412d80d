/**
 * The workbench as a whole: a tab opened on the test folder until it is usable, a suite's own tab
 * (signed in, the Files view expanded) and its tidy close, and the window left and returned to.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { eventually } from '../../support/wait';
import { env, openPages } from '../environment';
import { ensureSignedOut, signInThroughUi } from './accounts';
import { collapseFilesView, expandFolder, showFilesView } from './filesView';

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

/**
 * Leaves the window for another browser tab, as a person switches to another
 * application; `back()` returns to it. Chromium driven by playwright reports
 * every page as focused unless focus emulation is off, so it is turned off first.
 */
export async function leaveWindow(page: Page): Promise<{ back(): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
  const other = await page.context().newPage();
  await other.bringToFront();
  await eventually(async () => !(await page.evaluate(hasFocus)), 'the workbench to lose focus', 10_000);
  return {
    async back() {
      await other.close();
      await page.bringToFront();
      await page
        .locator('.monaco-workbench')
        .click({ position: { x: 5, y: 5 } })
        .catch(() => undefined);
      await eventually(async () => page.evaluate(hasFocus), 'the workbench to have focus again', 10_000);
      await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true }).catch(() => undefined);
      await cdp.detach().catch(() => undefined);
    },
  };
}

/** Runs in the page. */
function hasFocus(): boolean {
  return (globalThis as unknown as { document: { hasFocus(): boolean } }).document.hasFocus();
}
