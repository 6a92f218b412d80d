/**
 * One measured job in a process of its own, driving the extension's own
 * vscode-free modules exactly as the extension does: GitShareClient for the
 * HTTP, TransferQueue with uploadJob/downloadJob for transfers, FolderCache and
 * the tree's node classes for listings. Reads its request as JSON on stdin,
 * prints one JSON line with the result. The access token comes in
 * GITSHARE_BENCH_TOKEN (never argv, so it stays out of `ps`).
 *
 * Memory is sampled every 10 ms (process.memoryUsage) and checked against the
 * kernel's high-water mark (VmHWM), relative to the process just before the job.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { GitShareClient } from '../../src/api/client';
import type { Entry } from '../../src/api/types';
import type { GitShareAccount, TokenSource } from '../../src/common/accounts';
import { GitShareError } from '../../src/common/errors';
import { Logger } from '../../src/common/logger';
import { nodeTransport } from '../../src/node/transport';
import { ConflictDecider } from '../../src/transfers/conflicts';
import { TransferQueue, type TransferSummary } from '../../src/transfers/queue';
import { createRemoteFolders, downloadJob, uploadJob } from '../../src/transfers/jobs';
import { planDownload, planUpload } from '../../src/transfers/plan';
import { FolderCache } from '../../src/filesView/folderCache';
import { EntryNode, LoadMoreNode, type FilesNode } from '../../src/filesView/nodes';
import { procStatus } from './common';
import { nodeLocalFiles } from '../../src/node/localFiles';

export type WorkerRequest = TransferRequest | ManyRequest | ListingRequest;

interface TransferRequest {
  /** The extension's transfer code, or (`plain…`) nothing but node:http and fs streams. */
  readonly mode: 'download' | 'upload' | 'plainDownload' | 'plainUpload';
  readonly serverUrl: string;
  readonly remote: string;
  readonly local: string;
  readonly size: number;
}

interface ManyRequest {
  /** A folder of small files up (`many`) or down (`manyDown`), as the commands do it. */
  readonly mode: 'many' | 'manyDown';
  readonly serverUrl: string;
  readonly localDir: string;
  readonly remoteFolder: string;
  readonly concurrency: number;
}

interface ListingRequest {
  readonly mode: 'listing' | 'plainListing';
  readonly serverUrl: string;
  readonly folder: string;
  readonly pageSize: number;
  readonly passes: number;
}

export interface MemoryDelta {
  /** Peak resident set above the process before the job (sampled, or VmHWM when higher). */
  readonly rss: number;
  readonly heapUsed: number;
  /** external (includes arrayBuffers): Buffers live outside the JS heap. */
  readonly external: number;
  readonly baseline: { readonly rss: number; readonly heapUsed: number; readonly external: number };
}

export interface WorkerResult {
  readonly seconds: number;
  /** Per pass, for listings (the first pass is the cold one). */
  readonly passSeconds?: readonly number[];
  /** Per pass, for listings: until the first page's nodes exist. */
  readonly firstPageSeconds?: readonly number[];
  readonly bytes?: number;
  readonly items?: number;
  readonly memory: MemoryDelta;
  readonly requests?: number;
  /** CPU time of this process during the job (user + system), seconds. */
  readonly cpuSeconds?: number;
  /** The kernel's share of cpuSeconds (system time): syscalls, page faults, the loopback's TCP work. */
  readonly systemCpuSeconds?: number;
}

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

class StaticTokens implements TokenSource {
  constructor(private readonly token: string) {}
  async getAccessToken(): Promise<string> {
    return this.token;
  }
  async refreshAfterUnauthorized(): Promise<string> {
    throw new GitShareError('signInRequired', 'The bench token expired.');
  }
}

function makeClient(serverUrl: string): { client: GitShareClient; tokens: TokenSource } {
  const token = process.env.GITSHARE_BENCH_TOKEN;
  if (!token) {
    throw new Error('GITSHARE_BENCH_TOKEN is not set');
  }
  const tokens = new StaticTokens(token);
  return {
    client: new GitShareClient({
      serverUrl,
      tokens,
      logger: Logger.create(silent).child('api'),
      transport: nodeTransport(),
    }),
    tokens,
  };
}

class MemoryWatch {
  private readonly timer: NodeJS.Timeout;
  private readonly base: NodeJS.MemoryUsage;
  private readonly hwmBefore: number;
  private peak = { rss: 0, heapUsed: 0, external: 0 };

  constructor() {
    (globalThis as { gc?: () => void }).gc?.();
    this.base = process.memoryUsage();
    this.hwmBefore = procStatus().hwm;
    this.peak = { rss: this.base.rss, heapUsed: this.base.heapUsed, external: this.base.external };
    this.timer = setInterval(() => this.sample(), 10);
  }

  private sample(): void {
    const m = process.memoryUsage();
    this.peak.rss = Math.max(this.peak.rss, m.rss);
    this.peak.heapUsed = Math.max(this.peak.heapUsed, m.heapUsed);
    this.peak.external = Math.max(this.peak.external, m.external);
  }

