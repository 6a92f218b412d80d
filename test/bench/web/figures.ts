/**
 * The figures in the browser's web worker host: code-server with the user setting
 * `remote.extensionKind` that moves GitShare into the worker, the workbench driven through its
 * UI (no test seam reaches the worker). The worker may use plain http only to localhost, which
 * code-server rewrites, so GitShare is reached over https on 127.0.0.2: the shaping link there (a
 * TCP proxy, passing TLS through), behind it the origin front (originFront.ts: TLS ends, each
 * request's Origin is counted), behind that the GitShare server answering CORS. Chromium accepts
 * the front's throw-away certificate by its key alone (--ignore-certificate-errors-spki-list).
 *
 * - `web-big`: a big file up and down through the palette's Upload… and Download…, timed at the
 *   link, beside curl through the same link and the link's limit;
 * - `web-limit`: files of growing size up and down, the renderer's peak memory (the worker runs
 *   in the workbench's renderer process) and whether each succeeded: what the browser's file
 *   limit (BROWSER_MAX_FILE_BYTES) rests on.
 */
import { createHash, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { generateTestCa } from '../../server/tls';
import { spawnServer, type SpawnedServer } from '../../server/spawn';
import { launchChromium } from '../../support/browser';
import { outputDir, repoRoot } from '../../support/paths';
import {
  ensureCodeServer,
  installExtension,
  makeSandbox,
  startCodeServer,
  type RunningCodeServer,
} from '../../support/codeServer';
import { signIn as serverSignIn } from '../../support/serverSession';
import { curl, formatMiB, makeFile, MiB, procStatus, runChild, startChild } from '../common';
import type { Context } from '../context';
import { type Link, linkText, rttSeconds, startLink, wireSeconds } from '../link/link';
import { fmt } from '../table';
import { answerFileDialog, clearToasts, runCommand, signIn, waitForToast, walkRemotePicker } from './workbench';

const EXTENSION_ID = 'gitshare.gitshare-vscode';
/** What the window showed when a web figure failed. */
const FAILURE_SHOT = path.join(outputDir, 'bench-web-failure.png');

interface Web {
  readonly page: Page;
  readonly browser: Browser;
  readonly codeServer: RunningCodeServer;
  readonly workspace: string;
  readonly link: Link;
  /** The link's address as the worker reaches it (https). */
  readonly url: string;
  readonly token: string;
  origins(): Promise<{ requests: number; origins: Record<string, number> }>;
  /** The size of a file at the top of the account on GitShare, asked of the server directly; undefined if none. */
  remoteSize(name: string): Promise<number | undefined>;
  resetCounts(): Promise<void>;
}

/** The SPKI SHA-256 (base64) of a PEM certificate, as Chromium's --ignore-certificate-errors-spki-list takes it. */
const mib = (bytes: number) => `${fmt(bytes / MiB, 0)} MiB`;

function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/** Renderer processes of the browser, by their command line; their peak RSS is reset (clear_refs 5). */
function renderers(browserPid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes('--type=renderer') && descendsFrom(Number(entry), browserPid)) {
        pids.push(Number(entry));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let p = pid, i = 0; p > 1 && i < 20; i++) {
    if (p === ancestor) {
      return true;
    }
    const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
    p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return false;
}

function resetPeaks(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // Not ours to reset, or gone: its peak then counts from its start.
    }
  }
}

function peakRss(pids: readonly number[]): number {
  let peak = 0;
  for (const pid of pids) {
    try {
      peak = Math.max(peak, procStatus(pid).hwm);
    } catch {
      // Gone: a crashed renderer has no peak to read.
    }
  }
  return peak;
}

