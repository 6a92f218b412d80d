/**
 * Runs test/e2e/: installs the packaged .vsix into code-server, starts the
 * local GitShare server, opens the workbench in headless Chromium and drives
 * it with playwright-core. Screenshots go to .test-output/e2e/; a failing
 * test's screenshot path is printed with its error.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { openPages, screenshot, setEnvironment } from '../e2e/environment';
import { launchChromium } from '../support/browser';
import {
  ensureCodeServer,
  installExtension,
  makeSandbox,
  RunningCodeServer,
  startCodeServer,
} from '../support/codeServer';
import { LocalServer, startLocalServer } from '../support/localServer';
import { cleanupOnSignals } from '../support/processes';
import { outputDir, repoRoot } from '../support/paths';
import { clearLayerResult, finishLayer, LayerResult, recordRun } from './results';
import { findTests } from './testFiles';

function packageExtension(): string {
  execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.mjs'), '--production'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'package.mjs')], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const { name, version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  return path.join(repoRoot, `${name}-${version}.vsix`);
}

/**
 * Packages test/fixtures/other-extension/ (an ordinary extension that tries to
 * reach GitShare's tokens) into a .vsix, to install beside GitShare's.
 */
function packageOtherExtension(): string {
  const fixture = path.join(repoRoot, 'test', 'fixtures', 'other-extension');
  const out = path.join(outputDir, 'other-extension.vsix');
  fs.mkdirSync(outputDir, { recursive: true });
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--out', out], {
    cwd: fixture,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out;
}

async function main(): Promise<number> {
  clearLayerResult('e2e');
  fs.rmSync(path.join(outputDir, 'e2e'), { recursive: true, force: true });
  const install = await ensureCodeServer();
  const vsix = packageExtension();
  const otherVsix = packageOtherExtension();
  const sandbox = makeSandbox('e2e');
  const workspaceDir = path.join(sandbox, 'workspace');
  fs.mkdirSync(workspaceDir, { recursive: true });
  fs.writeFileSync(path.join(workspaceDir, 'notes.md'), '# Local notes\n\nA file to upload to GitShare.\n');
  fs.mkdirSync(outputDir, { recursive: true });
  const codeServerLog = fs.createWriteStream(path.join(outputDir, 'e2e-code-server.log'));

  let server: LocalServer | undefined;
  let codeServer: RunningCodeServer | undefined;
  const browser = await launchChromium();
  const cleanup = cleanupOnSignals(async () => {
    setEnvironment(undefined);
    await browser.close().catch(() => undefined);
    await codeServer?.stop();
    await server?.close();
    codeServerLog.end();
    fs.rmSync(sandbox, { recursive: true, force: true });
  });
  try {
    server = await startLocalServer(path.join(sandbox, 'gitshare-data'));
    await installExtension(install, sandbox, vsix);
    await installExtension(install, sandbox, otherVsix);
    codeServer = await startCodeServer(install, {
      sandbox,
      settings: { 'gitshare.serverUrl': server.url },
      log: (line) => codeServerLog.write(line + '\n'),
    });
    console.log(`Local GitShare server: ${server.url}; code-server: ${codeServer.url}`);
    await browser.newContext({ viewport: { width: 1400, height: 900 } });
    setEnvironment({
      browser,
      vscodeUrl: codeServer.url,
      serverUrl: server.url,
      serverDataDir: server.dataDir,
      workspaceDir,
      settingsFile: path.join(codeServer.userDataDir, 'User', 'settings.json'),
    });

    const mocha = new Mocha({
      ui: 'bdd',
      timeout: 120_000,
      reporter: 'spec',
      grep: process.env.GITSHARE_TEST_GREP || undefined,
    });
    mocha.rootHooks({
      async afterEach(this: Mocha.Context) {
        if (this.currentTest?.state !== 'failed') {
          return;
        }
        for (const page of openPages) {
          const file = await screenshot(page, `FAILED-${this.currentTest.fullTitle()}`).catch(() => undefined);
          if (file) {
            console.log(`      screenshot of the failure: ${file}`);
          }
        }
      },
    });
    const files = findTests(path.join(repoRoot, 'out', 'test', 'e2e'));
    for (const file of files) {
      mocha.addFile(file);
    }
    const result = await new Promise<LayerResult>((resolve) => {
      const runner = mocha.run(() => resolve(recording.result()));
      const recording = recordRun(runner, files.length);
    });
    return finishLayer('e2e', result, files.length);
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('The e2e runner could not run:', error);
    process.exit(1);
  },
);
