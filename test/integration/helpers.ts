/**
 * Small helpers shared by the extension-host tests, and the steps that go
 * through GitShare's one test seam (src/workbench/interaction.ts).
 */
import * as vscode from 'vscode';
import { AUTH_PROVIDER_ID, Commands, EXTENSION_ID, SETTINGS_SECTION, Settings } from '../../src/common/constants';
import type { ConfirmQuestion, Interaction } from '../../src/workbench/interaction';
import type { AccountSummary, GitShareTestApi } from '../../src/testing/testApi';
import { authorizeAsUser } from '../server/browser';
import { signInAsUser } from '../server/signIn';
import { eventually } from '../support/wait';

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

/** What the test, playing the browser, saw during a sign-in. */
export interface SignInSeen {
  authorizeUrls: string[];
  codes: string[];
}

/**
 * Puts `fake` in front of the real UI for the duration of `body`: the questions
 * it answers never reach a dialog. Questions it leaves out reach the real UI.
 */
export async function withAnswers<T>(
  api: GitShareTestApi,
  fake: Partial<Interaction>,
  body: () => Promise<T>,
): Promise<T> {
  api.setInteraction(fake);
  try {
    return await body();
  } finally {
    api.setInteraction(undefined);
  }
}

/**
 * Signs out every account, then signs in afresh with "Sign In with a Code":
 * the browser (played by authorizeAsUser through the server's real pages)
 * shows the code, and the code prompt receives it.
 */
export async function signInWithCode(
  api: GitShareTestApi,
  seen: SignInSeen = { authorizeUrls: [], codes: [] },
): Promise<AccountSummary> {
  await signOutAll(api);
  let code: Promise<string> | undefined;
  const asked: string[] = [];
  await withAnswers(
    api,
    {
      openExternal: async (url) => {
        seen.authorizeUrls.push(url);
        code = authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' });
        seen.codes.push(await code);
        return true;
      },
      input: async (question) => {
        asked.push(question.id);
        return question.id === 'signInCode' ? eventually(() => code, 'the browser to open') : undefined;
      },
    },
    async () => {
      api.clearShownErrors();
      await vscode.commands.executeCommand(Commands.signInWithCode);
      if (api.shownErrors().length) {
        throw new Error(
          `Sign-in failed: ${api
            .shownErrors()
            .map((e) => e.message)
            .join(' | ')}`,
        );
      }
      await eventually(() => api.accounts().length > 0, 'a signed-in account');
    },
  );
  if (asked.join() !== 'signInCode') {
    throw new Error(`expected one question for the code, was asked: ${asked.join(', ')}`);
  }
  return api.accounts()[0]!;
}

/** "GitShare: Sign Out…" for every account, answering its confirmation with Sign Out. */
export async function signOutAll(api: GitShareTestApi | undefined): Promise<void> {
  if (!api) {
    return;
  }
  for (const account of api.accounts()) {
    await withAnswers(api, { confirm: async (question) => question.id === 'signOut' }, () =>
      Promise.resolve(vscode.commands.executeCommand(Commands.signOut, { account: { id: account.id } })),
    );
  }
  await eventually(() => api.accounts().length === 0, 'no account left');
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

/** The Files view's labels once `expected` shows among them. */
export function filesViewShows(api: GitShareTestApi, expected: string, ...folder: string[]): Promise<string[]> {
  return eventually(async () => {
    // A folder of the path not listed yet throws: not there yet either.
    const labels = await api.filesViewLabels(...folder).catch((): string[] => []);
    return labels.includes(expected) && labels;
  }, `"${expected}" in the Files view`);
}

/** The palette's Download… on a `gitshare:` URI, with `destination` chosen in the folder dialog. */
export async function downloadTo(api: GitShareTestApi, target: vscode.Uri, destination: string): Promise<void> {
  const asked: string[] = [];
  await withAnswers(
    api,
    {
      chooseLocal: async (question) => {
        asked.push(question.id);
        return [vscode.Uri.file(destination)];
      },
    },
    () => Promise.resolve(vscode.commands.executeCommand(Commands.download, target)),
  );
  // A download that fails before it asks (the file is gone) shows an error instead.
  if (asked.join() !== 'downloadDestination' && api.shownErrors().length === 0) {
    throw new Error(`expected the destination dialog, was asked: ${asked.join(', ') || 'nothing'}`);
  }
}

/**
 * Upload… run with its files in the arguments, as a `command:` link or another extension would:
 * the confirmation GitShare asks first gets `answer` (Upload, or Cancel). Resolves with the
 * confirmations asked.
 */
export async function uploadByCommand(
  api: GitShareTestApi,
  target: vscode.Uri,
  sources: vscode.Uri[],
  answer = true,
  more: Partial<Interaction> = {},
): Promise<ConfirmQuestion[]> {
  const asked: ConfirmQuestion[] = [];
  await withAnswers(
    api,
    {
      ...more,
      confirm: async (question) => {
        asked.push(question);
        return answer && question.id === 'uploadNamedFiles';
      },
    },
    () => Promise.resolve(vscode.commands.executeCommand(Commands.upload, target, sources)),
  );
  return asked;
}
