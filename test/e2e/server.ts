/**
 * The e2e run's local GitShare server, seen from outside the workbench: its request counters, the
 * files on its disk (what an action left there, or a suite's starting state), and a colleague's
 * session changing files behind VS Code's back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GitShareClient } from '../../src/api/client';
import { accountDir as accountDirIn } from '../support/serverData';
import type { RequestSeen } from '../server/faults';
import { apiClient, signIn, TEST_CLIENT_USER_AGENT } from '../support/serverSession';
import { env } from './environment';

/** The local server's request counters (it runs with --faults in the e2e layer). */
export async function serverStats(): Promise<{ tokenRequests: Record<string, number>; revocations: number }> {
  const response = await fetch(`${env().serverUrl}/__test__/stats`);
  return (await response.json()) as { tokenRequests: Record<string, number>; revocations: number };
}

/** How many requests of a route the server has answered (`GET /api/v1/metadata`). */
export async function serverRequests(route: string): Promise<number> {
  const response = await fetch(`${env().serverUrl}/__test__/stats`);
  const stats = (await response.json()) as { requests: Record<string, number> };
  return stats.requests[route] ?? 0;
}

/**
 * The server's hostile mode on or off (test/server/README.md, "Hostile mode"): on, it lists in
 * `/hostile`, beside `good.txt`, an entry named like a command link whose path is elsewhere.
 */
export async function setHostile(on: boolean): Promise<void> {
  const response = await fetch(`${env().serverUrl}/__test__/hostile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ on }),
  });
  if (response.status !== 204) {
    throw new Error(`hostile mode ${on ? 'on' : 'off'}: HTTP ${response.status}`);
  }
}

/** A second, independent session on the demo account: "a colleague" using GitShare elsewhere. */
export async function colleague(): Promise<GitShareClient> {
  const { serverUrl } = env();
  return apiClient(serverUrl, await signIn(serverUrl), { userAgent: TEST_CLIENT_USER_AGENT });
}

/** The requests the server answered since its stats were last reset, oldest first. */
export async function serverRequestLog(): Promise<RequestSeen[]> {
  const response = await fetch(`${env().serverUrl}/__test__/stats`);
  return ((await response.json()) as { requestLog: RequestSeen[] }).requestLog;
}

/**
 * An account's file tree on a server's disk (see test/support/serverData.ts); by default demo's
 * (id 1, the e2e server's only account) on the run's server.
 */
export function accountDir(userId = 1, dataDir = env().serverDataDir): string {
  return accountDirIn(dataDir, userId);
}

/** The path of `relative` ("notes/todo.md") in an account's folder on the server's disk. */
export function onServer(relative: string, userId = 1, dataDir = env().serverDataDir): string {
  return path.join(accountDir(userId, dataDir), ...relative.split('/').filter(Boolean));
}

/**
 * Puts a file (or, without `content`, a folder) straight onto demo's folder on the server's disk,
 * as if it had been uploaded earlier: a suite's starting state, without going through the client.
 */
export function seedOnServer(relative: string, content?: string): void {
  const target = onServer(relative);
  if (content === undefined) {
    fs.mkdirSync(target, { recursive: true });
    return;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content);
}

/** The server's upload temp files left anywhere in an account folder (there must be none). */
export function serverTempFiles(userId = 1, dataDir = env().serverDataDir): string[] {
  const root = accountDir(userId, dataDir);
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((name) =>
    path.basename(name).startsWith('.gitshare-upload-'),
  );
}
