/**
 * Overwrite / Skip / Keep Both in the real workbench: an upload meets a file
 * that is already on GitShare, a download meets a file already in the local
 * folder, and the person answers GitShare's question in its quick pick. What
 * each answer left is checked on the server's disk and on the local disk.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../support/wait';
import { env, openPages } from './environment';
import { onServer } from './server';
import { signInThroughUi, signOutThroughUi } from './pages/accounts';
import { waitForNotification } from './pages/notifications';
import { answerFileDialog, quickPickRowNamed, runCommand, walkRemotePicker } from './pages/quickInput';
import { openWorkbench } from './pages/workbench';

type Answer = 'Overwrite' | 'Skip' | 'Keep Both';

describe('Transfers: a file that exists already — Overwrite, Skip or Keep Both', () => {
  let page: Page;
  const remoteFolder = 'e2e-conflict';
  const localUp = () => path.join(env().workspaceDir, 'e2e-conflict-up', 'clash.txt');
  const localDown = () => path.join(env().workspaceDir, 'e2e-conflict-down');

  /** Clears the notifications, so the summary waited for next is this transfer's own. */
  async function clearAllNotifications(): Promise<void> {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await eventually(
      async () => (await page.locator('.notification-toast').count()) === 0,
      'the notifications cleared',
      10_000,
    );
  }

  /** Waits for GitShare's question about `name` and answers it with `answer`, as a person clicks it. */
  async function answerConflict(name: string, where: RegExp, answer: Answer): Promise<void> {
    const widget = page.locator('.quick-input-widget');
    // The question names the file and where it already is.
    await widget
      .getByText(new RegExp(`"${name.replace('.', '\\.')}" already exists ${where.source}`))
      .first()
      .waitFor({ timeout: 30_000 });
    const row = quickPickRowNamed(page, answer);
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await widget.waitFor({ state: 'hidden', timeout: 30_000 });
  }

  /** Palette Upload… of clash.txt into the GitShare folder e2e-conflict, answered with `answer`. */
  async function upload(answer: Answer): Promise<void> {
    await clearAllNotifications();
    await runCommand(page, 'GitShare: Upload…');
    await answerFileDialog(page, localUp(), 'Upload');
    await walkRemotePicker(page, [remoteFolder], 'Use this folder');
    await answerConflict('clash.txt', /on GitShare/, answer);
    await waitForNotification(page, answer === 'Skip' ? /0 uploaded, 1 skipped/ : /1 uploaded\./);
  }

  /** Palette Download… of e2e-conflict/down.txt into the local folder e2e-conflict-down, answered with `answer`. */
  async function download(answer: Answer): Promise<void> {
    await clearAllNotifications();
    await runCommand(page, 'GitShare: Download…');
    await walkRemotePicker(page, [remoteFolder, 'down.txt']);
    await answerFileDialog(page, localDown(), 'Download Here');
    await answerConflict('down.txt', /in the destination folder/, answer);
    await waitForNotification(page, answer === 'Skip' ? /0 downloaded, 1 skipped/ : /1 downloaded\./);
  }

  /** The names in a folder, sorted. */
  async function names(folder: string): Promise<string[]> {
    return (await fsp.readdir(folder)).sort();
  }

  before(async () => {
    await fsp.mkdir(path.dirname(onServer(`${remoteFolder}/clash.txt`)), { recursive: true });
    await fsp.writeFile(onServer(`${remoteFolder}/clash.txt`), 'the version on GitShare\n');
    await fsp.writeFile(onServer(`${remoteFolder}/down.txt`), 'downloaded from GitShare\n');
    await fsp.mkdir(path.dirname(localUp()), { recursive: true });
    await fsp.writeFile(localUp(), 'the local version\n');
    await fsp.mkdir(localDown(), { recursive: true });
    await fsp.writeFile(path.join(localDown(), 'down.txt'), 'my local copy\n');
    page = await openWorkbench();
    openPages.add(page);
    await signInThroughUi(page);
  });

  after(async () => {
    await signOutThroughUi(page).catch(() => undefined);
    openPages.delete(page);
    await page.close();
  });

  it('upload, Skip: the file on GitShare stays as it was, nothing added', async () => {
    await upload('Skip');
    assert.equal(await fsp.readFile(onServer(`${remoteFolder}/clash.txt`), 'utf8'), 'the version on GitShare\n');
    assert.deepEqual(await names(onServer(remoteFolder)), ['clash.txt', 'down.txt']);
  });

  it('upload, Keep Both: the file on GitShare stays, the upload lands beside it with a number', async () => {
    await upload('Keep Both');
    const copy = onServer(`${remoteFolder}/clash (1).txt`);
    await eventually(() => fs.existsSync(copy), '"clash (1).txt" on the server');
    assert.equal(await fsp.readFile(copy, 'utf8'), 'the local version\n');
    assert.equal(await fsp.readFile(onServer(`${remoteFolder}/clash.txt`), 'utf8'), 'the version on GitShare\n');
    assert.deepEqual(await names(onServer(remoteFolder)), ['clash (1).txt', 'clash.txt', 'down.txt']);
  });

  it('upload, Overwrite: the file on GitShare has the local bytes', async () => {
    await upload('Overwrite');
    await eventually(
      async () => (await fsp.readFile(onServer(`${remoteFolder}/clash.txt`), 'utf8')) === 'the local version\n',
      'the local bytes in clash.txt on the server',
    );
    assert.deepEqual(await names(onServer(remoteFolder)), ['clash (1).txt', 'clash.txt', 'down.txt']);
  });

  it('download, Skip: the local file stays as it was, nothing added', async () => {
    await download('Skip');
    assert.equal(await fsp.readFile(path.join(localDown(), 'down.txt'), 'utf8'), 'my local copy\n');
    assert.deepEqual(await names(localDown()), ['down.txt']);
  });

  it('download, Keep Both: the local file stays, the download lands beside it with a number', async () => {
    await download('Keep Both');
    const copy = path.join(localDown(), 'down (1).txt');
    assert.equal(await fsp.readFile(copy, 'utf8'), 'downloaded from GitShare\n');
    assert.equal(await fsp.readFile(path.join(localDown(), 'down.txt'), 'utf8'), 'my local copy\n');
    assert.deepEqual(await names(localDown()), ['down (1).txt', 'down.txt']);
  });

  it('download, Overwrite: the local file has the bytes from GitShare, no temporary file left', async () => {
    await download('Overwrite');
    assert.equal(await fsp.readFile(path.join(localDown(), 'down.txt'), 'utf8'), 'downloaded from GitShare\n');
    assert.deepEqual(await names(localDown()), ['down (1).txt', 'down.txt']);
  });
});
