/**
 * Steps for the "live" e2e tests (editors and the Files view follow GitShare,
 * Go to File…): a colleague changing files through the API behind VS Code's
 * back, a setting changed in the Settings editor, the window left and
 * returned to, and what an editor shows.
 */
import type { Page } from 'playwright-core';
import type { GitShareClient } from '../../src/api/client';
import { apiClient, signIn } from '../support/serverSession';
import {
  closeSettingsEditor,
  env,
  eventually,
  findUserSetting,
  openWorkbench,
  runCommand,
  setUserSetting,
} from './workbench';

/** A second, independent session on the demo account: "a colleague" using GitShare elsewhere. */
export async function colleague(): Promise<GitShareClient> {
  const { serverUrl } = env();
  return apiClient(serverUrl, await signIn(serverUrl));
}

/** The shared polling wait, re-exported for the live suite's tests. */
export { eventually };

/** How many requests of a route the server has answered (`GET /api/v1/metadata`). */
export async function serverRequests(route: string): Promise<number> {
  const response = await fetch(`${env().serverUrl}/__test__/stats`);
  const stats = (await response.json()) as { requests: Record<string, number> };
  return stats.requests[route] ?? 0;
}

/** The shared Settings-editor step, re-exported for the live suite's tests. */
export { setUserSetting };

/**
 * Turns Auto Save off with **File: Toggle Auto Save**, as a person does, and checks in the
 * Settings editor that it is off (the toggle flips whatever the current value is).
 */
export async function turnOffAutoSave(page: Page): Promise<void> {
  const current = async (): Promise<string> => {
    const row = await findUserSetting(page, 'files.autoSave');
    const select = row.locator('select').first();
    await select.waitFor({ timeout: 30_000 });
    const value = await select.inputValue();
    await closeSettingsEditor(page);
    return value;
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if ((await current()) === 'off') {
      return;
    }
    await runCommand(page, 'File: Toggle Auto Save');
    await eventually(async () => (await current()) === 'off', 'Auto Save off', 10_000).catch(() => undefined);
  }
  throw new Error('Auto Save could not be turned off');
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

/** The text the active editor shows (its visible lines), with ordinary spaces. */
export async function activeEditorText(page: Page): Promise<string> {
  const lines = page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines').first();
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

export { openWorkbench };
