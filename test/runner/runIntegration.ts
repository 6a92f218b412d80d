/**
 * Runs test/integration/ inside a real VS Code extension host: code-server
 * started with the smoke-test driver, opened in headless Chromium with a
 * payload naming our extension and the test module. The workbench calls
 * codeAutomationExit(code) when the module's run() settles and forwards the
 * extension host's output through codeAutomationLog.
 *
 * Exit code 0 only when every planned test ran and passed (skips only as
 * test/runner/allowedPending.json allows). A runner that cannot start VS Code,
 * or a host that did not get the local server's address, is a failure, not a skip.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchChromium } from '../support/browser';
import { ensureCodeServer, makeSandbox, RunningCodeServer, startCodeServer } from '../support/codeServer';
import { LocalServer, startLocalServer } from '../support/localServer';
import { cleanupOnSignals } from '../support/processes';
import { outputDir, repoRoot } from '../support/paths';
import {
  BEGIN_MARKER,
  clearLayerResult,
  finishLayer,
  LayerResult,
  RESULT_MARKER,
  SETUP_FAILED_MARKER,
  writeLayerResult,
} from './results';
import { findTests } from './testFiles';

const TIMEOUT_MS = Number(process.env.GITSHARE_INTEGRATION_TIMEOUT_MS ?? 15 * 60_000);

/**
 * The workbench's own complaints that interleave with the tests' output (the
 * extension gallery is unreachable offline, and their stack frames); they stay
 * in the workbench log.
 */
function isWorkbenchNoise(line: string): boolean {
  return /^\s+at .*\/static\/out\/vs\//.test(line) || /ENOTFOUND open-vsx\.org/.test(line);
}

async function main(): Promise<number> {
  clearLayerResult('integration');
  const install = await ensureCodeServer();
  const sandbox = makeSandbox('integration');
  const workspace = path.join(sandbox, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'hello.txt'), 'Hello from the test workspace\n');
  fs.mkdirSync(outputDir, { recursive: true });
  const serverLog = fs.createWriteStream(path.join(outputDir, 'integration-code-server.log'));
  const workbenchLog = fs.createWriteStream(path.join(outputDir, 'integration-workbench.log'));

  let server: LocalServer | undefined;
  let codeServer: RunningCodeServer | undefined;
  const browser = await launchChromium();
  const cleanup = cleanupOnSignals(async () => {
    await browser.close().catch(() => undefined);
    await codeServer?.stop();
    await server?.close();
    serverLog.end();
    workbenchLog.end();
    fs.rmSync(sandbox, { recursive: true, force: true });
  });
  try {
    server = await startLocalServer(path.join(sandbox, 'gitshare-data'));
    console.log(`Local GitShare server: ${server.url}`);
    codeServer = await startCodeServer(install, {
      sandbox,
      smokeTestDriver: true,
      env: {
        GITSHARE_TEST_SERVER_URL: server.url,
        GITSHARE_TEST_SERVER_DATA: server.dataDir,
        GITSHARE_TEST_GREP: process.env.GITSHARE_TEST_GREP ?? '',
      },
      log: (line) => serverLog.write(line + '\n'),
    });
    console.log(`code-server (VS Code 1.139.1): ${codeServer.url}`);

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let result: LayerResult | undefined;
    let setupFailure: string | undefined;
    const exited = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    // The workbench forwards everything the window logs; the tests' own output starts at BEGIN_MARKER.
    let testsStarted = false;
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      workbenchLog.write(text + '\n');
      for (const line of text.split('\n')) {
        if (line.startsWith(SETUP_FAILED_MARKER)) {
          setupFailure = line.slice(SETUP_FAILED_MARKER.length);
          console.error(`integration FAILED: ${setupFailure}`);
        } else if (line.startsWith(RESULT_MARKER)) {
          result = JSON.parse(line.slice(RESULT_MARKER.length)) as LayerResult;
        } else if (line.startsWith(BEGIN_MARKER)) {
          testsStarted = true;
        } else if (testsStarted && !isWorkbenchNoise(line)) {
          console.log(line);
        }
      }
    });
    const remote = (p: string) => `vscode-remote://${codeServer!.authority}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(repoRoot)],
      ['extensionTestsPath', remote(path.join(repoRoot, 'out', 'test', 'integration', 'index.js'))],
    ];
    const url = `${codeServer.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS)));
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout' || outcome !== 0) {
      const shot = path.join(outputDir, 'integration-failure.png');
      await page.screenshot({ path: shot }).catch(() => undefined);
      console.error(
        `Screenshot of the workbench: ${shot}; its log: ${path.join(outputDir, 'integration-workbench.log')}`,
      );
    }
    if (outcome === 'timeout') {
      console.error(`Integration tests did not finish within ${TIMEOUT_MS / 1000} s.`);
      return 1;
    }
    if (setupFailure) {
      writeLayerResult('integration', {
        passes: 0,
        failures: 0,
        pending: 0,
        total: 0,
        pendingTitles: [],
        files: 0,
        problems: [setupFailure],
      });
      return 1;
    }
    if (!result) {
      console.error('The extension host did not report a result: the tests did not run.');
      return 1;
    }
    const expectedFiles = findTests(path.join(repoRoot, 'out', 'test', 'integration')).length;
    const code = finishLayer('integration', result, expectedFiles);
    return outcome === 0 ? code : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('The integration runner could not run:', error);
    process.exit(1);
  },
);
