/**
 * Remote files inside a real VS Code (code-server's extension host), against
 * the local server the harness started with --faults (GITSHARE_TEST_SERVER_URL).
 *
 * Signs in through the product's own sign-in command, with the test seam
 * playing the browser. The server is checked with plain fetch and a token of
 * the test's own OAuth client, never through the code under test. Every question a person would answer is answered through the
 * one seam (src/workbench/interaction.ts).
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands, FS_SCHEME, SETTINGS_SECTION, Settings } from '../../../src/common/constants';
import type { TransferConflictQuestion } from '../../../src/workbench/interaction';
import { FRESH_MS } from '../../../src/fileSystem/gitshareFileSystem';
import type { AccountSummary, GitShareTestApi } from '../../../src/testing/testApi';
import {
  activateForTest,
  downloadTo,
  filesViewShows,
  serverFetch,
  serverWrite,
  serverUrl,
  signInWithCode,
  uploadByCommand,
  withAnswers,
} from '../helpers';
import { eventually } from '../../support/wait';

describe('files: the Files view, the gitshare: file system and transfers in a real VS Code', function () {
  this.timeout(120_000);
  let api: GitShareTestApi;
  let account: AccountSummary;
  let tmp: string;

  const uri = (p: string) => vscode.Uri.from({ scheme: FS_SCHEME, authority: account.authority, path: p });

  /** The server's bytes, read without the code under test. */
  async function serverRead(p: string): Promise<{ status: number; text: string }> {
    const response = await serverFetch(`/api/v1/files${p.split('/').map(encodeURIComponent).join('/')}`);
    return { status: response.status, text: await response.text() };
  }

  async function control(name: string, body?: unknown, method = 'POST'): Promise<unknown> {
    const response = await fetch(`${serverUrl}/__test__/${name}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(response.ok, `${method} ${name}: ${response.status}`);
    return response.status === 204 ? undefined : response.json();
  }

  async function fault(spec: object): Promise<void> {
    const response = await fetch(`${serverUrl}/__test__/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(spec),
    });
    assert.ok(response.ok, `fault: ${response.status}`);
  }

  before(async function () {
    // No server address is a broken run, never a pass (the harness checks it too).
    assert.ok(serverUrl, 'GITSHARE_TEST_SERVER_URL did not reach the extension host');
    api = await activateForTest();
    account = api.accounts()[0] ?? (await signInWithCode(api));
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-files-it-'));
  });

  after(async () => {
    api?.setInteraction(undefined);
    if (tmp) {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  });

  it('the Files view shows the demo files, folders first', async () => {
    await vscode.commands.executeCommand('gitshare.files.focus');
    const top = await filesViewShows(api, 'README.md');
    assert.deepEqual(top.slice(0, 3), ['notes', 'photos', 'projects']);
    assert.deepEqual(await api.filesViewLabels('notes'), ['ideas.txt', 'todo.md']);
  });

  it('the test API describes the signed-in account by name only: no token, no token source', async () => {
    assert.deepEqual(
      api.accounts().map((a) => Object.keys(a).sort()),
      [['authority', 'id', 'label', 'serverUrl']],
    );
    assert.equal(api.accounts()[0]!.label, 'demo');
    // What the extension would send: the Files view lists, so the account has a live token.
    await filesViewShows(api, 'README.md');
    const everything = JSON.stringify({ accounts: api.accounts(), errors: api.shownErrors() });
    assert.doesNotMatch(everything, /[A-Za-z0-9_-]{43}/, 'no token-shaped string');
  });

  it('the gitshare: file system lists, stats and reads', async () => {
    const entries = await vscode.workspace.fs.readDirectory(uri('/'));
    assert.ok(entries.some(([name, type]) => name === 'notes' && type === vscode.FileType.Directory));
    const stat = await vscode.workspace.fs.stat(uri('/README.md'));
    assert.equal(stat.type, vscode.FileType.File);
    assert.ok(stat.size > 0 && stat.mtime > 0);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri('/README.md')));
    assert.match(text, /Welcome to GitShare/);
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.stat(uri('/no-such-file'))),
      (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileNotFound',
    );
  });

  it('honours create/overwrite exactly', async () => {
    const target = uri('/it/exact.txt');
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode('one'));
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.createDirectory(uri('/it/exact.txt'))),
      (e: unknown) => e instanceof vscode.FileSystemError,
    );
    await vscode.workspace.fs.rename(target, uri('/it/renamed.txt'));
    assert.equal((await serverRead('/it/renamed.txt')).text, 'one');
    assert.equal((await serverRead('/it/exact.txt')).status, 404);
    await vscode.workspace.fs.writeFile(uri('/it/other.txt'), new TextEncoder().encode('two'));
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.rename(uri('/it/renamed.txt'), uri('/it/other.txt'), { overwrite: false })),
      (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileExists',
    );
    await vscode.workspace.fs.delete(uri('/it'), { recursive: true });
    assert.equal((await serverRead('/it/other.txt')).status, 404);
  });

  it('opens a file in an editor, edits and saves it, and the server has the new bytes', async () => {
    const asked: string[] = [];
    api.setInteraction({
      askSaveConflict: async (name) => {
        asked.push(name);
        return 'cancel';
      },
    });
    const document = await vscode.workspace.openTextDocument(uri('/notes/todo.md'));
    await vscode.window.showTextDocument(document);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(0, 0), 'Edited in VS Code\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    // What a person checks: the editor is no longer dirty, nobody was asked about a conflict, and
    // GitShare has the new bytes. (Under load, document.save() has been seen to resolve false
    // although the save completed; the outcome is what counts.)
    await document.save();
    await eventually(() => !document.isDirty, 'the editor to show the file saved (not dirty)', 60_000);
    assert.deepEqual(asked, [], 'no conflict question for an unchanged remote file');
    const remote = await serverRead('/notes/todo.md');
    assert.match(remote.text, /^Edited in VS Code\n# To do/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  /**
   * Runs `body` with the watcher's round an hour off: what a test counts is its own action's
   * requests, and a change made elsewhere is found by nothing but that action.
   */
  async function withWatchRoundFarOff(body: () => Promise<void>): Promise<void> {
    const settings = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    await settings.update(Settings.watchInterval, 3600, vscode.ConfigurationTarget.Global);
    try {
      await body();
    } finally {
      await settings.update(Settings.watchInterval, undefined, vscode.ConfigurationTarget.Global);
    }
  }

  /**
   * Writes `/round-trips/<name>` on GitShare, shows it in the Files view and opens it with a click on
   * its row; `beforeClick` runs just before the click. Returns its editor.
   */
  async function openFromFilesView(
    name: string,
    text: string,
    beforeClick?: () => Promise<unknown>,
  ): Promise<vscode.TextEditor> {
    await vscode.workspace.fs.createDirectory(uri('/round-trips'));
    await serverWrite(`/round-trips/${name}`, text);
    await vscode.commands.executeCommand(Commands.refresh);
    await filesViewShows(api, name, 'round-trips');
    await beforeClick?.();
    await api.clickFilesViewRow('round-trips', name);
    const target = uri(`/round-trips/${name}`).toString();
    return eventually(
      () => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target),
      'the file in an editor',
    );
  }

  it('a file opened from the Files view costs one GET of its bytes: VS Code asks no stat of GitShare, the watcher waits for its round', async () => {
    // Checks for changes elsewhere stay on, with a round far off: the new tab must not set one off
    // (the read is its baseline), so only the open is counted.
    await withWatchRoundFarOff(async () => {
      const editor = await openFromFilesView('plan.txt', 'plan\n', () => control('reset-stats'));
      assert.equal(editor.document.getText(), 'plan\n');
      const { requests } = (await control('stats', undefined, 'GET')) as { requests: Record<string, number> };
      assert.deepEqual(requests, { 'GET /api/v1/files': 1 }, 'the bytes, once; the listing gave the rest');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });
  });

  it('stats of one file that come together share one request (VS Code stats a file more than once as it opens it)', async () => {
    await vscode.workspace.fs.createDirectory(uri('/round-trips'));
    // Written behind the extension's back: nothing listed or learned it.
    await serverWrite('/round-trips/by-address.txt', 'by address\n');
    await control('reset-stats');
    const target = uri('/round-trips/by-address.txt');
    const stats = await Promise.all([vscode.workspace.fs.stat(target), vscode.workspace.fs.stat(target)]);
    assert.deepEqual(
      stats.map((s) => s.size),
      [11, 11],
    );
    const { requests } = (await control('stats', undefined, 'GET')) as { requests: Record<string, number> };
    assert.deepEqual(requests, { 'GET /api/v1/metadata': 1 }, 'one look at GitShare for both');
  });

  it('a save a while after opening is one PUT with If-Match, and still never overwrites a newer version on GitShare', async () => {
    await withWatchRoundFarOff(async () => {
      const editor = await openFromFilesView('held.txt', 'held\n');
      // A person reads for a while before typing: past the moment in which what the open learned
      // answers every stat.
      const opened = Date.now();
      await eventually(() => Date.now() - opened > FRESH_MS, 'the moment after the open to pass', FRESH_MS + 5_000);
      await control('reset-stats');
      assert.ok(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), 'mine ')));
      await editor.document.save();
      await eventually(() => !editor.document.isDirty, 'the editor to show the file saved', 60_000);
      const { requests } = (await control('stats', undefined, 'GET')) as { requests: Record<string, number> };
      assert.deepEqual(requests, { 'PUT /api/v1/files': 1 }, "the PUT alone: VS Code's stat was answered");
      assert.equal((await serverRead('/round-trips/held.txt')).text, 'mine held\n');

      // Changed elsewhere, unseen by the watcher: the next save asks, and GitShare keeps that version.
      await serverWrite('/round-trips/held.txt', 'changed elsewhere, longer than before\n');
      const asked: string[] = [];
      api.setInteraction({
        askSaveConflict: async (name) => {
          asked.push(name);
          return 'cancel';
        },
      });
      assert.ok(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), 'again ')));
      await editor.document.save();
      await eventually(() => asked.length > 0, 'the save conflict question', 60_000);
      assert.deepEqual(asked, ['held.txt']);
      assert.ok(editor.document.isDirty, 'Cancel keeps the edit in the editor');
      assert.equal((await serverRead('/round-trips/held.txt')).text, 'changed elsewhere, longer than before\n');
      api.setInteraction(undefined);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });
  });

  it('a save never silently overwrites a file that changed on GitShare', async () => {
    const target = uri('/notes/ideas.txt');
    await vscode.workspace.fs.readFile(target); // the version "opened"
    await serverWrite('/notes/ideas.txt', 'changed elsewhere');

    const asked: string[] = [];
    api.setInteraction({
      askSaveConflict: async (name) => {
        asked.push(name);
        return 'cancel';
      },
    });
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.writeFile(target, new TextEncoder().encode('mine'))),
      (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileExists',
    );
    assert.deepEqual(asked, ['ideas.txt']);
    assert.equal((await serverRead('/notes/ideas.txt')).text, 'changed elsewhere');

    api.setInteraction({ askSaveConflict: async () => 'overwrite' });
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode('mine'));
    assert.equal((await serverRead('/notes/ideas.txt')).text, 'mine');
  });

  describe('a save conflict in an editor asks one question, with Compare, Overwrite and Cancel', () => {
    /**
     * Opens `/conflicts/<name>` in an editor, changes it on GitShare meanwhile
     * (longer, and newer to the millisecond: what VS Code's own "content of the
     * file is newer" check looks for), types into the editor, and saves as
     * Ctrl+S would (`document.save()` runs the workbench's save).
     */
    async function conflictingSave(name: string, answer: 'compare' | 'overwrite' | 'cancel') {
      const p = `/conflicts/${name}`;
      await serverWrite(p, 'version 1\n');
      const document = await vscode.workspace.openTextDocument(uri(p));
      await vscode.window.showTextDocument(document);
      await serverWrite(p, 'version 2, written elsewhere, longer\n');
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(0, 0), 'mine\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const asked: string[] = [];
      api.setInteraction({
        askSaveConflict: async (file) => {
          asked.push(file);
          return answer;
        },
      });
      const saved = await document.save();
      return { p, document, asked, saved };
    }

    after(async () => {
      // Leave the demo files as the other suites expect them.
      const response = await serverFetch('/api/v1/files/conflicts?recursive=true', { method: 'DELETE' });
      await response.body?.cancel();
    });

    async function closeAll(document: vscode.TextDocument) {
      api.setInteraction(undefined);
      if (document.isDirty) {
        await vscode.window.showTextDocument(document);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }

    it("Cancel: asked once (ours, not VS Code's), the editor stays dirty, GitShare keeps its version", async () => {
      const { p, document, asked, saved } = await conflictingSave('cancel.txt', 'cancel');
      try {
        assert.deepEqual(asked, ['cancel.txt'], 'exactly one question, the one with Cancel');
        assert.equal(saved, false);
        assert.equal(document.isDirty, true, "the editor keeps the person's text");
        assert.equal(document.getText(), 'mine\nversion 1\n');
        assert.equal((await serverRead(p)).text, 'version 2, written elsewhere, longer\n');
      } finally {
        await closeAll(document);
      }
    });

    it("Overwrite: asked once, the editor is saved, GitShare has the editor's text", async () => {
      const { p, document, asked } = await conflictingSave('overwrite.txt', 'overwrite');
      try {
        assert.deepEqual(asked, ['overwrite.txt']);
        await eventually(() => !document.isDirty, 'the editor to be saved');
        assert.equal((await serverRead(p)).text, 'mine\nversion 1\n');
      } finally {
        await closeAll(document);
      }
    });

    it("Compare: GitShare's version against yours; saving from the compare view replaces that version, without asking again", async () => {
      const { p, document, asked, saved } = await conflictingSave('compare.txt', 'compare');
      try {
        assert.deepEqual(asked, ['compare.txt']);
        assert.equal(saved, false, 'not saved yet');
        assert.equal(document.isDirty, true);
        const diff = await eventually(
          () =>
            vscode.window.tabGroups.all
              .flatMap((group) => group.tabs)
              .find(
                (tab) =>
                  tab.input instanceof vscode.TabInputTextDiff &&
                  tab.input.modified.toString() === document.uri.toString(),
              ),
          'the compare editor',
        );
        const input = diff.input as vscode.TabInputTextDiff;
        assert.match(diff.label, /compare\.txt \(on GitShare\) ↔ compare\.txt \(yours\)/);
        assert.equal(
          (await vscode.workspace.openTextDocument(input.original)).getText(),
          'version 2, written elsewhere, longer\n',
          "the left side is GitShare's version",
        );
        // The compare view's editable side is the person's document.
        await eventually(
          () => vscode.window.activeTextEditor?.document.uri.toString() === document.uri.toString(),
          'the compare view to be active',
          10_000,
        );

        // Save in the compare view (its right side is the same document).
        await document.save();
        await eventually(() => !document.isDirty, 'the save from the compare view');
        assert.deepEqual(asked, ['compare.txt'], 'no second question');
        assert.equal((await serverRead(p)).text, 'mine\nversion 1\n');
      } finally {
        await closeAll(document);
      }
    });

    it('Compare, then GitShare changes again: the save from the compare view asks again instead of replacing the newer version', async () => {
      const { p, document, asked } = await conflictingSave('again.txt', 'compare');
      try {
        assert.deepEqual(asked, ['again.txt']);
        await serverWrite(p, 'version 3, even newer and longer still\n');
        api.setInteraction({
          askSaveConflict: async (file) => {
            asked.push(file);
            return 'cancel';
          },
        });
        assert.equal(await document.save(), false);
        assert.deepEqual(asked, ['again.txt', 'again.txt']);
        assert.equal((await serverRead(p)).text, 'version 3, even newer and longer still\n');
      } finally {
        await closeAll(document);
      }
    });
  });

  it("an upload whose files come in the command's arguments asks first, naming them; Cancel uploads nothing", async () => {
    const secret = path.join(tmp, 'id_example');
    await fsp.writeFile(secret, 'not for GitShare');
    const before = await control('stats', undefined, 'GET');
    const asked = await uploadByCommand(api, uri('/named-upload'), [vscode.Uri.file(secret)], false);
    assert.deepEqual(
      asked.map((q) => [q.id, q.message, q.action]),
      [['uploadNamedFiles', `Upload "id_example" to /named-upload on GitShare (${account.label})?`, 'Upload']],
    );
    assert.ok(asked[0]!.detail?.split('\n').includes(secret), 'the detail names the file by its path');
    const after = await control('stats', undefined, 'GET');
    const puts = (stats: unknown) => (stats as { requests: Record<string, number> }).requests['PUT /api/v1/files'] ?? 0;
    assert.equal(puts(after), puts(before), 'no upload reached the server');
    assert.equal((await serverRead('/named-upload/id_example')).status, 404);

    // Upload goes ahead.
    assert.equal((await uploadByCommand(api, uri('/named-upload'), [vscode.Uri.file(secret)], true)).length, 1);
    assert.equal((await serverRead('/named-upload/id_example')).text, 'not for GitShare');
  });

  it('a folder listing an entry placed elsewhere shows the rest, in the file system and the Files view alike', async () => {
    // The local server's hostile mode lists, in /hostile, an entry named like a command link whose path is elsewhere.
    await control('hostile', { on: true });
    try {
      const listed = await vscode.workspace.fs.readDirectory(uri('/hostile'));
      assert.deepEqual(listed.map(([name]) => name).sort(), ['download-me', 'good.txt']);
      await vscode.commands.executeCommand(Commands.refresh);
      assert.deepEqual((await api.filesViewLabels('hostile')).sort(), ['download-me', 'good.txt']);
    } finally {
      await control('hostile', { on: false });
    }
  });

  it('Download… refuses an answer under another name than the path picked: nothing lands as .vscode', async () => {
    // The local server's hostile mode answers the entry of /hostile/download-me under the name .vscode.
    await control('hostile', { on: true });
    const dest = path.join(tmp, 'download-renamed');
    await fsp.mkdir(dest);
    try {
      api.clearShownErrors();
      await downloadTo(api, uri('/hostile/download-me'), dest);
      assert.deepEqual(
        api.shownErrors().map((e) => e.message),
        ['Download: GitShare answered with another file or folder than the one asked for, so the answer was refused.'],
      );
      assert.deepEqual(await fsp.readdir(dest), [], 'nothing downloaded, under any name');
    } finally {
      await control('hostile', { on: false });
    }
    // The same folder, answered honestly, lands under the name picked.
    await downloadTo(api, uri('/hostile/download-me'), dest);
    assert.deepEqual(await fsp.readdir(dest), ['download-me']);
  });

  it('uploads files and a folder, then downloads them back', async () => {
    const local = path.join(tmp, 'upload');
    await fsp.mkdir(path.join(local, 'tree', 'deeper'), { recursive: true });
    await fsp.writeFile(path.join(local, 'one.txt'), 'one');
    await fsp.writeFile(path.join(local, 'tree', 'two.txt'), 'two');
    await fsp.writeFile(path.join(local, 'tree', 'deeper', 'three.txt'), 'three');
    await uploadByCommand(api, uri('/transfers'), [
      vscode.Uri.file(path.join(local, 'one.txt')),
      vscode.Uri.file(path.join(local, 'tree')),
    ]);
    assert.equal((await serverRead('/transfers/one.txt')).text, 'one');
    assert.equal((await serverRead('/transfers/tree/deeper/three.txt')).text, 'three');

    // Again: the conflict question is asked; "Keep Both for all" keeps both.
    const asked: TransferConflictQuestion[] = [];
    await uploadByCommand(api, uri('/transfers'), [vscode.Uri.file(path.join(local, 'one.txt'))], true, {
      askTransferConflict: async (question) => {
        asked.push(question);
        return { choice: 'keepBoth', applyToAll: true };
      },
    });
    assert.deepEqual(asked, [{ name: 'one.txt', where: 'gitshare', remaining: 0 }]);
    assert.equal((await serverRead('/transfers/one (1).txt')).text, 'one');

    const dest = path.join(tmp, 'download');
    await fsp.mkdir(dest);
    await downloadTo(api, uri('/transfers/tree'), dest);
    assert.equal(await fsp.readFile(path.join(dest, 'tree', 'deeper', 'three.txt'), 'utf8'), 'three');
    await downloadTo(api, uri('/transfers/one.txt'), dest);
    assert.equal(await fsp.readFile(path.join(dest, 'one.txt'), 'utf8'), 'one');

    // A local file is never replaced without asking: Skip keeps it.
    await fsp.writeFile(path.join(dest, 'one.txt'), 'local');
    const skipped: TransferConflictQuestion[] = [];
    await withAnswers(
      api,
      {
        askTransferConflict: async (question) => {
          skipped.push(question);
          return { choice: 'skip', applyToAll: true };
        },
        chooseLocal: async () => [vscode.Uri.file(dest)],
      },
      () => Promise.resolve(vscode.commands.executeCommand(Commands.download, uri('/transfers/one.txt'))),
    );
    assert.deepEqual(skipped, [{ name: 'one.txt', where: 'local', remaining: 0 }]);
    assert.equal(await fsp.readFile(path.join(dest, 'one.txt'), 'utf8'), 'local');
  });

  it('a failed download leaves no file behind, and its summary says which file failed and why', async () => {
    const dest = path.join(tmp, 'failed');
    await fsp.mkdir(dest);
    await serverWrite('/transfers/big.bin', 'x'.repeat(256 * 1024));
    await fault({ kind: 'cut', afterBytes: 1000, count: 20, match: 'GET /api/v1/files' });
    const shown: string[] = [];
    try {
      await withAnswers(
        api,
        {
          chooseLocal: async () => [vscode.Uri.file(dest)],
          notify: async (note) => {
            shown.push(`${note.severity}: ${note.message}`);
            return undefined;
          },
        },
        () => Promise.resolve(vscode.commands.executeCommand(Commands.download, uri('/transfers/big.bin'))),
      );
    } finally {
      await fetch(`${serverUrl}/__test__/faults`, { method: 'DELETE' }).catch(() => undefined);
    }
    assert.deepEqual(await fsp.readdir(dest), []);
    assert.equal(shown.length, 1, shown.join(' | '));
    assert.match(shown[0]!, /^warning: 0 downloaded, 1 failed\. big\.bin: \S/);
  });

  it('New Folder… refuses names that are not allowed in its input box, and creates nothing', async () => {
    const problems: (string | undefined)[] = [];
    await withAnswers(
      api,
      {
        input: async (question) => {
          // What the input box shows under each name the person types; it never accepts one with a problem.
          problems.push(...['..', 'a/b', 'back\\slash', 'fine'].map((name) => question.validate?.(name)));
          return undefined; // the person gives up
        },
      },
      () => Promise.resolve(vscode.commands.executeCommand(Commands.newFolder, uri('/'))),
    );
    assert.equal(problems.length, 4, 'the input box was shown once');
    assert.match(problems[0]!, /not allowed/);
    assert.match(problems[1]!, /cannot contain/);
    assert.match(problems[2]!, /cannot contain/);
    assert.equal(problems[3], undefined);
    const names = (await vscode.workspace.fs.readDirectory(uri('/'))).map(([name]) => name);
    assert.ok(!names.includes('a') && !names.includes('back\\slash') && !names.includes('fine'), names.join(', '));
  });

  it('New Folder… creates the folder named in its input box', async () => {
    await withAnswers(
      api,
      { input: async (question) => (question.id === 'newFolderName' ? 'made-by-new-folder' : undefined) },
      () => Promise.resolve(vscode.commands.executeCommand(Commands.newFolder, uri('/'))),
    );
    const response = await serverFetch('/api/v1/folders/made-by-new-folder');
    assert.equal(response.status, 200, 'the folder exists on the server');
    await response.body?.cancel();
    await vscode.workspace.fs.delete(uri('/made-by-new-folder'), { recursive: true });
  });
});
