/** The editors: what the active one shows. */
import type { Page } from 'playwright-core';

/** The text the active editor shows (its visible lines), with ordinary spaces. */
export async function activeEditorText(page: Page): Promise<string> {
  const lines = page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines').first();
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}
