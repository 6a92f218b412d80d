/**
 * Requests per user action, counted at the server (its /__test__/stats), in the
 * real extension host: what a person's click costs in round trips, beside the
 * fewest the contract allows. Run by probe.ts after sign-in.
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../../src/common/constants';
import type { GitShareTestApi } from '../../../src/testing/testApi';
import { uploadByCommand } from '../../support/extensionHost';
import { eventually, pause } from '../../support/wait';

export interface ActionCount {
  readonly action: string;
  /** Requests the server answered for the action, by route (`GET /api/v1/files`). */
  readonly requests: Record<string, number>;
  readonly total: number;
  /** The fewest the contract allows, and which. */
  readonly minimum: number;
  readonly minimumText: string;
}

/** The editor of `uri` once it shows (a row's click opens it without handing it back). */
async function shown(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const find = () => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  return (
    find() ??
    new Promise<vscode.TextEditor>((resolve) => {
      const sub = vscode.window.onDidChangeVisibleTextEditors(() => {
        const editor = find();
        if (editor) {
          sub.dispose();
          resolve(editor);
        }
      });
    })
  );
}

type Stats = { requests: Record<string, number> };

/** The folder the actions work in, at the account's top level. */
const FOLDER = 'bench-actions';

export async function countActions(
  api: GitShareTestApi,
  serverUrl: string,
  uri: (p: string) => vscode.Uri,
  say: (line: string) => void,
): Promise<ActionCount[]> {
  const stats = async () => (await (await fetch(`${serverUrl}/__test__/stats`)).json()) as Stats;
  const reset = async () => void (await fetch(`${serverUrl}/__test__/reset-stats`, { method: 'POST' }));
  /** The server's counts once they stop moving: requests the action set off after it returned count too. */
  const settled = async (): Promise<Record<string, number>> => {
    let last: string | undefined;
    let quiet = 0;
    await eventually(
      async () => {
        const now = JSON.stringify((await stats()).requests);
        quiet = now === last ? quiet + 1 : 0;
        last = now;
        return quiet >= 3;
      },
      "the server's counts to stop moving",
      60_000,
      250,
    );
    return JSON.parse(last!) as Record<string, number>;
  };
  const results: ActionCount[] = [];
  const count = async (action: string, minimum: number, minimumText: string, act: () => Promise<unknown>) => {
    await settled();
    await reset();
    await act();
    const requests = await settled();
    const total = Object.values(requests).reduce((a, b) => a + b, 0);
    say(`${action}: ${total} requests ${JSON.stringify(requests)} (fewest: ${minimum})`);
    results.push({ action, requests, total, minimum, minimumText });
  };

  // Set-up, not counted: a folder with a file, the view showing the top level, a big local file.
  await vscode.workspace.fs.createDirectory(uri(`/${FOLDER}`));
  await vscode.workspace.fs.writeFile(uri(`/${FOLDER}/notes.txt`), new TextEncoder().encode('notes\n'));
  const local = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-bench-actions-'));
  const big = path.join(local, 'big.bin');
  await fsp.writeFile(big, Buffer.alloc(4 * 1024 * 1024, 7));
  await vscode.commands.executeCommand(Commands.refresh);
  const top = await api.filesViewLabels();
  if (!top.includes(FOLDER)) {
    throw new Error(`the Files view shows no ${FOLDER} at the top level (${top.join(', ')})`);
  }

  await count('expand a folder in the Files view', 1, '1 GET /folders (one page)', async () => {
    const labels = await api.filesViewLabels(FOLDER);
    if (!labels.includes('notes.txt')) {
      throw new Error(`expanding ${FOLDER} showed ${labels.join(', ')}`);
    }
  });
  const file = uri(`/${FOLDER}/notes.txt`);
  let editor: vscode.TextEditor | undefined;
  await count('open a file from the expanded tree', 1, '1 GET /files (the listing gave its metadata)', async () => {
    await api.clickFilesViewRow(FOLDER, 'notes.txt');
    editor = await shown(file);
  });
  // A person reads for a while before typing: past the moment after the read when what was
  // learned answers stat.
  await pause(5_500);
  // Counted from the keystroke: code-server saves by itself a second after an edit (the web's
  // files.autoSave default, afterDelay), so the save may be that one or this explicit one.
  await count('edit and save it, a few seconds after opening', 1, '1 PUT /files with If-Match', async () => {
    await editor!.edit((edit) => edit.insert(new vscode.Position(0, 0), 'edited '));
    // document.save() has been seen to resolve false under load although the save completed.
    await editor!.document.save();
    await eventually(() => !editor!.document.isDirty, 'the save', 60_000, 50);
  });
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await count(
    'open the same file by its gitshare: URI (Quick Open, the Explorer)',
    2,
    '1 GET /metadata + 1 GET /files (nothing listed it a moment ago)',
    async () => {
      await pause(5_500);
      await vscode.window.showTextDocument(file, { preview: false });
    },
  );
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await count(
    'Refresh, then expand the folder again',
    2,
    '1 GET /folders for the top level + 1 for the folder',
    async () => {
      await vscode.commands.executeCommand(Commands.refresh);
      await api.filesViewLabels(FOLDER);
    },
  );
  await count('upload a 4 MiB file with Upload…', 1, '1 PUT /files with If-None-Match: *', async () => {
    await uploadByCommand(api, uri(`/${FOLDER}`), [vscode.Uri.file(big)]);
  });
  const after = await vscode.workspace.fs.stat(uri(`/${FOLDER}/big.bin`));
  if (after.size !== 4 * 1024 * 1024) {
    throw new Error(`the upload left ${after.size} bytes on GitShare`);
  }
  await fsp.rm(local, { recursive: true, force: true });
  return results;
}
