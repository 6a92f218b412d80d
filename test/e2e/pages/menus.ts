/** Context menus and hovers: what can open over the workbench and block a click elsewhere. */
import type { Page } from 'playwright-core';
import { escapeRegExp } from '../../support/text';
import { eventually } from '../../support/wait';

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
export async function dismissHover(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.keyboard.press('Escape');
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
