/**
 * Runs test/e2e/: installs the packaged .vsix into code-server, starts the
 * local GitShare server, opens the workbench in headless Chromium and drives
 * it with playwright-core. Screenshots go to .test-output/e2e/; a failing
 * test's screenshot path is printed with its error.
 *
 * With `--worker`, the worker phase: the suites of WORKER_SUITES again, with the
 * extension in the browser's web worker extension host (the user setting
 * `remote.extensionKind`), against the local server on https with CORS. Each of
 * its tests fails unless the server saw the extension's requests during it,
 * every one from the browser (with the workbench's Origin).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { env, openPages, screenshot, setEnvironment } from '../e2e/environment';
import { serverRequestLog } from '../e2e/server';
import { homeTrusting, launchChromium } from '../support/browser';
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
import { notFromTheBrowser, WORKER_SUITES } from './workerPhase';

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

/** `publisher.name`, as settings such as remote.extensionKind name the extension. */
function extensionId(): string {
  const { publisher, name } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  return `${publisher}.${name}`;
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

/** Set for the worker phase's second process: the https server it runs against. */
const WORKER_SERVER_ENV = 'GITSHARE_E2E_WORKER_SERVER';
const WORKER_DATA_ENV = 'GITSHARE_E2E_WORKER_DATA';

/**
 * The worker phase's first step: the local server on https (a throw-away CA) with CORS, then this
 * runner again in a process that trusts that CA (NODE_EXTRA_CA_CERTS is read only at start), so the
 * tests' own requests to the server are checked like the browser's.
 */
async function runWorkerPhase(): Promise<number> {
  clearLayerResult('e2e-worker');
  const sandbox = makeSandbox('e2e-worker-server');
  let server: LocalServer | undefined;
  let child: ChildProcess | undefined;
  const cleanup = cleanupOnSignals(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      // Told alone (not the whole terminal), the second process must still stop what it started.
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await server?.close();
    fs.rmSync(sandbox, { recursive: true, force: true });
  });
  try {
    server = await startLocalServer(path.join(sandbox, 'gitshare-data'), ['--tls', '--cors']);
    const caFile = path.join(server.dataDir, 'tls', 'ca.pem');
    child = spawn(process.execPath, process.argv.slice(1), {
      stdio: 'inherit',
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: caFile,
        [WORKER_SERVER_ENV]: server.url,
        [WORKER_DATA_ENV]: server.dataDir,
      },
    });
    const running = child;
    return await new Promise<number>((resolve) => running.once('exit', (code) => resolve(code ?? 1)));
  } finally {
    await cleanup();
  }
}

async function main(): Promise<number> {
  const worker = process.argv.includes('--worker');
  if (worker && !process.env[WORKER_SERVER_ENV]) {
    return runWorkerPhase();
  }
  const layer = worker ? 'e2e-worker' : 'e2e';
  clearLayerResult(layer);
  if (!worker) {
    // The worker phase comes after and keeps the Node phase's screenshots.
    fs.rmSync(path.join(outputDir, 'e2e'), { recursive: true, force: true });
  }
  const install = await ensureCodeServer();
  const vsix = packageExtension();
  const otherVsix = worker ? undefined : packageOtherExtension();
  const sandbox = makeSandbox(layer);
  const workspaceDir = path.join(sandbox, 'workspace');
  fs.mkdirSync(workspaceDir, { recursive: true });
  fs.writeFileSync(path.join(workspaceDir, 'notes.md'), '# Local notes\n\nA file to upload to GitShare.\n');
  fs.mkdirSync(outputDir, { recursive: true });
  const codeServerLog = fs.createWriteStream(path.join(outputDir, `${layer}-code-server.log`));

  let server: LocalServer | undefined;
  let codeServer: RunningCodeServer | undefined;
  // The worker phase's server is the first process's (https, CORS); its CA is trusted in Chromium's HOME.
  const workerServer = worker
    ? { url: process.env[WORKER_SERVER_ENV]!, dataDir: process.env[WORKER_DATA_ENV]!, close: async () => undefined }
    : undefined;
  const browser = await launchChromium(
    workerServer
      ? { home: homeTrusting(path.join(sandbox, 'browser-home'), path.join(workerServer.dataDir, 'tls', 'ca.pem')) }
      : {},
  );
  const cleanup = cleanupOnSignals(async () => {
    setEnvironment(undefined);
    await browser.close().catch(() => undefined);
    await codeServer?.stop();
    await server?.close();
    codeServerLog.end();
    fs.rmSync(sandbox, { recursive: true, force: true });
  });
  try {
    server = workerServer ?? (await startLocalServer(path.join(sandbox, 'gitshare-data')));
    await installExtension(install, sandbox, vsix);
    if (otherVsix) {
      await installExtension(install, sandbox, otherVsix);
    }
    codeServer = await startCodeServer(install, {
      sandbox,
      settings: {
        'gitshare.serverUrl': server.url,
        // code-server ignores the extensionDevelopmentKind payload; this user setting moves the
        // extension to the browser's web worker host.
        ...(worker ? { 'remote.extensionKind': { [extensionId()]: ['web'] } } : {}),
      },
      log: (line) => codeServerLog.write(line + '\n'),
    });
    console.log(
      `Local GitShare server: ${server.url}; code-server: ${codeServer.url}${worker ? '; the extension in the web worker host' : ''}`,
    );
    await browser.newContext({ viewport: { width: 1400, height: 900 } });
    setEnvironment({
      browser,
      vscodeUrl: codeServer.url,
      serverUrl: server.url,
      serverDataDir: server.dataDir,
      workspaceDir,
      settingsFile: path.join(codeServer.userDataDir, 'User', 'settings.json'),
      inWorker: worker,
    });

    const mocha = new Mocha({
      ui: 'bdd',
      timeout: 120_000,
      reporter: 'spec',
      grep: process.env.GITSHARE_TEST_GREP || undefined,
    });
    let requestsBefore = 0;
    mocha.rootHooks({
      async beforeEach() {
        if (worker) {
          requestsBefore = (await serverRequestLog()).length;
        }
      },
      async afterEach(this: Mocha.Context) {
        if (worker && this.currentTest?.state === 'passed') {
          const log = await serverRequestLog();
          // A test that reset the stats started the log again.
          const during = log.length >= requestsBefore ? log.slice(requestsBefore) : log;
          const problem = notFromTheBrowser(during, new URL(env().vscodeUrl).origin);
          if (problem) {
            throw new Error(`Not proven to run in the web worker host: ${problem}`);
          }
        }
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
    const files = findTests(path.join(repoRoot, 'out', 'test', 'e2e')).filter(
      (file) => !worker || WORKER_SUITES.includes(path.basename(file, '.test.js')),
    );
    if (worker && files.length !== WORKER_SUITES.length) {
      throw new Error(`The worker phase's suites are not all there: ${WORKER_SUITES.join(', ')}`);
    }
    for (const file of files) {
      mocha.addFile(file);
    }
    const result = await new Promise<LayerResult>((resolve) => {
      const runner = mocha.run(() => resolve(recording.result()));
      const recording = recordRun(runner, files.length);
    });
    return finishLayer(layer, result, files.length);
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
