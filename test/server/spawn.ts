import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/**
 * Runs the local server as a child process with the system `node`. For callers that cannot load
 * better-sqlite3 (built for Node 20) themselves, e.g. the extension host on Node 24. This module
 * imports nothing native, so it is safe to import anywhere.
 */

export interface SpawnedServer {
  readonly url: string;
  /** With `--tls`: the file holding the throw-away CA's certificate. */
  readonly caFile?: string;
  readonly process: ChildProcess;
  close(): Promise<void>;
}

export interface SpawnServerOptions {
  /** The Node binary; default `$GITSHARE_SERVER_NODE` or `node` from PATH (not process.execPath). */
  readonly node?: string;
  /** Every line the child prints after it listens (request log, errors). Default: dropped. */
  readonly onOutput?: (line: string) => void;
  readonly timeoutMs?: number;
}

/** Runs `cli.js` with the system `node`; adds `--port 0` unless `args` name a port. */
export function spawnServer(args: readonly string[] = [], options: SpawnServerOptions = {}): Promise<SpawnedServer> {
  const node = options.node ?? process.env.GITSHARE_SERVER_NODE ?? 'node';
  const fullArgs = [path.join(__dirname, 'cli.js'), ...args];
  if (!args.includes('--port')) {
    fullArgs.push('--port', '0');
  }
  const child = spawn(node, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise<SpawnedServer>((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    let url: string | undefined;
    let caFile: string | undefined;
    const timer = setTimeout(() => {
      void close();
      reject(new Error(`The GitShare server did not start within ${options.timeoutMs ?? 30000} ms. ${stderr}`));
    }, options.timeoutMs ?? 30000);
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      buffered += text;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).replace(/\r$/, '');
        buffered = buffered.slice(newline + 1);
        const m = /^GitShare server listening on (https?:\/\/\S+)$/.exec(line);
        const ca = /^Test CA certificate: (.+)$/.exec(line);
        if (!url && ca) {
          caFile = ca[1]!;
        } else if (!url && m) {
          url = m[1]!;
          clearTimeout(timer);
          resolve({ url, caFile, process: child, close });
        } else if (url) {
          options.onOutput?.(line);
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      if (url) {
        options.onOutput?.(text.trimEnd());
      } else {
        stderr = (stderr + text).slice(-4000);
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      if (!url) {
        clearTimeout(timer);
        reject(new Error(`The GitShare server exited (${code ?? signal}) before listening. ${stderr}`));
      }
    });
  });
}
