/**
 * Shared steps of the reliability suites in the real extension host: the
 * server's test-control API, signing in through the product's own
 * "Sign In with a Code" command (the test plays the browser, so it sees the
 * code), and signing out through the provider's removeSession.
 *
 * Not a *.test.ts file: mocha loads it only through the suites.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GitShareAccount } from '../../../src/common/accounts';
import { Commands, EXTENSION_ID, FS_SCHEME, SETTINGS_SECTION, Settings } from '../../../src/common/constants';
import type { GitShareExtensionApi } from '../../../src/extension';
import { authorizeAsUser } from '../../server/browser';
import { until as waitUntil } from '../helpers';

export const serverUrl = process.env.GITSHARE_TEST_SERVER_URL ?? '';

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

/** `until` with this suite's shorter default wait. */
export function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  return waitUntil(probe, what, timeoutMs);
}

export async function activate(): Promise<GitShareExtensionApi> {
  const api = await vscode.extensions.getExtension<GitShareExtensionApi>(EXTENSION_ID)!.activate();
  await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.serverUrl, serverUrl, vscode.ConfigurationTarget.Global);
  return api;
}

/** What the test, playing the browser, saw during a sign-in. */
export interface SignInSeen {
  authorizeUrls: string[];
  codes: string[];
}

/** Signs out every account, then signs in afresh with "Sign In with a Code". */
export async function signInWithCode(api: GitShareExtensionApi, seen: SignInSeen = { authorizeUrls: [], codes: [] }): Promise<GitShareAccount> {
  await signOutAll(api);
  let code: Promise<string> | undefined;
  api.auth.setBrowserOpener(async (url) => {
    seen.authorizeUrls.push(url);
    code = authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' });
    seen.codes.push(await code);
  });
  api.auth.setCodePrompt(async () => until(() => code, 'the browser to open'));
  try {
    await vscode.commands.executeCommand(Commands.signInWithCode);
    await until(() => api.accounts.accounts.length > 0, 'a signed-in account');
  } finally {
    api.auth.setBrowserOpener(undefined);
    api.auth.setCodePrompt(undefined);
  }
  return api.accounts.accounts[0]!;
}

/** What the Accounts menu's Sign Out ends in, for every account. */
export async function signOutAll(api: GitShareExtensionApi | undefined): Promise<void> {
  for (const account of [...(api?.accounts.accounts ?? [])]) {
    await api!.auth.removeSession(account.id);
  }
  if (api) {
    await until(() => api.accounts.accounts.length === 0, 'no account left');
  }
}

/** The access token the extension uses for this account's API calls. */
export function sessionToken(account: GitShareAccount): Promise<string> {
  return account.tokens.getAccessToken();
}

export function gitshareUri(account: GitShareAccount, p: string): vscode.Uri {
  return vscode.Uri.from({ scheme: FS_SCHEME, authority: account.authority, path: p });
}

/** Writes a file at the server with plain fetch, never through the code under test. */
export async function serverWrite(token: string, p: string, text: string): Promise<void> {
  const encoded = p.split('/').map(encodeURIComponent).join('/');
  const response = await fetch(`${serverUrl}/api/v1/files${encoded}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: text,
  });
  assert.ok(response.ok, `PUT ${p}: ${response.status}`);
  await response.body?.cancel();
}
