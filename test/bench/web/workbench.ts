/**
 * The code-server workbench driven as a person drives it, for the figures in the browser's web
 * worker host, where no test seam reaches the extension: the palette, code-server's simple file
 * dialog, GitShare's remote picker, the sign-in tab and the notifications. (The e2e tests have
 * fuller page objects; the bench keeps its own few, as its layer may not import theirs.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { escapeRegExp } from '../../support/text';
import { eventually } from '../../support/wait';

function quickInput(page: Page) {
  return page.locator('.quick-input-widget input.input').first();
}

export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = quickInput(page);
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page
    .locator('.quick-input-widget')
    .getByRole('option', { name: new RegExp(`^${escapeRegExp(title)}(,|$)`) })
    .first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/** Clicks through GitShare's remote picker: each name in turn, then `finalRow` when given. */
export async function walkRemotePicker(page: Page, names: readonly string[], finalRow?: string): Promise<void> {
  const row = (label: string) =>
    page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
      .first();
  for (const name of [...names, ...(finalRow ? [finalRow] : [])]) {
    await row(name).waitFor({ timeout: 60_000 });
    await row(name).click();
  }
}

/**
 * Types `target` into the simple file dialog and accepts it with Enter once the dialog lists
 * what was typed (accepting earlier has chosen the start folder instead). Resolves when the
 * dialog is gone; the time of the Enter is returned, for the figure's clock.
 */
export async function answerFileDialog(page: Page, target: string, okLabel: string): Promise<number> {
  const widget = page.locator('.quick-input-widget');
  const input = quickInput(page);
  const ok = widget.locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(okLabel)}$`) }).first();
  await ok.waitFor({ timeout: 30_000 });
  const isFolder = fs.statSync(target).isDirectory();
  const wanted = isFolder && !target.endsWith(path.sep) ? target + path.sep : target;
  const name = path.basename(target);
  const focused = widget.locator('.quick-input-list .monaco-list-row.focused');
  for (let attempt = 1; attempt <= 4; attempt++) {
    if ((await input.inputValue()) !== wanted) {
      await input.fill(wanted);
    }
    const ready = await eventually(
      async () => {
        if ((await input.inputValue()) !== wanted) {
          return false;
        }
        const chosen = (await focused.count()) ? await focused.first().getAttribute('aria-label') : null;
        const label = chosen
          ?.split(/,\s/)[0]!
          .trim()
          .replace(/[\\/]$/, '');
        // Listed (a file's own row, or the folder's entries), with no other row chosen: ".."
        // or a folder row would be opened instead of the typed path being accepted.
        const listed = await widget.locator('.quick-input-list .monaco-list-row').count();
        return listed > 0 && (chosen === null || (!isFolder && label === name));
      },
      `the file dialog to show ${wanted}`,
      10_000,
      100,
    ).catch(() => false);
    if (!ready) {
      continue;
    }
    const at = performance.now();
    await page.keyboard.press('Enter');
    const done = await eventually(
      async () => !(await widget.isVisible()) || !(await ok.isVisible()),
      `the file dialog to accept ${wanted}`,
      15_000,
    ).catch(() => false);
    if (done) {
      return at;
    }
  }
  throw new Error(`The file dialog did not accept ${wanted}; it shows ${await input.inputValue()}`);
}

/** Waits for a notification toast matching `text`; its whole text. */
export async function waitForToast(page: Page, text: RegExp, timeoutMs: number): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
  await toast.waitFor({ timeout: timeoutMs });
  // The toasts are rebuilt as they update: the text of the one that matched, or of all. The
  // rendered text (innerText) leaves out the list's own <style> element.
  const shown =
    (await toast.innerText({ timeout: 5_000 }).catch(() => null)) ??
    (await page
      .locator('.notifications-toasts')
      .innerText({ timeout: 5_000 })
      .catch(() => '')) ??
    '';
  return shown.replace(/\s+/g, ' ').trim();
}

/** Closes every toast, so the next figure's outcome is the only one shown. */
export async function clearToasts(page: Page): Promise<void> {
  if (await page.locator('.notification-toast').count()) {
    await runCommand(page, 'Notifications: Clear All Notifications');
  }
}

/**
 * Signs in as a person does: the Accounts menu's Sign in with GitShare, VS Code's questions on the way (Allow, Open),
 * GitShare's sign-in and consent pages in the tab it opens, code-server's callback page.
 */
export async function signIn(page: Page, username = 'demo', password = 'demo'): Promise<void> {
  const tabOpened = page.context().waitForEvent('page', { timeout: 120_000 });
  let tab: Page | undefined;
  void tabOpened.then((t) => (tab = t)).catch(() => undefined);
  // The Accounts menu's entry (the extension asked for a session at start-up); the menu fills in
  // as extensions activate, so look again until it is there.
  const entry = page.locator('.monaco-menu .action-menu-item', { hasText: /Sign in with GitShare/i }).first();
  await eventually(
    async () => {
      await page.keyboard.press('Escape');
      await page.locator('.part.activitybar .action-item:has(a[aria-label^="Accounts"])').first().click();
      await page
        .locator('.monaco-menu')
        .first()
        .waitFor({ timeout: 5_000 })
        .catch(() => undefined);
      if (await entry.isVisible()) {
        await entry.click();
        return true;
      }
      return false;
    },
    'the Accounts menu to offer Sign in with GitShare',
    120_000,
    1_000,
  );
  const question = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^(Allow|Open)$/ }).first();
  await eventually(
    async () => {
      if (!tab && (await question.isVisible())) {
        await question.click().catch(() => undefined);
      }
      return tab;
    },
    'the sign-in tab',
    120_000,
    250,
  );
  const signInTab = await tabOpened;
  try {
    await signInTab.waitForLoadState();
    const allow = signInTab.locator('button[name="decision"][value="allow"]');
    const user = signInTab.locator('input[name="username"]');
    await user.or(allow).first().waitFor({ timeout: 60_000 });
    if (await user.isVisible()) {
      await user.fill(username);
      await signInTab.locator('input[name="password"]').fill(password);
      await signInTab.locator('button[type="submit"], input[type="submit"]').first().click();
    }
    await allow.click();
    await signInTab.getByText(/close this page/i).waitFor({ timeout: 60_000 });
  } finally {
    await signInTab.close().catch(() => undefined);
  }
}
