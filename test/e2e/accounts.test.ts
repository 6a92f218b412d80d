/**
 * Several accounts at once, added the way the README says: alice from the
 * Accounts menu and bob from the palette ("GitShare: Sign In") on one GitShare
 * server, then gitshare.serverUrl changed in the Settings editor and carol
 * signed in from the Files view's Sign In button on a second server. Signed in,
 * the Accounts icon carries no badge and its menu no "Sign in with GitShare";
 * once the last account signs out, the menu offers it again. Each account gets its
 * own root in the Files view, the Accounts menu tells them apart (naming the
 * server once the accounts span servers), each account's files are saved to
 * its own server's disk, and signing one out leaves the others.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startLocalServer, type LocalServer } from '../support/localServer';
import { eventually } from '../support/wait';
import { type OwnWorkbench, startOwnWorkbench } from './environment';
import { untilGitShareUses } from './pages/connectionCheck';
import { onServer } from './server';
import {
  accountEntry,
  accountsBadge,
  completeSignIn,
  findInAccountsMenu,
  openAccountsMenu,
  signInThroughUi,
  signOutThroughUi,
} from './pages/accounts';
import { activeEditorText } from './pages/editors';
import { filesRow, filesRows, filesViewTitleAction, showFilesView } from './pages/filesView';
import { runCommand } from './pages/quickInput';
import { setUserSetting } from './pages/settings';

describe('Several accounts: two users on one server, one on another', () => {
  let folder: string;
  let serverA: LocalServer;
  let serverB: LocalServer;
  let workbench: OwnWorkbench;
  let page: Page;

  // User ids on a server's disk follow the order of its --user flags.
  const own = {
    alice: () => onServer('alice-only.txt', 1, serverA.dataDir),
    bob: () => onServer('bob-only.txt', 2, serverA.dataDir),
    carol: () => onServer('carol-only.txt', 1, serverB.dataDir),
  };
  const hostA = () => new URL(serverA.url).host;
  const hostB = () => new URL(serverB.url).host;

  /** The Accounts menu's lines, as a person reads them. */
  async function accountsMenuLines(): Promise<string[]> {
    const menu = await openAccountsMenu(page);
    const text = await menu.innerText();
    await page.keyboard.press('Escape');
    return text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  }

  /** The Accounts menu's line of `username`'s GitShare account ('' when there is none). */
  async function menuEntry(username: string): Promise<string> {
    return (await accountsMenuLines()).find((line) => accountEntry(username).test(line)) ?? '';
  }

  /**
   * What the Files view shows, top to bottom: each root (level 1) with its
   * description (the server) and the names listed under it (level 2).
   */
  async function roots(): Promise<Record<string, { server: string; names: string[] }>> {
    const rows = await filesRows(page).evaluateAll((all) =>
      all
        .map((row) => ({
          index: Number(row.getAttribute('data-index')),
          level: Number(row.getAttribute('aria-level')),
          name: row.querySelector('.label-name')?.textContent?.trim() ?? '',
          description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
        }))
        // The list reuses and repositions its rows: their order on screen is data-index, not the DOM's.
        .sort((a, b) => a.index - b.index),
    );
    const result: Record<string, { server: string; names: string[] }> = {};
    let current: { server: string; names: string[] } | undefined;
    for (const row of rows) {
      if (row.level === 1) {
        current = result[row.name] = { server: row.description, names: [] };
      } else if (row.level === 2 && current) {
        current.names.push(row.name);
      }
    }
    return result;
  }

  /** Opens `name` from the Files view, types `text` at its start and saves with Ctrl+S. */
  async function editAndSave(name: string, text: string, shows: string): Promise<void> {
    await showFilesView(page);
    await filesRow(page, name).click();
    await page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: name }).waitFor();
    // Type only into the file's own text, once it is in the editor.
    await eventually(async () => (await activeEditorText(page)).includes(shows), `${name} in the editor`);
    await page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type(text);
    await page.keyboard.press('Control+S');
    // Saved: the tab no longer shows unsaved changes.
    await page
      .locator('.editor-group-container.active .tabs-container .tab.active.dirty', { hasText: name })
      .waitFor({ state: 'detached', timeout: 30_000 });
  }

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gitshare-accounts-'));
    serverA = await startLocalServer(path.join(folder, 'server-a'), [
      '--user',
      'alice:wonderland',
      '--user',
      'bob:builder',
    ]);
    serverB = await startLocalServer(path.join(folder, 'server-b'), ['--user', 'carol:singer']);
    fs.writeFileSync(own.alice(), "alice's file\n");
    fs.writeFileSync(own.bob(), "bob's file\n");
    fs.writeFileSync(own.carol(), "carol's file\n");
    const workspace = path.join(folder, 'workspace');
    fs.mkdirSync(workspace);
    // A window of its own: its accounts and settings stay out of the shared window.
    workbench = await startOwnWorkbench('accounts', { settings: { 'gitshare.serverUrl': serverA.url } });
    page = await workbench.open(workspace);
  });

  after(async () => {
    await workbench?.stop();
    await serverA?.close();
    await serverB?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  /** Signed in: no "1" on the Accounts icon, and no sign-in request left in its menu. */
  async function noSignInRequest(): Promise<void> {
    await eventually(async () => (await accountsBadge(page)) === '', 'no badge on the Accounts icon while signed in');
    const lines = await accountsMenuLines();
    assert.ok(!lines.some((line) => /Sign in with GitShare/i.test(line)), `no sign-in request:\n${lines.join('\n')}`);
  }

  it('alice from the Accounts menu and bob from the palette, on one server: the menu lists both by name', async () => {
    await signInThroughUi(page, 'alice', 'wonderland');
    await noSignInRequest();
    // A second account on the same server: GitShare shows its sign-in page again (prompt=login),
    // although the browser is still signed in there as alice.
    await completeSignIn(page, () => runCommand(page, 'GitShare: Sign In'), 'bob', 'builder');
    const lines = await accountsMenuLines();
    const alice = lines.find((line) => accountEntry('alice').test(line)) ?? '';
    const bob = lines.find((line) => accountEntry('bob').test(line)) ?? '';
    assert.ok(alice && bob, `alice and bob are in the Accounts menu:\n${lines.join('\n')}`);
    // One server: the names alone tell them apart.
    assert.ok(!alice.includes(hostA()) && !bob.includes(hostA()), `no server named yet: ${alice} / ${bob}`);
    await noSignInRequest();
  });

  it("carol on a second server from the Files view's Sign In, after gitshare.serverUrl is changed in the Settings editor", async () => {
    // Changed in the Settings editor, as a person does; closed once the user's settings file has it
    // (it is "Modified" already, from the start-up settings, so that mark says nothing here).
    await setUserSetting(
      page,
      'gitshare.serverUrl',
      serverB.url,
      path.join(workbench.userDataDir, 'User', 'settings.json'),
    );
    // The file is written before VS Code hands the value to GitShare: sign in once it uses B.
    await untilGitShareUses(page, serverB.url);
    // Signed in already, the Accounts menu has no sign-in: another account comes from the Files view.
    await showFilesView(page);
    await completeSignIn(page, () => filesViewTitleAction(page, 'Sign In').click(), 'carol', 'singer');
    // Accounts on two servers: each entry names its server.
    await eventually(
      async () => (await menuEntry('alice')).includes(hostA()),
      "alice's entry naming her server",
      30_000,
    );
    const lines = await accountsMenuLines();
    const entry = (name: string) => lines.find((line) => accountEntry(name).test(line)) ?? '';
    assert.ok(entry('alice').includes(hostA()), `alice's entry names her server: ${entry('alice')}`);
    assert.ok(entry('bob').includes(hostA()), `bob's entry names his server: ${entry('bob')}`);
    assert.ok(entry('carol').includes(hostB()), `carol's entry names her server: ${entry('carol')}`);
    await noSignInRequest();
  });

  it("the Files view has one root per account, each listing that account's own files", async () => {
    await showFilesView(page);
    const shown = await eventually(async () => {
      const now = await roots();
      return ['alice', 'bob', 'carol'].every((name) => now[name]?.names.includes(`${name}-only.txt`)) && now;
    }, 'the three account roots, each with its own file');
    assert.deepEqual(Object.keys(shown).sort(), ['alice', 'bob', 'carol'], 'one root per account');
    for (const name of ['alice', 'bob', 'carol']) {
      const others = ['alice', 'bob', 'carol'].filter((other) => other !== name).map((other) => `${other}-only.txt`);
      assert.ok(
        !others.some((other) => shown[name]!.names.includes(other)),
        `${name}'s root lists only ${name}'s files: ${shown[name]!.names.join(', ')}`,
      );
    }
    assert.equal(shown.alice!.server, hostA());
    assert.equal(shown.bob!.server, hostA());
    assert.equal(shown.carol!.server, hostB());
  });

  it("each account's file saved in its editor goes to its own server's disk", async () => {
    await editAndSave('alice-only.txt', 'alice was here. ', "alice's file");
    await editAndSave('carol-only.txt', 'carol was here. ', "carol's file");
    await eventually(
      async () => (await fsp.readFile(own.alice(), 'utf8')) === "alice was here. alice's file\n",
      "alice's save on server A's disk",
    );
    await eventually(
      async () => (await fsp.readFile(own.carol(), 'utf8')) === "carol was here. carol's file\n",
      "carol's save on server B's disk",
    );
    assert.equal(await fsp.readFile(own.bob(), 'utf8'), "bob's file\n", "bob's file untouched");
    // Not on the other server: neither a copy of carol's file on A, nor of alice's on B.
    assert.equal(fs.existsSync(onServer('carol-only.txt', 1, serverA.dataDir)), false, "carol's file not on A");
    assert.equal(fs.existsSync(onServer('alice-only.txt', 1, serverB.dataDir)), false, "alice's file not on B");
    await runCommand(page, 'View: Close All Editors');
  });

  it('signing bob out leaves alice and carol signed in, in the Accounts menu and in the Files view', async () => {
    await signOutThroughUi(page, 'bob');
    const lines = await accountsMenuLines();
    assert.ok(
      lines.some((line) => accountEntry('alice').test(line)),
      `alice is still in the menu:\n${lines.join('\n')}`,
    );
    assert.ok(
      lines.some((line) => accountEntry('carol').test(line)),
      `carol is still in the menu:\n${lines.join('\n')}`,
    );
    assert.ok(!lines.some((line) => accountEntry('bob').test(line)), `bob is gone from the menu:\n${lines.join('\n')}`);
    await showFilesView(page);
    const shown = await eventually(async () => {
      const now = await roots();
      return Object.keys(now).sort().join() === 'alice,carol' && now;
    }, 'the Files view with alice and carol only');
    assert.ok(shown.alice!.names.includes('alice-only.txt'), `alice's files still listed: ${shown.alice!.names}`);
    assert.ok(shown.carol!.names.includes('carol-only.txt'), `carol's files still listed: ${shown.carol!.names}`);
  });

  it('signing alice out leaves carol in the Accounts menu, her entry no longer naming her server', async () => {
    await signOutThroughUi(page, 'alice');
    await eventually(
      async () => /^carol\s*\(GitShare\)$/.test(await menuEntry('carol')),
      "carol's entry without her server",
      30_000,
    );
    await noSignInRequest();
  });

  it('signing carol out too: the Accounts menu offers "Sign in with GitShare" again', async () => {
    await signOutThroughUi(page, 'carol');
    await findInAccountsMenu(page, /Sign in with GitShare/i, 10_000);
    await page.keyboard.press('Escape');
  });
});
