/**
 * Remote files inside a real VS Code (code-server's extension host), against
 * the local server the harness started with --faults (GITSHARE_TEST_SERVER_URL).
 *
 * Signs in through the product's own sign-in command, with the auth test hook
 * playing the browser. The server is checked with plain fetch and the
 * session's access token, never through the code under test.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GitShareAccount } from '../../../src/common/accounts';
import { Commands, EXTENSION_ID, FS_SCHEME, SETTINGS_SECTION, Settings } from '../../../src/common/constants';
import type { GitShareExtensionApi } from '../../../src/extension';
import { authorizeAsUser } from '../../server/browser';
import { until } from '../helpers';

const serverUrl = process.env.GITSHARE_TEST_SERVER_URL ?? '';

describe('files: the Files view, the gitshare: file system and transfers in a real VS Code', function () {
  this.timeout(120_000);
  let api: GitShareExtensionApi;
  let account: GitShareAccount;
  let tmp: string;

  const uri = (p: string) => vscode.Uri.from({ scheme: FS_SCHEME, authority: account.authority, path: p });

  async function token(): Promise<string> {
    return account.tokens.getAccessToken();
  }

  /** The server's bytes, read without the code under test. */
  async function serverRead(p: string): Promise<{ status: number; text: string }> {
    const encoded = p.split('/').map(encodeURIComponent).join('/');
    const response = await fetch(`${serverUrl}/api/v1/files${encoded}`, { headers: { authorization: `Bearer ${await token()}` } });
    return { status: response.status, text: await response.text() };
  }

  async function serverWrite(p: string, text: string): Promise<void> {
    const encoded = p.split('/').map(encodeURIComponent).join('/');
    const response = await fetch(`${serverUrl}/api/v1/files${encoded}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/octet-stream' },
      body: text,
    });
    assert.ok(response.ok, `PUT ${p}: ${response.status}`);
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
    if (!serverUrl) {
      this.skip();
    }
    api = await vscode.extensions.getExtension<GitShareExtensionApi>(EXTENSION_ID)!.activate();
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(Settings.serverUrl, serverUrl, vscode.ConfigurationTarget.Global);
    if (!api.accounts.accounts.length) {
      // "Sign In with a Code": the browser (played by authorizeAsUser) shows the code and
      // the prompt receives it. No callback URL is needed, so this works in code-server too.
      let code: Promise<string> | undefined;
      api.auth.setBrowserOpener(async (url) => {
        code = authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' });
        await code;
      });
      api.auth.setCodePrompt(async () => until(() => code, 'the browser to open').then((c) => c));
      await vscode.commands.executeCommand(Commands.signInWithCode);
      await until(() => api.accounts.accounts.length > 0, 'a signed-in account');
      api.auth.setBrowserOpener(undefined);
      api.auth.setCodePrompt(undefined);
    }
    account = api.accounts.accounts[0]!;
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-files-it-'));
  });

  after(async () => {
    api?.files.setSaveConflictAnswer(undefined);
    api?.files.setTransferConflictAnswer(undefined);
    if (tmp) {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  });

  it('the Files view shows the demo files, folders first', async () => {
    await vscode.commands.executeCommand('gitshare.files.focus');
    const top = await until(async () => {
      const labels = await api.files.treeLabels();
      return labels.includes('README.md') ? labels : undefined;
    }, 'the demo files in the tree');
    assert.deepEqual(top.slice(0, 3), ['notes', 'photos', 'projects']);
    assert.deepEqual(await api.files.treeLabels('/notes'), ['ideas.txt', 'todo.md']);
  });

  it('the gitshare: file system lists, stats and reads', async () => {
    const entries = await vscode.workspace.fs.readDirectory(uri('/'));
    assert.ok(entries.some(([name, type]) => name === 'notes' && type === vscode.FileType.Directory));
    const stat = await vscode.workspace.fs.stat(uri('/README.md'));
    assert.equal(stat.type, vscode.FileType.File);
    assert.ok(stat.size > 0 && stat.mtime > 0);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri('/README.md')));
    assert.match(text, /Welcome to GitShare/);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(uri('/no-such-file'))), (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileNotFound');
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
    api.files.setSaveConflictAnswer(async (u) => {
      asked.push(u.path);
      return 'cancel';
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
    for (let waited = 0; document.isDirty && waited < 10_000; waited += 200) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(document.isDirty, false, 'the editor is saved');
    assert.deepEqual(asked, [], 'no conflict question for an unchanged remote file');
    const remote = await serverRead('/notes/todo.md');
    assert.match(remote.text, /^Edited in VS Code\n# To do/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a save never silently overwrites a file that changed on GitShare', async () => {
    const target = uri('/notes/ideas.txt');
    await vscode.workspace.fs.readFile(target); // the version "opened"
    await serverWrite('/notes/ideas.txt', 'changed elsewhere');

    const asked: string[] = [];
    api.files.setSaveConflictAnswer(async (u) => {
      asked.push(u.path);
      return 'cancel';
    });
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.writeFile(target, new TextEncoder().encode('mine'))),
      (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileExists',
    );
    assert.deepEqual(asked, ['/notes/ideas.txt']);
    assert.equal((await serverRead('/notes/ideas.txt')).text, 'changed elsewhere');

    api.files.setSaveConflictAnswer(async () => 'overwrite');
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode('mine'));
    assert.equal((await serverRead('/notes/ideas.txt')).text, 'mine');
  });

  it('an editor save after a remote change fails and keeps the remote bytes', async () => {
    api.files.setSaveConflictAnswer(async () => 'cancel');
    const document = await vscode.workspace.openTextDocument(uri('/projects/website/style.css'));
    await serverWrite('/projects/website/style.css', 'body { color: red; }\n/* changed elsewhere, longer */\n');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(0, 0), '/* mine */\n');
    await vscode.workspace.applyEdit(edit);
    // Either VS Code's own modified-since check or our If-Match stops it.
    assert.equal(await document.save(), false);
    assert.match((await serverRead('/projects/website/style.css')).text, /changed elsewhere/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('uploads files and a folder, then downloads them back', async () => {
    const local = path.join(tmp, 'upload');
    await fsp.mkdir(path.join(local, 'tree', 'deeper'), { recursive: true });
    await fsp.writeFile(path.join(local, 'one.txt'), 'one');
    await fsp.writeFile(path.join(local, 'tree', 'two.txt'), 'two');
    await fsp.writeFile(path.join(local, 'tree', 'deeper', 'three.txt'), 'three');
    await vscode.commands.executeCommand(Commands.upload, uri('/transfers'), [
      vscode.Uri.file(path.join(local, 'one.txt')),
      vscode.Uri.file(path.join(local, 'tree')),
    ]);
    assert.equal((await serverRead('/transfers/one.txt')).text, 'one');
    assert.equal((await serverRead('/transfers/tree/deeper/three.txt')).text, 'three');

    // Again: the conflict question is asked; "Keep Both for all" keeps both.
    const asked: string[] = [];
    api.files.setTransferConflictAnswer(async (name) => {
      asked.push(name);
      return { choice: 'keepBoth', applyToAll: true };
    });
    await vscode.commands.executeCommand(Commands.upload, uri('/transfers'), [vscode.Uri.file(path.join(local, 'one.txt'))]);
    assert.deepEqual(asked, ['one.txt']);
    assert.equal((await serverRead('/transfers/one (1).txt')).text, 'one');

    const dest = path.join(tmp, 'download');
    await fsp.mkdir(dest);
    await vscode.commands.executeCommand(Commands.download, uri('/transfers/tree'), undefined, vscode.Uri.file(dest));
    assert.equal(await fsp.readFile(path.join(dest, 'tree', 'deeper', 'three.txt'), 'utf8'), 'three');
    await vscode.commands.executeCommand(Commands.download, uri('/transfers/one.txt'), undefined, vscode.Uri.file(dest));
    assert.equal(await fsp.readFile(path.join(dest, 'one.txt'), 'utf8'), 'one');

    // A local file is never replaced without asking: Skip keeps it.
    await fsp.writeFile(path.join(dest, 'one.txt'), 'local');
    api.files.setTransferConflictAnswer(async () => ({ choice: 'skip', applyToAll: true }));
    await vscode.commands.executeCommand(Commands.download, uri('/transfers/one.txt'), undefined, vscode.Uri.file(dest));
    assert.equal(await fsp.readFile(path.join(dest, 'one.txt'), 'utf8'), 'local');
    api.files.setTransferConflictAnswer(undefined);
  });

  it('a failed download leaves no file behind', async () => {
    const dest = path.join(tmp, 'failed');
    await fsp.mkdir(dest);
    await serverWrite('/transfers/big.bin', 'x'.repeat(256 * 1024));
    await fault({ kind: 'cut', afterBytes: 1000, count: 20, match: 'GET /api/v1/files' });
    try {
      await vscode.commands.executeCommand(Commands.download, uri('/transfers/big.bin'), undefined, vscode.Uri.file(dest));
    } finally {
      await fetch(`${serverUrl}/__test__/faults`, { method: 'DELETE' }).catch(() => undefined);
    }
    assert.deepEqual(await fsp.readdir(dest), []);
  });

  it('refuses names that are not allowed, and creates nothing', async () => {
    for (const name of ['..', 'a/b', 'back\\slash']) {
      await vscode.commands.executeCommand(Commands.newFolder, uri('/'), name);
    }
    const names = (await vscode.workspace.fs.readDirectory(uri('/'))).map(([name]) => name);
    assert.ok(!names.includes('a') && !names.includes('back\\slash'), names.join(', '));
  });
});
