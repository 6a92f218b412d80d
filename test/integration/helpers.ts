/**
 * Small helpers shared by the extension-host tests; the steps through GitShare's one test seam
 * (src/workbench/interaction.ts) that the bench uses too are in test/support/extensionHost.ts.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { AUTH_PROVIDER_ID, EXTENSION_ID, SETTINGS_SECTION, Settings } from '../../src/common/constants';
import type { GitShareTestApi } from '../../src/testing/testApi';
import { signInAsUser } from '../server/signIn';
import { eventually } from '../support/wait';

export {
  downloadTo,
  signInWithCode,
  signOutAll,
  uploadByCommand,
  withAnswers,
  type SignInSeen,
} from '../support/extensionHost';

export const serverUrl = process.env.GITSHARE_TEST_SERVER_URL ?? '';
export const SCOPES = ['files:read', 'files:write'];

/**
 * Activates GitShare and points it at the harness's server. In the extension
 * host of these tests VS Code runs it in ExtensionMode.Test, so it returns the
 * test API; in normal use it returns nothing.
 */
export async function activateForTest(): Promise<GitShareTestApi> {
  const api = await vscode.extensions.getExtension<GitShareTestApi | undefined>(EXTENSION_ID)!.activate();
  if (!api) {
    throw new Error('GitShare returned no test API: is the extension host in ExtensionMode.Test?');
  }
  await vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .update(Settings.serverUrl, serverUrl, vscode.ConfigurationTarget.Global);
  return api;
}

/**
 * The access token VS Code hands out for GitShare's session, through the same
 * `vscode.authentication.getSession` any extension uses. VS Code hands it out
 * silently only to an extension the person allowed: these tests run as
 * GitShare, which is allowed once a sign-in went through VS Code's own
 * getSession (the Accounts menu's "Sign in with GitShare", in the auth suite).
 */
export async function sessionToken(): Promise<string> {
  const session = await vscode.authentication.getSession(AUTH_PROVIDER_ID, SCOPES, { silent: true });
  if (!session) {
    throw new Error(
      "VS Code hands GitShare's session to this test only after a sign-in through the Accounts menu (the auth suite)",
    );
  }
  return session.accessToken;
}

let serverClient: Promise<string> | undefined;

/**
 * A token of the test's own OAuth client for the demo user, to read and write
 * on the server without the code under test. Minted again when the server
 * expired it (several tests expire every access token).
 */
export async function serverToken(renew = false): Promise<string> {
  if (renew || !serverClient) {
    serverClient = signInAsUser(serverUrl, 'demo', 'demo', 'GitShare integration tests').then(
      (client) => client.accessToken,
    );
  }
  return serverClient;
}

/** `fetch` on the server's API as the demo user (the test's own token), once more with a new token after a 401. */
export async function serverFetch(apiPath: string, init: RequestInit = {}): Promise<Response> {
  const attempt = async (token: string) =>
    fetch(`${serverUrl}${apiPath}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    });
  const response = await attempt(await serverToken());
  if (response.status !== 401) {
    return response;
  }
  await response.body?.cancel();
  return attempt(await serverToken(true));
}

/** The server's file API address of a GitShare path, each segment encoded. */
const fileApi = (p: string) => `/api/v1/files${p.split('/').map(encodeURIComponent).join('/')}`;

/** Writes `text` to a file on the server without the code under test. */
export async function serverWrite(p: string, text: string): Promise<void> {
  const response = await serverFetch(fileApi(p), {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: text,
  });
  assert.ok(response.ok, `PUT ${p}: ${response.status}`);
  await response.body?.cancel();
}

/** The Files view's labels once `expected` shows among them. */
export function filesViewShows(api: GitShareTestApi, expected: string, ...folder: string[]): Promise<string[]> {
  return eventually(async () => {
    // A folder of the path not listed yet throws: not there yet either.
    const labels = await api.filesViewLabels(...folder).catch((): string[] => []);
    return labels.includes(expected) && labels;
  }, `"${expected}" in the Files view`);
}