/** A .vsix of the production bundle in `extensionDir`, with the texts and icons the project's .vsix holds (not the README: its images need the repository's address). */
async function packageBundle(extensionDir: string): Promise<string> {
  // vsce does not follow the bundle folder's symbolic links: a folder of copies.
  const staging = path.join(path.dirname(extensionDir), 'web-vsix');
  await fsp.mkdir(staging, { recursive: true });
  for (const [from, name] of [
    [extensionDir, 'dist'],
    [repoRoot, 'package.nls.json'],
    [repoRoot, 'l10n'],
    [repoRoot, 'media'],
    [repoRoot, '.vscodeignore'],
    [repoRoot, 'LICENSE'],
  ] as const) {
    await fsp.cp(path.join(from, name), path.join(staging, name), { recursive: true, dereference: true });
  }
  // Without its scripts: vsce would run vscode:prepublish, a build the bundle has had.
  const { scripts: _scripts, ...manifest } = JSON.parse(
    await fsp.readFile(path.join(extensionDir, 'package.json'), 'utf8'),
  );
  await fsp.writeFile(path.join(staging, 'package.json'), JSON.stringify(manifest, null, 2));
  const vsix = path.join(staging, 'bench-web.vsix');
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = await runChild(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--skip-license', '--out', vsix],
    { cwd: staging },
  );
  if (result.code !== 0) {
    throw new Error(`packaging the bundle failed: ${result.stderr || result.stdout}`);
  }
  return vsix;
}

