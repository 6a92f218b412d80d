/**
 * Loaded by VS Code as `extensionTestsPath` (see measure.ts): runs inside the
 * real extension host, where VS Code's proxy support sits under every request.
 * Signs in through the product's own "Sign In with a Code" (the server's
 * browser helper plays the person), then runs the palette's Upload… and
 * Download… of a folder of small files — the commands themselves, at each
 * concurrency asked — and reads the link's connection count around each. Last,
 * with `http.proxy` set to a counting forward proxy, checks that the same
 * commands still go through the proxy. Writes one JSON result file.
 *
 * Around each transfer it also times, per request, what VS Code's proxy support takes between
 * `http.request()` and the request getting its socket (Node's http diagnostics channels): the
 * proxy decision for each request. And it runs the upload once more with `http.noProxy` naming the
 * server, which VS Code answers without asking anyone.
 */
import * as diagnostics from 'node:diagnostics_channel';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as inspector from 'node:inspector';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, FS_SCHEME, SETTINGS_SECTION, Settings } from '../../../src/common/constants';
import type { GitShareTestApi } from '../../../src/testing/testApi';
import { downloadTo, signInWithCode, uploadByCommand } from '../../support/extensionHost';
import type { LinkTiming } from '../link/link';
import { countActions, type ActionCount } from './actions';
import { HOST_LOG } from './marker';

export interface HostRequest {
  /** The GitShare server as the extension sees it: the shaped link, on 127.0.0.2 so VS Code's proxy support applies. */
  readonly serverUrl: string;
  readonly linkControlUrl: string;
  readonly localDir: string;
  readonly files: number;
  /** Concurrencies to move the small files at; none: no transfer figures (and no `http.proxy` check). */
  readonly concurrencies: readonly number[];
  /** Count the requests per user action (actions.ts). */
  readonly actions: boolean;
  /** A counting forward proxy for the `http.proxy` check. */
  readonly forwardProxyUrl: string;
  readonly forwardProxyControlUrl: string;
  readonly resultFile: string;
}

export interface HostStep {
  readonly what: 'upload' | 'download';
  readonly concurrency: number;
  readonly seconds: number;
  readonly connections: number;
  readonly files: number;
  /** Where the time went, seen at the link (linkProxy.ts). */
  readonly timing?: LinkTiming;
  /** Per request, from `http.request()` until it has its socket: VS Code's proxy decision, in ms. */
  readonly proxyDecisionMs?: { readonly median: number; readonly p90: number; readonly requests: number };
  /** Run with `http.noProxy` naming the server. */
  readonly noProxy?: boolean;
}

export interface HostResult {
  readonly steps: HostStep[];
  readonly actions?: ActionCount[];
  readonly proxy?: {
    readonly requests: number;
    readonly connections: number;
    readonly linkConnections: number;
    readonly seconds: number;
    readonly files: number;
  };
  readonly error?: string;
}

async function control<T>(url: string, method = 'GET'): Promise<T> {
  const response = await fetch(url, { method });
  return (method === 'GET' ? await response.json() : undefined) as T;
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    n += entry.isFile() ? 1 : 0;
  }
  return n;
}

/**
 * Times each HTTP request of this extension host from its creation to its start (Node ≥ 22 publishes
 * both; start comes once the request has its socket): in between, VS Code's proxy support decides
 * how to reach the address.
 */
class ProxyDecisionTimer {
  private readonly created = new WeakMap<object, number>();
  private readonly waits: number[] = [];
  private readonly onCreated = (message: unknown) => {
    this.created.set((message as { request: object }).request, performance.now());
  };
  private readonly onStart = (message: unknown) => {
    const at = this.created.get((message as { request: object }).request);
    if (at !== undefined) {
      this.waits.push(performance.now() - at);
    }
  };

  constructor() {
    diagnostics.subscribe('http.client.request.created', this.onCreated);
    diagnostics.subscribe('http.client.request.start', this.onStart);
  }

  stop(): HostStep['proxyDecisionMs'] {
    diagnostics.unsubscribe('http.client.request.created', this.onCreated);
    diagnostics.unsubscribe('http.client.request.start', this.onStart);
    const sorted = [...this.waits].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
    return sorted.length ? { median: at(0.5), p90: at(0.9), requests: sorted.length } : undefined;
  }
}

const say = (line: string) => console.log(HOST_LOG + line);

/**
 * With GITSHARE_BENCH_PROFILE set (a folder), a CPU profile of this extension host (all of it: the
 * extension, VS Code's API and its proxy support) from here to the returned function's call,
 * written there as NAME.cpuprofile: where the host's time per file goes, measured.
 */
async function startProfile(): Promise<((name: string) => Promise<void>) | undefined> {
  const dir = process.env.GITSHARE_BENCH_PROFILE;
  if (!dir) {
    return undefined;
  }
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return async (name) => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    await fsp.mkdir(dir, { recursive: true });
    await fsp.writeFile(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    say(`CPU profile written to ${path.join(dir, `${name}.cpuprofile`)}`);
  };
}

