/**
 * Activation time in the real extension host: code-server 4.139.1 (VS Code
 * 1.139.1) with the smoke-test driver, opened in headless Chromium, as the
 * integration runner does, with the extension under test from `extensionDir`
 * (the production bundle). The figure is VS Code's own: the Running Extensions
 * editor's "Activation: N ms", which is codeLoadingTime + activateCallTime as
 * the extension host measured them. An empty extension in the same window is
 * the yardstick: what any activation costs on this machine at that moment.
 * probe.ts also times `activate()` from the outside when it triggers it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import type { Browser, Locator } from 'playwright-core';
import { launchChromium } from '../../support/browser';
import {
  ensureCodeServer,
  makeSandbox,
  sandboxDirs,
  startCodeServer,
  type CodeServerInstall,
} from '../../support/codeServer';
import { escapeRegExp } from '../../support/text';
import { PROBE_MARKER, YARDSTICK_ID, YARDSTICK_NAME } from './marker';
import { developmentWindowUrl } from '../common';

export interface ActivationRun {
  /** VS Code's figure (code loading + activate call), ms. */
  readonly vscodeMs: number;
  readonly label: string;
  readonly wasActive: boolean;
  readonly aroundActivateMs?: number;
  /** The same for the empty yardstick extension in the same window. */
  readonly yardstickMs: number;
  readonly yardstick: { readonly wasActive: boolean; readonly aroundActivateMs?: number };
  /** The machine's 1-minute load average when the window opened. */
  readonly loadAverage: number;
}

/** An extension that does nothing, beside GitShare in the same window. */
function writeYardstick(dir: string): void {
  const [publisher, name] = YARDSTICK_ID.split('.');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      publisher,
      displayName: YARDSTICK_NAME,
      version: '0.0.1',
      engines: { vscode: '^1.138.0' },
      main: './extension.js',
      activationEvents: ['onStartupFinished'],
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'extension.js'),
    'exports.activate = function () {};\nexports.deactivate = function () {};\n',
  );
}

const PAGE_TIMEOUT_MS = 60_000;

async function once(install: CodeServerInstall, browser: Browser, extensionDir: string): Promise<ActivationRun> {
  const sandbox = makeSandbox('bench-activation');
  const workspace = path.join(sandbox, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const doneFile = path.join(sandbox, 'done');
  // Installed (not a second development path: code-server honours only one).
  writeYardstick(path.join(sandboxDirs(sandbox).extensionsDir, `${YARDSTICK_ID}-0.0.1`));
  const loadAverage = os.loadavg()[0];
  const codeServer = await startCodeServer(install, {
    sandbox,
    smokeTestDriver: true,
    env: { GITSHARE_BENCH_DONE_FILE: doneFile },
  });
  // Tall enough that the Running Extensions list renders every row (it is virtualised).
  const page = await browser.newPage({ viewport: { width: 1400, height: 6000 } });
  try {
    const errors: string[] = [];
    let probe: { wasActive: boolean; aroundActivateMs?: number; yardstick: ActivationRun['yardstick'] } | undefined;
    const exited = new Promise<number>(
      (resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)),
    );
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      for (const line of text.split('\n')) {
        if (/error/i.test(line)) {
          errors.push(line.slice(0, 300));
        }
        if (line.startsWith(PROBE_MARKER)) {
          probe = JSON.parse(line.slice(PROBE_MARKER.length));
        }
      }
    });
    await page.goto(developmentWindowUrl(codeServer, workspace, extensionDir, path.join(__dirname, 'probe.js')));
    const rows = page.locator('.runtime-extensions-editor .monaco-list-row');
    const yardstickName = new RegExp(`${escapeRegExp(YARDSTICK_NAME)}|${escapeRegExp(YARDSTICK_ID)}`);
    const timeOf = async (row: Locator) => {
      const time = row.first().locator('.activation-time');
      try {
        await time.filter({ hasText: /\d+ms/ }).waitFor({ timeout: PAGE_TIMEOUT_MS });
      } catch (error) {
        const names = await page
          .locator('.runtime-extensions-editor .monaco-list-row .name')
          .allTextContents()
          .catch(() => []);
        throw new Error(
          `no activation time in the Running Extensions editor (rows: ${names.join(', ') || 'none'}; probe: ${probe ? 'ran' : 'did not report'}; ` +
            `errors logged: ${errors.slice(-5).join(' | ') || 'none'})`,
          { cause: error },
        );
      }
      return (await time.textContent())?.trim() ?? '';
    };
    const label = await timeOf(rows.filter({ hasText: /gitshare/i, hasNotText: yardstickName }));
    const yardstickLabel = await timeOf(rows.filter({ hasText: yardstickName }));
    fs.writeFileSync(doneFile, 'done');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), 30_000))),
    ]).finally(() => clearTimeout(timer));
    if (code !== 0 || !probe) {
      throw new Error(`the activation probe did not finish (exit ${code})`);
    }
    const ms = (text: string) => Number(/(\d+)ms/.exec(text)![1]);
    return {
      vscodeMs: ms(label),
      label,
      wasActive: probe.wasActive,
      aroundActivateMs: probe.aroundActivateMs,
      yardstickMs: ms(yardstickLabel),
      yardstick: probe.yardstick,
      loadAverage,
    };
  } finally {
    fs.writeFileSync(doneFile, 'done');
    await page.close().catch(() => undefined);
    await codeServer.stop();
    fs.rmSync(sandbox, { recursive: true, force: true });
  }
}

export async function measureActivation(
  extensionDir: string,
  runs: number,
  log: (line: string) => void,
): Promise<ActivationRun[]> {
  const install = await ensureCodeServer();
  const browser = await launchChromium();
  try {
    const results: ActivationRun[] = [];
    for (let i = 0; i < runs; i++) {
      const result = await once(install, browser, extensionDir);
      log(
        `  activation run ${i + 1}/${runs}: GitShare ${result.label}${result.wasActive ? '' : ` (around activate() ${result.aroundActivateMs?.toFixed(1)} ms)`}, ` +
          `empty extension ${result.yardstickMs} ms; load average ${result.loadAverage.toFixed(1)}`,
      );
      results.push(result);
    }
    return results;
  } finally {
    await browser.close().catch(() => undefined);
  }
}
