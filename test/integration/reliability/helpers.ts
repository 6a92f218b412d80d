/**
 * Shared steps of the reliability suites in the real extension host: the
 * server's test-control API, and (from ../helpers.ts) signing in through the
 * product's own "Sign In with a Code" command (the test plays the browser, so
 * it sees the code) and out through "GitShare: Sign Out…".
 *
 * Not a *.test.ts file: mocha loads it only through the suites.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FS_SCHEME } from '../../../src/common/constants';
import type { AccountSummary } from '../../../src/testing/testApi';
import { serverFetch, serverUrl } from '../helpers';

export { serverUrl };

export interface ServerStats {
  requests: Record<string, number>;
  tokenRequests: Record<string, number>;
  revocations: number;
  faultsInjected: number;
}

export async function control(name: string, body?: unknown, method = 'POST'): Promise<unknown> {
  const response = await fetch(`${serverUrl}/__test__/${name}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `control ${method} ${name}: HTTP ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

export async function stats(): Promise<ServerStats> {
  return (await control('stats', undefined, 'GET')) as ServerStats;
}

export const fault = (spec: object): Promise<unknown> => control('faults', spec);
export const clearFaults = (): Promise<unknown> => control('faults', undefined, 'DELETE');

export { activateForTest as activate, sessionToken, signInWithCode, signOutAll, type SignInSeen } from '../helpers';

export function gitshareUri(account: AccountSummary, p: string): vscode.Uri {
  return vscode.Uri.from({ scheme: FS_SCHEME, authority: account.authority, path: p });
}

/** Writes a file at the server with plain fetch and the test's own token, never through the code under test. */
export async function serverWrite(p: string, text: string): Promise<void> {
  const encoded = p.split('/').map(encodeURIComponent).join('/');
  const response = await serverFetch(`/api/v1/files${encoded}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: text,
  });
  assert.ok(response.ok, `PUT ${p}: ${response.status}`);
  await response.body?.cancel();
}