export async function run(): Promise<void> {
  const request = JSON.parse(fs.readFileSync(process.env.GITSHARE_BENCH_HOST!, 'utf8')) as HostRequest;
  const steps: HostStep[] = [];
  let proxy: HostResult['proxy'];
  let actions: ActionCount[] | undefined;
  const config = () => vscode.workspace.getConfiguration();
  try {
    // ExtensionMode.Test (this module is the "tests"), so activate() returns the one test seam.
    const api = (await vscode.extensions.getExtension<GitShareTestApi | undefined>(EXTENSION_ID)!.activate())!;
    await vscode.workspace
      .getConfiguration(SETTINGS_SECTION)
      .update(Settings.serverUrl, request.serverUrl, vscode.ConfigurationTarget.Global);
    say('signing in');
    const account = await signInWithCode(api);
    say(`signed in as ${account.label}`);
    const uri = (p: string) => vscode.Uri.from({ scheme: FS_SCHEME, authority: account.authority, path: p });
    const name = path.basename(request.localDir);
    if (request.actions) {
      actions = await countActions(api, request.serverUrl, uri, say);
    }
    const sink = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-bench-host-'));

    /** The palette's Upload… of the local folder into `remote`, and how many files arrived. */
    const uploadInto = (remote: string) => () => uploadByCommand(api, uri(remote), [vscode.Uri.file(request.localDir)]);
    const uploadedInto = (remote: string) => async () =>
      (await vscode.workspace.fs.readDirectory(uri(`${remote}/${name}`))).length;

    const measure = async (
      what: HostStep['what'],
      concurrency: number,
      action: () => Thenable<unknown>,
      count: () => Promise<number>,
      noProxy = false,
    ) => {
      await control(`${request.linkControlUrl}/reset`, 'POST');
      say(`${what} at concurrency ${concurrency}${noProxy ? ', http.noProxy naming the server' : ''}`);
      const profile = await startProfile();
      const decisions = new ProxyDecisionTimer();
      const started = performance.now();
      await action();
      const seconds = (performance.now() - started) / 1000;
      const proxyDecisionMs = decisions.stop();
      await profile?.(`${what}-c${concurrency}${noProxy ? '-noproxy' : ''}`);
      const { connections, timing } = await control<{ connections: number; timing: LinkTiming }>(
        `${request.linkControlUrl}/stats`,
      );
      steps.push({ what, concurrency, seconds, connections, files: await count(), timing, proxyDecisionMs, noProxy });
    };

    for (const c of request.concurrencies) {
      await vscode.workspace
        .getConfiguration(SETTINGS_SECTION)
        .update(Settings.transfersConcurrency, c, vscode.ConfigurationTarget.Global);
      const remote = `/bench-host/c${c}`;
      await vscode.workspace.fs.createDirectory(uri(remote));
      await measure('upload', c, uploadInto(remote), uploadedInto(remote));
      const dest = path.join(sink, `c${c}`);
      await fsp.mkdir(dest);
      await measure(
        'download',
        c,
        () => downloadTo(api, uri(`${remote}/${name}`), dest),
        () => countFiles(dest),
      );
    }

    // The same upload with the server in http.noProxy: VS Code then decides without asking anyone.
    if (request.concurrencies.length) {
      const c = request.concurrencies[0]!;
      const remote = '/bench-host/no-proxy';
      await vscode.workspace.fs.createDirectory(uri(remote));
      await config().update('http.noProxy', [new URL(request.serverUrl).hostname], vscode.ConfigurationTarget.Global);
      try {
        await measure('upload', c, uploadInto(remote), uploadedInto(remote), true);
      } finally {
        await config().update('http.noProxy', undefined, vscode.ConfigurationTarget.Global);
      }
    }

    // http.proxy must still decide: the same upload, through the counting forward proxy.
    if (!request.concurrencies.length) {
      await fsp.rm(sink, { recursive: true, force: true });
      fs.writeFileSync(request.resultFile, JSON.stringify({ steps, actions } satisfies HostResult));
      return;
    }
    await config().update('http.proxy', request.forwardProxyUrl, vscode.ConfigurationTarget.Global);
    try {
      await control(`${request.forwardProxyControlUrl}/reset`, 'POST');
      await control(`${request.linkControlUrl}/reset`, 'POST');
      const remote = '/bench-host/proxied';
      await vscode.workspace.fs.createDirectory(uri(remote));
      const started = performance.now();
      await uploadInto(remote)();
      const seconds = (performance.now() - started) / 1000;
      const forward = await control<{ requests: number; connections: number }>(
        `${request.forwardProxyControlUrl}/stats`,
      );
      const link = await control<{ connections: number }>(`${request.linkControlUrl}/stats`);
      proxy = {
        requests: forward.requests,
        connections: forward.connections,
        linkConnections: link.connections,
        seconds,
        files: await uploadedInto(remote)(),
      };
    } finally {
      await config().update('http.proxy', undefined, vscode.ConfigurationTarget.Global);
    }
    await fsp.rm(sink, { recursive: true, force: true });
    fs.writeFileSync(request.resultFile, JSON.stringify({ steps, actions, proxy } satisfies HostResult));
  } catch (error) {
    fs.writeFileSync(
      request.resultFile,
      JSON.stringify({
        steps,
        actions,
        proxy,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies HostResult),
    );
  }
}