  stop(): MemoryDelta {
    this.sample();
    clearInterval(this.timer);
    // VmHWM only tells about the job when it rose during it.
    const hwm = procStatus().hwm;
    const peakRss = hwm > this.hwmBefore ? Math.max(this.peak.rss, hwm) : this.peak.rss;
    return {
      rss: peakRss - this.base.rss,
      heapUsed: this.peak.heapUsed - this.base.heapUsed,
      external: this.peak.external - this.base.external,
      baseline: { rss: this.base.rss, heapUsed: this.base.heapUsed, external: this.base.external },
    };
  }
}

function cpuOf(before: NodeJS.CpuUsage): { cpuSeconds: number; systemCpuSeconds: number } {
  const used = process.cpuUsage(before);
  return { cpuSeconds: (used.user + used.system) / 1e6, systemCpuSeconds: used.system / 1e6 };
}

/** The person's answer to a conflict is never needed here: targets are fresh. */
const neverAsked = new ConflictDecider(async () => {
  throw new Error('the bench met a conflict');
});

function checkSummary(summary: TransferSummary, expected: number): void {
  if (summary.done !== expected) {
    const first = summary.outcomes.find((o) => o.status !== 'done');
    throw new Error(
      `${summary.done} of ${expected} done; first problem: ${first?.status} ${first?.label} ${first?.reason ?? ''}`,
    );
  }
}

async function transfer(request: TransferRequest): Promise<WorkerResult> {
  const { client } = makeClient(request.serverUrl);
  // Load and warm the code paths on a tiny request, so the baseline is the ready extension.
  await client.user();
  const queue = new TransferQueue(1);
  const job =
    request.mode === 'download'
      ? downloadJob(
          client,
          nodeLocalFiles,
          { remote: request.remote, local: request.local, size: request.size, label: 'bench' },
          neverAsked,
        )
      : uploadJob(
          client,
          nodeLocalFiles,
          { local: request.local, remote: request.remote, size: request.size, label: 'bench' },
          neverAsked,
        );
  const watch = new MemoryWatch();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const summary = await queue.run([job], new AbortController().signal);
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuOf(cpu);
  const memory = watch.stop();
  checkSummary(summary, 1);
  return { seconds, bytes: request.size, memory, ...cpuUsed };
}

/**
 * The same transfer with nothing but node:http and fs streams in a fresh Node
 * process: what Node itself reaches on this machine, to tell the runtime's
 * share of a gap to curl from the extension's code.
 */
async function plainTransfer(request: TransferRequest): Promise<WorkerResult> {
  const headers = { Authorization: `Bearer ${process.env.GITSHARE_BENCH_TOKEN}` };
  const url = `${request.serverUrl}/api/v1/files${request.remote.split('/').map(encodeURIComponent).join('/')}`;
  const agent = new http.Agent({ keepAlive: true });
  await new Promise<void>((resolve, reject) =>
    http
      .get(`${request.serverUrl}/api/v1/user`, { agent, headers }, (res) =>
        res.resume().on('end', resolve).on('error', reject),
      )
      .on('error', reject),
  );
  const watch = new MemoryWatch();
  const cpu = process.cpuUsage();
  const started = performance.now();
  if (request.mode === 'plainDownload') {
    await new Promise<void>((resolve, reject) =>
      http
        .get(url, { agent, headers }, (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`HTTP ${res.statusCode}`));
          }
          pipeline(res, fs.createWriteStream(request.local)).then(resolve, reject);
        })
        .on('error', reject),
    );
  } else {
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        url,
        { method: 'PUT', agent, headers: { ...headers, 'Content-Length': request.size, 'If-None-Match': '*' } },
        (res) => {
          res
            .resume()
            .on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      pipeline(fs.createReadStream(request.local), req).catch(reject);
    });
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuOf(cpu);
  const memory = watch.stop();
  agent.destroy();
  return { seconds, bytes: request.size, memory, ...cpuUsed };
}

/**
 * What the Upload… command does for a chosen local folder (plan, create the folders, run the queue), or
 * (`manyDown`) what Download… does for a chosen remote folder (plan by listing it, make the folders, run the queue).
 */
async function many(request: ManyRequest): Promise<WorkerResult> {
  const { client } = makeClient(request.serverUrl);
  const up = request.mode === 'many';
  // Load and warm the code paths on a small request first (a download needs the folder's entry anyway).
  const folder = up ? (await client.user(), undefined) : await client.entry(request.remoteFolder);
  const watch = new MemoryWatch();
  const started = performance.now();
  const signal = new AbortController().signal;
  let jobs;
  let count: number;
  if (up) {
    const plan = await planUpload(nodeLocalFiles, [request.localDir], request.remoteFolder, signal);
    const failures = await createRemoteFolders(client, plan.folders, signal);
    if (failures.length) {
      throw new Error(`folders: ${failures[0].reason}`);
    }
    jobs = plan.files.map((item) => uploadJob(client, nodeLocalFiles, item, neverAsked));
    count = plan.files.length;
  } else {
    const plan = await planDownload(client, nodeLocalFiles, [folder!], request.localDir, signal);
    for (const dir of plan.folders) {
      fs.mkdirSync(dir, { recursive: true });
    }
    jobs = plan.files.map((item) => downloadJob(client, nodeLocalFiles, item, neverAsked));
    count = plan.files.length;
  }
  const summary = await new TransferQueue(request.concurrency).run(jobs, signal);
  const seconds = (performance.now() - started) / 1000;
  const memory = watch.stop();
  checkSummary(summary, count);
  return { seconds, items: count, memory };
}

