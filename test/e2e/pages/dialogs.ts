/** VS Code's modal dialogs (a question GitShare asks with `modal: true`). */
import type { Page } from 'playwright-core';

/**
 * Waits for the modal dialog whose message matches `message`, returns its whole text (message and
 * detail) and presses `button` in it, as a person reads and then clicks. Resolves once it closed.
 */
export async function answerDialog(page: Page, message: RegExp, button: string, timeoutMs = 60_000): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: message }).first();
  await dialog.waitFor({ timeout: timeoutMs });
  const text = await dialog.innerText();
  await dialog.locator('.monaco-button', { hasText: new RegExp(`^${button}$`) }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  return text;
}
