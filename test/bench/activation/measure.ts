/**
 * Activation time in the real extension host: code-server 4.139.1 (VS Code
 * 1.139.1) with the smoke-test driver, opened in headless Chromium, as the
 * integration harness does, with the extension under test from `extensionDir`
 * (the production bundle). The figure is VS Code's own: the Running Extensions
 * editor's "Activation: N ms", which is codeLoadingTime + activateCallTime as
 * the extension host measured them. probe.ts also times `activate()` from the
 * outside when the extension was not active yet.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../harness/browser';
import { ensureCodeServer, makeSandbox, startCodeServer, type CodeServerInstall } from '../../harness/codeServer';
import { PROBE_MARKER } from './marker';

export interface ActivationRun {
  /** VS Code's figure (code loading + activate call), ms. */
  readonly vscodeMs: number;
  readonly label: string;
  readonly wasActive: boolean;
  readonly aroundActivateMs?: number;
}

const PAGE_TIMEOUT_MS = 120_000;

async function once(install: CodeServerInstall, browser: Browser, extensionDir: string): Promise<ActivationRun> {
  const sandbox = makeSandbox('bench-activation');
  const workspace = path.join(sandbox, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const doneFile = path.join(sandbox, 'done');
  const codeServer = await startCodeServer(install, { sandbox, smokeTestDriver: true, env: { GITSHARE_BENCH_DONE_FILE: doneFile } });
  // Tall enough that the Running Extensions list renders every row (it is virtualised).
  const page = await browser.newPage({ viewport: { width: 1400, height: 6000 } });
  try {
    let probe: { wasActive: boolean; aroundActivateMs?: number } | undefined;
    const exited = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      for (const line of text.split('\n')) {
        if (line.startsWith(PROBE_MARKER)) {
          probe = JSON.parse(line.slice(PROBE_MARKER.length));
        }
      }
    });
    const remote = (p: string) => `vscode-remote://${codeServer.authority}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDir)],
      ['extensionTestsPath', remote(path.join(__dirname, 'probe.js'))],
    ];
    await page.goto(`${codeServer.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const row = page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: /gitshare/i }).first();
    const time = row.locator('.activation-time');
    await time.filter({ hasText: /\d+ms/ }).waitFor({ timeout: PAGE_TIMEOUT_MS });
    const label = (await time.textContent())?.trim() ?? '';
    fs.writeFileSync(doneFile, 'done');
    const code = await Promise.race([exited, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 30_000))]);
    if (code !== 0 || !probe) {
      throw new Error(`the activation probe did not finish (exit ${code})`);
    }
    return { vscodeMs: Number(/(\d+)ms/.exec(label)![1]), label, ...probe };
  } finally {
    fs.writeFileSync(doneFile, 'done');
    await page.close().catch(() => undefined);
    await codeServer.stop();
    fs.rmSync(sandbox, { recursive: true, force: true });
  }
}

export async function measureActivation(extensionDir: string, runs: number, log: (line: string) => void): Promise<ActivationRun[]> {
  const install = await ensureCodeServer();
  const browser = await launchChromium();
  try {
    const results: ActivationRun[] = [];
    for (let i = 0; i < runs; i++) {
      const result = await once(install, browser, extensionDir);
      log(`  activation run ${i + 1}/${runs}: ${result.label}${result.wasActive ? '' : `, around activate() ${result.aroundActivateMs?.toFixed(1)} ms`}`);
      results.push(result);
    }
    return results;
  } finally {
    await browser.close().catch(() => undefined);
  }
}
