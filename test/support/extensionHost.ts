/**
 * Steps through GitShare's test seam (src/workbench/interaction.ts) in a real extension host,
 * shared by the integration tests and the bench's host probe: answering the questions a command
 * asks, signing in with a code as the browser would, signing out, Download… to a folder. Loads
 * only where `vscode` is (the extension host).
 */
import * as vscode from 'vscode';
import { Commands } from '../../src/common/constants';
import type { ConfirmQuestion, Interaction } from '../../src/workbench/interaction';
import type { AccountSummary, GitShareTestApi } from '../../src/testing/testApi';
import { authorizeAsUser } from '../server/browser';
import { eventually } from './wait';

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
