/**
 * Small files through the shaped link in the real extension host: code-server
 * 4.139.1 (VS Code 1.139.1) with the smoke-test driver, the production bundle
 * as the extension under development and probe.ts as the "tests", as the
 * activation figure runs it. The GitShare server is reached through the link
 * on 127.0.0.2, an address VS Code's proxy support does not exempt (see
 * ../shared/vscode-testing.md), so what the extension host does to every
 * request — the agent it puts underneath — is in the figure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchChromium } from '../../support/browser';
import { ensureCodeServer, makeSandbox, startCodeServer } from '../../support/codeServer';
import { startForwardProxy } from './forwardProxy';
import { HOST_LOG } from './marker';
import type { HostRequest, HostResult } from './probe';
import { developmentWindowUrl } from '../common';
import { eventually } from '../../support/wait';

const TIMEOUT_MS = 8 * 60_000;

export async function measureInHost(
  extensionDir: string,
  request: Omit<HostRequest, 'resultFile' | 'forwardProxyUrl' | 'forwardProxyControlUrl'>,
  log: (line: string) => void,
): Promise<HostResult> {
  const install = await ensureCodeServer();
  const sandbox = makeSandbox('bench-host');
  const workspace = path.join(sandbox, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const forward = await startForwardProxy();
  const requestFile = path.join(sandbox, 'request.json');
  const resultFile = path.join(sandbox, 'result.json');
  fs.writeFileSync(
    requestFile,
    JSON.stringify({
      ...request,
      resultFile,
      forwardProxyUrl: forward.url,
      forwardProxyControlUrl: forward.url,
    } satisfies HostRequest),
  );
  const codeServer = await startCodeServer(install, {
    sandbox,
    smokeTestDriver: true,
    // GITSHARE_BENCH_HOST_SETTINGS (JSON): user settings for a trial, e.g. {"http.proxySupport":"off"}
    // to see what VS Code's proxy support costs per request.
    settings: process.env.GITSHARE_BENCH_HOST_SETTINGS
      ? JSON.parse(process.env.GITSHARE_BENCH_HOST_SETTINGS)
      : undefined,
    // GITSHARE_BENCH_PROFILE (a folder): probe.ts writes a CPU profile of the extension host per transfer there.
    env: {
      GITSHARE_BENCH_HOST: requestFile,
      ...(process.env.GITSHARE_BENCH_PROFILE ? { GITSHARE_BENCH_PROFILE: process.env.GITSHARE_BENCH_PROFILE } : {}),
    },
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const exited = new Promise<number>(
      (resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)),
    );
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      for (const line of text.split('\n')) {
        if (line.startsWith(HOST_LOG)) {
          log(`  (host) ${line.slice(HOST_LOG.length)}`);
        } else if (/gitshare/i.test(line) && /error/i.test(line)) {
          log(`  (host) ${line.slice(0, 300)}`);
        }
      }
    });
    await page.goto(developmentWindowUrl(codeServer, workspace, extensionDir, path.join(__dirname, 'probe.js')));
    // The result file is the answer: the window's exit can lag far behind it (a notification
    // still open, an editor still closing), and waiting for the exit alone cost minutes.
    let waiting = true;
    const written = eventually(() => !waiting || fs.existsSync(resultFile), 'the result file', TIMEOUT_MS, 250).then(
      () => 0,
      () => -1,
    );
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      written,
      new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), TIMEOUT_MS))),
    ]).finally(() => {
      // A pending timer would keep the bench's process alive for minutes after its last figure.
      clearTimeout(timer);
      waiting = false;
    });
    if (!fs.existsSync(resultFile)) {
      throw new Error(`the host probe wrote no result (exit ${code})`);
    }
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as HostResult;
    if (result.error) {
      throw new Error(`in the extension host: ${result.error}`);
    }
    return result;
  } finally {
    await browser.close().catch(() => undefined);
    await codeServer.stop();
    await forward.close();
    fs.rmSync(sandbox, { recursive: true, force: true });
  }
}
