/**
 * Small shared pieces of the bench: statistics, the machine's description,
 * child processes that answer with one JSON line, and curl.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const MiB = 1024 * 1024;

/** One row of the bench's table (run.ts prints them; fileIndex.ts makes some). */
export interface Row {
  readonly figure: string;
  /** What was measured, formatted. */
  readonly value: string;
  readonly comparison: string;
  /** The figure the target applies to (a ratio, KB, ms or MiB), with its spread over runs. */
  readonly ratio: Spread | undefined;
  readonly ratioUnit: string;
  readonly target: string;
  readonly pass: boolean | undefined;
  readonly note?: string;
  readonly raw?: unknown;
}

/**
 * The address of a code-server window on `workspace` with `extensionDir` as the extension under
 * development and `testsPath` as its "tests" (the bench's probe in the extension host).
 */
export function developmentWindowUrl(
  codeServer: { readonly url: string; readonly authority: string },
  workspace: string,
  extensionDir: string,
  testsPath: string,
): string {
  const remote = (p: string) => `vscode-remote://${codeServer.authority}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionDir)],
    ['extensionTestsPath', remote(testsPath)],
  ];
  return `${codeServer.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * A Node script of the bench as a long-lived child process (a server, the link): resolves with
 * the match of `ready` on its standard output, and a `close` that stops it and waits for it.
 */
export function startChild(
  script: string,
  args: readonly string[],
  ready: RegExp,
  what: string,
): Promise<{ match: RegExpExecArray; close: () => Promise<void> }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const match = ready.exec(out);
      if (match) {
        resolve({ match, close });
      }
    });
    child.once('exit', (code) => reject(new Error(`${what} exited (${code})`)));
    child.once('error', reject);
  });
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) {
    return { median: NaN, min: NaN, max: NaN, runs: 0 };
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

export function describeMachine(): {
  text: string;
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  loadAverage: number[];
} {
  const cpus = os.cpus();
  const cpu = cpus[0]?.model.trim() ?? 'unknown CPU';
  const ramGiB = Math.round((os.totalmem() / 1024 ** 3) * 10) / 10;
  const loadAverage = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const text =
    `${cpu}, ${cpus.length} cores, ${ramGiB} GiB RAM, ${os.type()} ${os.release()} (${os.arch()}), ` +
    `Node ${process.version}, curl ${curlVersion()}; load average at the start ${loadAverage.join(' / ')} (1/5/15 min; ` +
    `the machine is shared, so figures are ratios measured side by side in the same run).`;
  return { text, cpu, cores: cpus.length, ramGiB, node: process.version, loadAverage };
}

let cachedCurlVersion: string | undefined;
function curlVersion(): string {
  if (cachedCurlVersion === undefined) {
    try {
      const out = execFileSync('curl', ['--version'], { encoding: 'utf8' });
      cachedCurlVersion = /^curl (\S+)/.exec(out)?.[1] ?? 'unknown';
    } catch {
      cachedCurlVersion = 'missing';
    }
  }
  return cachedCurlVersion;
}

export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runChild(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr = (stderr + t).slice(-8000)));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a bench worker (a compiled module of this folder) in its own Node process; it answers with one JSON line. */
export async function runWorker<T>(script: string, request: unknown, env: NodeJS.ProcessEnv = {}): Promise<T> {
  const result = await runChild(process.execPath, ['--expose-gc', path.join(__dirname, script)], {
    env: { ...process.env, ...env },
    input: JSON.stringify(request),
    timeoutMs: 15 * 60_000,
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (result.code !== 0 || !line.startsWith('{')) {
    throw new Error(`${script} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return JSON.parse(line) as T;
}

export interface CurlResult {
  /** curl's own time for the whole transfer (`%{time_total}`), seconds. */
  readonly seconds: number;
  readonly status: number;
  readonly bytes: number;
  /** CPU time curl used (user + system, from /usr/bin/time), seconds; NaN where that is missing. */
  readonly cpuSeconds: number;
}

/** Runs curl with `-w` so the time is curl's own, not this process's start-up. */
export async function curl(args: readonly string[], token?: string): Promise<CurlResult> {
  const header = token ? ['-H', `Authorization: Bearer ${token}`] : [];
  const curlArgs = [
    '-sS',
    '--fail-with-body',
    '-w',
    '\n%{http_code} %{time_total} %{size_download} %{size_upload}\n',
    ...header,
    ...args,
  ];
  const timeFile = path.join(os.tmpdir(), `gitshare-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const timed = fs.existsSync('/usr/bin/time');
  const result = timed
    ? await runChild('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, 'curl', ...curlArgs], { timeoutMs: 15 * 60_000 })
    : await runChild('curl', curlArgs, { timeoutMs: 15 * 60_000 });
  let cpuSeconds = NaN;
  if (timed) {
    const [user, system] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    cpuSeconds = user + system;
    fs.rmSync(timeFile, { force: true });
  }
  const last = result.stdout.trim().split('\n').pop() ?? '';
  const [status, seconds, down, up] = last.split(' ').map(Number);
  if (result.code !== 0) {
    throw new Error(
      `curl ${args.join(' ')} failed (exit ${result.code}, HTTP ${status}): ${result.stderr.trim()} ${result.stdout.slice(0, 300)}`,
    );
  }
  return { seconds, status, bytes: Math.max(down, up), cpuSeconds };
}

/** A file of `bytes` incompressible bytes, written in 1 MiB blocks. */
export async function makeFile(file: string, bytes: number): Promise<void> {
  const { randomFillSync } = await import('node:crypto');
  const block = Buffer.alloc(Math.min(bytes, MiB));
  const handle = await fs.promises.open(file, 'w');
  try {
    for (let written = 0; written < bytes;) {
      const n = Math.min(block.length, bytes - written);
      randomFillSync(block, 0, n);
      await handle.write(block, 0, n);
      written += n;
    }
  } finally {
    await handle.close();
  }
}

export function formatMiB(bytes: number): string {
  return bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)} GiB` : `${bytes / MiB} MiB`;
}

/** Reads kB fields from /proc/<pid>/status (Linux). */
export function procStatus(pid: number | 'self' = 'self'): { rss: number; hwm: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}