async function openWeb(ctx: Context, extensionDir: string): Promise<{ web: Web; close: () => Promise<void> }> {
  const closers: (() => Promise<unknown>)[] = [];
  let shoot = async (): Promise<unknown> => undefined;
  const close = async () => {
    for (const fn of closers.reverse()) {
      await fn().catch(() => undefined);
    }
  };
  try {
    const dir = path.join(ctx.work, 'web');
    await fsp.mkdir(dir, { recursive: true });
    const tls = generateTestCa({ hosts: ['127.0.0.2', '127.0.0.1'], caName: 'GitShare bench (throw-away)' });
    await fsp.writeFile(path.join(dir, 'cert.pem'), tls.cert);
    await fsp.writeFile(path.join(dir, 'key.pem'), tls.key);
    const link = await startLink(undefined, ctx.options.link, '127.0.0.2');
    closers.push(() => link.close());
    const url = link.url.replace(/^http:/, 'https:');
    const server: SpawnedServer = await spawnServer([
      '--host',
      '127.0.0.1',
      '--data',
      path.join(dir, 'data'),
      '--max-upload-bytes',
      String(8 * 1024 ** 3),
      '--quiet',
      '--cors',
      '--public-url',
      url,
    ]);
    closers.push(() => server.close());
    const front = await startChild(
      path.join(__dirname, 'originFront.js'),
      ['--target', server.url, '--cert', path.join(dir, 'cert.pem'), '--key', path.join(dir, 'key.pem')],
      /front listening on (https:\/\/\S+) control (http:\/\/\S+)/,
      'origin front',
    );
    closers.push(front.close);
    await link.setTarget(front.match[1]);
    const control = front.match[2];
    const token = (await serverSignIn(server.url)).accessToken;

    const install = await ensureCodeServer();
    const sandbox = makeSandbox('bench-web');
    closers.push(async () => fs.rmSync(sandbox, { recursive: true, force: true }));
    // Installed, not under development: this workbench loads no development extension into the worker.
    await installExtension(install, sandbox, await packageBundle(extensionDir));
    const workspace = path.join(sandbox, 'workspace');
    fs.mkdirSync(workspace, { recursive: true });
    const codeServer = await startCodeServer(install, {
      sandbox,
      settings: {
        'remote.extensionKind': { [EXTENSION_ID]: ['web'] },
        'gitshare.serverUrl': url,
        'files.autoSave': 'off',
      },
    });
    closers.push(() => codeServer.stop());
    const browser = await launchChromium({ args: [`--ignore-certificate-errors-spki-list=${spkiHash(tls.cert)}`] });
    closers.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    shoot = () =>
      page.screenshot({ path: FAILURE_SHOT }).then(
        () => ctx.log(`  (the window then: ${path.relative(repoRoot, FAILURE_SHOT)})`),
        () => undefined,
      );
    await page.goto(`${codeServer.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.part.statusbar').waitFor({ timeout: 120_000 });
    await signIn(page);
    const web: Web = {
      page,
      browser,
      codeServer,
      workspace,
      link,
      url,
      token,
      remoteSize: async (name) => {
        const answer = await fetch(`${server.url}/api/v1/files/${encodeURIComponent(name)}`, {
          method: 'HEAD',
          headers: { authorization: `Bearer ${token}` },
        });
        return answer.ok ? Number(answer.headers.get('content-length')) : undefined;
      },
      origins: async () => (await (await fetch(`${control}/origins`)).json()) as Awaited<ReturnType<Web['origins']>>,
      resetCounts: async () => {
        await link.reset();
        await fetch(`${control}/reset`, { method: 'POST' });
      },
    };
    return { web, close };
  } catch (error) {
    await shoot();
    await close();
    throw error;
  }
}

interface Moved {
  /** At the link: from the first byte of the first request to the last byte of the last answer. */
  readonly seconds: number;
  readonly outcome: string;
  readonly ok: boolean;
  /** Refused before a byte moved, for its size (the message names the limit). */
  readonly refused: boolean;
  readonly requests: number;
  /** Requests that came with the workbench's Origin, i.e. from the worker. */
  readonly fromWorker: number;
  readonly peakRss: number;
}

/** Upload… of `local` to the top level, or Download… of `remoteName` into the workspace, through the UI. */
async function moveInWorker(
  web: Web,
  op: 'upload' | 'download',
  local: string,
  browserPid: number,
  timeoutMs: number,
): Promise<Moved> {
  const { page } = web;
  await clearToasts(page);
  const pids = renderers(browserPid);
  resetPeaks(pids);
  if (op === 'upload') {
    await runCommand(page, 'GitShare: Upload…');
    await answerFileDialog(page, local, 'Upload');
    await walkRemotePicker(page, []);
    await web.resetCounts();
    await walkRemotePicker(page, [], 'Use this folder');
  } else {
    const dest = path.dirname(local);
    await runCommand(page, 'GitShare: Download…');
    await walkRemotePicker(page, [path.basename(local)]);
    await web.resetCounts();
    await answerFileDialog(page, dest, 'Download Here');
  }
  let outcome: string;
  try {
    outcome = await waitForToast(page, /\b(uploaded|downloaded|failed|too large|at most)\b/i, timeoutMs);
  } catch (error) {
    outcome = `no outcome shown: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  const stats = await web.link.stats();
  const origins = await web.origins();
  const workbenchOrigin = new URL(web.codeServer.url).origin;
  const t = stats.timing;
  return {
    seconds: t.firstByteMs !== null && t.lastAnswerMs !== null ? (t.lastAnswerMs - t.firstByteMs) / 1000 : NaN,
    outcome,
    // Done is what landed, whole: the toast's text is only what the person read.
    ok: await landed(web, op, local),
    refused: /at most/.test(outcome),
    requests: origins.requests,
    fromWorker: origins.origins[workbenchOrigin] ?? 0,
    peakRss: peakRss(renderers(browserPid).length ? renderers(browserPid) : pids),
  };
}

/** The moved file is whole where it went: on GitShare for an upload, in the workspace for a download. */
async function landed(web: Web, op: 'upload' | 'download', local: string): Promise<boolean> {
  const expected = op === 'upload' ? (await fsp.stat(local)).size : await web.remoteSize(path.basename(local));
  const found =
    op === 'upload'
      ? await web.remoteSize(path.basename(local))
      : await fsp.stat(local).then(
          (stat) => stat.size,
          () => undefined,
        );
  return expected !== undefined && found === expected;
}

function browserPid(browser: Browser): number {
  // playwright-core keeps the launched process on the browser type's side; find it by its profile instead.
  const self = process.pid;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmd.includes('--type=') && /chrom/.test(cmd.split('\0')[0]!) && descendsFrom(Number(entry), self)) {
        return Number(entry);
      }
    } catch {
      // Gone meanwhile.
    }
  }
  throw new Error(`no Chromium process below the bench (${browser.version()})`);
}

