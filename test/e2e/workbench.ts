/**
 * What an e2e test gets: a real VS Code (code-server) with the packaged
 * extension installed, the local GitShare server, and Chromium to drive the
 * workbench the way a person does. test/harness/runE2e.ts sets it up before
 * mocha loads the tests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
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
export async function openWorkbench(): Promise<Page> {
  const { browser, vscodeUrl, workspaceDir } = env();
  const context = browser.contexts()[0] ?? (await browser.newContext({ viewport: { width: 1400, height: 900 } }));
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
