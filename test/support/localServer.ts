/**
 * Starts the local GitShare server (test/server/) as a child process for the
 * runners, npm start and the tests that need a server of their own. It runs on the system Node (better-sqlite3 is built for it), while
 * code-server's extension host runs on Node 24; so the extension host reaches
 * it over HTTP only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';

export interface LocalServer {
  readonly url: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

interface ServerModule {
  spawnServer(args: string[]): Promise<{ url: string; close(): Promise<void> }>;
}

const serverModulePath = path.join(repoRoot, 'out', 'test', 'server', 'index.js');

export async function startLocalServer(dataDir: string, extraArgs: string[] = []): Promise<LocalServer> {
  if (!fs.existsSync(serverModulePath)) {
    throw new Error(`The local GitShare server is not built (${serverModulePath}); run npm run compile-tests`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const server = require(serverModulePath) as ServerModule;
  // 127.0.0.2: code-server rewrites links to 127.0.0.1/localhost through its /proxy/, which mangles redirect_uri.
  const running = await server.spawnServer([
    '--host',
    '127.0.0.2',
    '--port',
    '0',
    '--data',
    dataDir,
    '--faults',
    ...extraArgs,
  ]);
  return { url: running.url, dataDir, close: () => running.close() };
}
