/**
 * The servers the bench talks to, each a child process of its own so that
 * neither competes with the measured client for an event loop: the local
 * GitShare server (test/server, via spawnServer) and the plain static file
 * server (staticServer.ts). Also a bearer token for the demo account (register,
 * authorize played by the server's browser helper, code exchange with PKCE).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { spawnServer, type SpawnedServer } from '../server/spawn';
import { signIn } from '../unit/helpers/serverSession';

export async function startGitShare(dataDir: string, publicUrl?: string): Promise<SpawnedServer> {
  return spawnServer([
    '--host',
    '127.0.0.1',
    '--data',
    dataDir,
    '--max-upload-bytes',
    String(64 * 1024 ** 3),
    '--quiet',
    // The test-control API: its request counts are the requests-per-action figure's meter.
    '--faults',
    ...(publicUrl ? ['--public-url', publicUrl] : []),
  ]);
}

/** A bearer token for the demo account, from the same sign-in the unit tests use. */
export async function bearerToken(serverUrl: string): Promise<string> {
  return (await signIn(serverUrl)).accessToken;
}

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

export function startStatic(root: string): Promise<StaticServer> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'staticServer.js'), root], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        resolve({ url: m[1], close });
      }
    });
    child.once('exit', (code) => reject(new Error(`static server exited (${code})`)));
    child.once('error', reject);
  });
}