/** The web figures in one code-server window. */
export async function inWebWorker(
  ctx: Context,
  extensionDir: string,
  want: { big: boolean; limit: boolean },
): Promise<void> {
  const { options } = ctx;
  ctx.log(
    `in the browser's web worker host (code-server, ${EXTENSION_ID} in the worker) over the link (${linkText(options.link)})`,
  );
  const { web, close } = await openWeb(ctx, extensionDir);
  try {
    const pid = browserPid(web.browser);
    const workbenchOrigin = new URL(web.codeServer.url).origin;
    if (want.big) {
      const size = options.webSize;
      const local = path.join(web.workspace, 'web-big.bin');
      await makeFile(local, size);
      const limit = rttSeconds(options.link) + wireSeconds(options.link, size);
      const remoteUrl = `${web.url}/api/v1/files/web-big-curl.bin`;
      for (const op of ['upload', 'download'] as const) {
        if (op === 'download') {
          await fsp.rm(local);
        }
        const moved = await moveInWorker(web, op, local, pid, 10 * 60_000);
        await web.resetCounts();
        const viaCurl =
          op === 'upload'
            ? await curl(['-k', '-T', path.join(ctx.work, 'web', 'curl-up.bin'), remoteUrl], web.token).catch(
                async () => {
                  await makeFile(path.join(ctx.work, 'web', 'curl-up.bin'), size);
                  return curl(['-k', '-T', path.join(ctx.work, 'web', 'curl-up.bin'), remoteUrl], web.token);
                },
              )
            : await curl(['-k', '-o', '/dev/null', remoteUrl], web.token);
        ctx.log(
          `  ${op} ${formatMiB(size)} in the worker: ${fmt(moved.seconds)} s at the link (${moved.outcome}); ` +
            `${moved.fromWorker} of ${moved.requests} requests with the workbench's Origin; renderer peak RSS ${mib(moved.peakRss)}; curl ${fmt(viaCurl.seconds)} s`,
        );
        if (!moved.ok) {
          throw new Error(`the worker's ${op} did not complete: ${moved.outcome}`);
        }
        const ofLimit = limit / moved.seconds;
        ctx.table.add({
          figure: `${op} ${formatMiB(size)} in the web worker host over the link (${linkText(options.link)})`,
          value: `${fmt(moved.seconds)} s; ${moved.fromWorker} of ${moved.requests} requests from ${workbenchOrigin}`,
          comparison: `limit ${fmt(limit)} s; curl through the same link ${fmt(viaCurl.seconds)} s; renderer peak RSS ${mib(moved.peakRss)}`,
          ratio: { median: ofLimit, min: ofLimit, max: ofLimit, runs: 1 },
          ratioUnit: '× limit',
          target: '≥ 0.95× limit, every request from the worker',
          pass: ofLimit >= 0.95 && moved.fromWorker === moved.requests && moved.requests > 0,
          raw: { ...moved, curlSeconds: viaCurl.seconds, limitSeconds: limit },
        });
      }
    }
    if (want.limit) {
      const results: (Moved & { size: number; op: string })[] = [];
      for (const size of options.webLimitSizes) {
        const name = `web-limit-${size / MiB}.bin`;
        const local = path.join(web.workspace, name);
        await makeFile(local, size);
        let failed = false;
        for (const op of ['upload', 'download'] as const) {
          if (op === 'download') {
            if (!results.at(-1)!.ok) {
              // Refused or failed in the worker: put it on GitShare another way, to try its download.
              await curl(['-k', '-T', local, `${web.url}/api/v1/files/${name}`], web.token);
            }
            await fsp.rm(local);
          }
          const moved = await moveInWorker(web, op, local, pid, 10 * 60_000);
          ctx.log(
            `  ${op} ${formatMiB(size)} in the worker: ${moved.ok ? 'done' : 'NOT done'} (${moved.outcome}); ${fmt(moved.seconds)} s at the link; renderer peak RSS ${mib(moved.peakRss)}`,
          );
          results.push({ ...moved, size, op });
          failed ||= !moved.ok && !moved.refused;
        }
        await fsp.rm(local, { force: true });
        if (failed || results.at(-1)!.refused) {
          break;
        }
      }
      ctx.table.add({
        figure: `files of growing size through the web worker host (the limit: BROWSER_MAX_FILE_BYTES)`,
        value: results
          .map(
            (r) =>
              `${formatMiB(r.size)} ${r.op === 'upload' ? 'up' : 'down'} ${r.ok ? 'ok' : r.refused ? 'refused' : 'failed'}, peak ${mib(r.peakRss)}`,
          )
          .join('; '),
        comparison: 'the renderer process (workbench and worker) peak RSS during each',
        ratio: undefined,
        ratioUnit: '',
        target: 'info: sets the limit',
        pass: undefined,
        raw: results,
      });
    }
  } finally {
    await close();
  }
}
