/**
 * What an e2e test gets: a real VS Code (code-server) with the packaged extension installed, the
 * local GitShare server, and Chromium to drive the workbench the way a person does.
 * test/runner/runE2e.ts sets it up before mocha loads the tests. Also: the tabs to photograph when a
 * test fails, and code-servers of a suite's own (other settings, a language pack, workspace trust).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureCodeServer, installExtension, makeSandbox, sandboxDirs, startCodeServer } from '../support/codeServer';
import { outputDir, repoRoot } from '../support/paths';

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
  /**
   * The worker phase: the extension runs in the browser's web worker extension host (and the
   * local server is on https with CORS), not in code-server's Node extension host.
   */
  readonly inWorker: boolean;
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

/** The pages of the current test, so a failure can be photographed. */
export const openPages = new Set<Page>();

export const screenshotDir = path.join(outputDir, 'e2e');

/** Saves a screenshot under .test-output/e2e/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
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