/**
 * Listing a folder into the tree's nodes, as RemoteFilesTreeProvider does: the
 * first page through FolderCache.get, the rest through FolderCache.loadMore
 * ("Load more…"), and after each page the provider's children (an EntryNode
 * per entry, plus a LoadMoreNode). The TreeItem itself needs `vscode`, so it is
 * not built here.
 */
async function listing(request: ListingRequest): Promise<WorkerResult> {
  const { client, tokens } = makeClient(request.serverUrl);
  await client.user();
  const account: GitShareAccount = {
    id: 'bench',
    label: 'demo',
    serverUrl: request.serverUrl,
    authority: `demo@${new URL(request.serverUrl).host}`,
    tokens,
  };
  let cache = new FolderCache(request.pageSize);
  const children = (entries: readonly Entry[], more: boolean): FilesNode[] => {
    const nodes: FilesNode[] = entries.map((entry) => new EntryNode(account, entry, undefined));
    if (more) {
      nodes.push(new LoadMoreNode(account, request.folder, undefined));
      // As the provider does when it shows "Load more".
      cache.prefetch(client, account.id, request.folder);
    }
    return nodes;
  };
  const firstPageSeconds: number[] = [];
  const passSeconds: number[] = [];
  let items = 0;
  let requests = 0;
  let memory: MemoryDelta | undefined;
  for (let pass = 0; pass < request.passes; pass++) {
    cache = new FolderCache(request.pageSize);
    const watch = pass === request.passes - 1 ? new MemoryWatch() : undefined;
    const started = performance.now();
    let state = await cache.get(client, account.id, request.folder);
    requests = 1;
    let shown = children(state.entries, !!state.nextCursor);
    firstPageSeconds.push((performance.now() - started) / 1000);
    while (state.nextCursor) {
      state = await cache.loadMore(client, account.id, request.folder);
      requests++;
      shown = children(state.entries, !!state.nextCursor);
    }
    passSeconds.push((performance.now() - started) / 1000);
    memory = watch?.stop();
    items = shown.length;
  }
  return {
    seconds: passSeconds[passSeconds.length - 1],
    passSeconds,
    firstPageSeconds,
    items,
    requests,
    memory: memory!,
  };
}

/** The same pages with plain node:http (keep-alive) and JSON.parse: the floor for any client. */
async function plainListing(request: ListingRequest): Promise<WorkerResult> {
  const token = process.env.GITSHARE_BENCH_TOKEN!;
  const agent = new http.Agent({ keepAlive: true });
  const get = (url: string) =>
    new Promise<unknown>((resolve, reject) => {
      http
        .get(url, { agent, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) {
              reject(new Error(`HTTP ${res.statusCode}`));
              return;
            }
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          });
          res.on('error', reject);
        })
        .on('error', reject);
    });
  const base = `${request.serverUrl}/api/v1/folders${request.folder.split('/').map(encodeURIComponent).join('/')}`;
  await get(`${request.serverUrl}/api/v1/user`);
  const passSeconds: number[] = [];
  let items = 0;
  let requests = 0;
  let memory: MemoryDelta | undefined;
  for (let pass = 0; pass < request.passes; pass++) {
    const watch = pass === request.passes - 1 ? new MemoryWatch() : undefined;
    const started = performance.now();
    const entries: unknown[] = [];
    let cursor: string | null = null;
    requests = 0;
    do {
      const page = (await get(
        `${base}?limit=${request.pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      )) as {
        entries: unknown[];
        next_cursor: string | null;
      };
      requests++;
      entries.push(...page.entries);
      cursor = page.next_cursor;
    } while (cursor);
    passSeconds.push((performance.now() - started) / 1000);
    memory = watch?.stop();
    items = entries.length;
  }
  agent.destroy();
  return { seconds: passSeconds[passSeconds.length - 1], passSeconds, items, requests, memory: memory! };
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WorkerRequest;
  let result: WorkerResult;
  switch (request.mode) {
    case 'download':
    case 'upload':
      result = await transfer(request);
      break;
    case 'plainDownload':
    case 'plainUpload':
      result = await plainTransfer(request);
      break;
    case 'many':
    case 'manyDown':
      result = await many(request);
      break;
    case 'listing':
      result = await listing(request);
      break;
    case 'plainListing':
      result = await plainListing(request);
      break;
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
