/**
 * The servers the bench talks to, each a child process of its own so that
 * neither competes with the measured client for an event loop: the local
 * GitShare server (test/server, via spawnServer) and the plain static file
 * server (staticServer.ts). Also a bearer token for the demo account (register,
 * authorize played by the server's browser helper, code exchange with PKCE).
 */
import * as path from 'node:path';
import { spawnServer, type SpawnedServer } from '../server/spawn';
import { startChild } from './common';
import { signIn } from '../support/serverSession';

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

export async function startStatic(root: string): Promise<StaticServer> {
  const { match, close } = await startChild(
    path.join(__dirname, 'staticServer.js'),
    [root],
    /listening on (http:\/\/\S+)/,
    'static server',
  );
  return { url: match[1], close };
}
