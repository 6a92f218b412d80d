/** GitShare's Files view in the sidebar: showing it, its rows, expanding and collapsing folders. */
import type { Page } from 'playwright-core';
import { escapeRegExp } from '../../support/text';
import { eventually } from '../../support/wait';
import { dismissHover } from './menus';

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

/** A button of the Files view's title bar, by its tooltip (the command's title). */
export function filesViewTitleAction(page: Page, title: string) {
  return page.locator(`.part.sidebar .title-actions .action-label[aria-label="${title}"]`).first();
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
