/**
 * Folder uploads and downloads through the file dialogs and the remote picker,
 * and Cancel on a transfer's progress notification. The server's fault switch
 * holds the transfer open (it never answers) so Cancel meets a transfer in
 * flight, without a sleep. What happened is checked on both disks.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../support/wait';
import { env } from './environment';
import { onServer, serverTempFiles } from './server';
import { waitForNotification } from './pages/notifications';
import { answerFileDialog, quickPickRowNamed, runCommand, walkRemotePicker } from './pages/quickInput';
import { closeSuitePage, openSuitePage } from './pages/workbench';

/** Every file below `root` with its bytes, keyed by the path relative to root ("a/b.txt"). */
async function tree(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const relative of (await fsp.readdir(root, { recursive: true })) as string[]) {
    const full = path.join(root, relative);
    if ((await fsp.stat(full)).isFile()) {
      files[relative.split(path.sep).join('/')] = (await fsp.readFile(full)).toString('base64');
    }
  }
  return files;
}

async function addFault(fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${env().serverUrl}/__test__/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(fault),
  });
  assert.ok(response.ok, `the server took the fault (${response.status})`);
}

async function clearFaults(): Promise<void> {
  await fetch(`${env().serverUrl}/__test__/faults`, { method: 'DELETE' });
}

async function serverRequests(route: string): Promise<number> {
  const stats = (await (await fetch(`${env().serverUrl}/__test__/stats`)).json()) as {
    requests: Record<string, number>;
  };
  return stats.requests[route] ?? 0;
}

describe('Transfers: folders through the dialogs and the picker, and Cancel', () => {
  let page: Page;
  const workspace = () => env().workspaceDir;

  /** The progress notification's Cancel, once the transfer is under way; then the summary. */
  async function cancelTransfer(title: RegExp): Promise<void> {
    const toast = page.locator('.notification-toast', { hasText: title }).first();
    await toast.waitFor({ timeout: 60_000 });
    await toast.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await toast.waitFor({ state: 'detached', timeout: 30_000 });
    await waitForNotification(page, /Cancelled: 0 (uploaded|downloaded)/);
  }

  before(async () => {
    const local = path.join(workspace(), 'e2e-folder-up');
    await fsp.mkdir(path.join(local, 'sub', 'deeper'), { recursive: true });
    await fsp.writeFile(path.join(local, 'a.txt'), 'top level\n');
    await fsp.writeFile(path.join(local, 'sub', 'b.txt'), 'one down\n');
    await fsp.writeFile(path.join(local, 'sub', 'deeper', 'c.bin'), Buffer.from([0, 159, 146, 150, 255]));
    page = await openSuitePage({ signIn: true });
  });

  after(async () => {
    await clearFaults();
    await closeSuitePage(page);
  });

  it('Upload… with a folder chosen in the file dialog sends the whole tree to the folder picked on GitShare', async () => {
    const local = path.join(workspace(), 'e2e-folder-up');
    await runCommand(page, 'GitShare: Upload…');
    await answerFileDialog(page, local, 'Upload');
    await walkRemotePicker(page, ['projects'], 'Use this folder');
    await waitForNotification(page, /3 uploaded/);
    await eventually(
      () => fs.existsSync(onServer('projects/e2e-folder-up/sub/deeper/c.bin')),
      'the folder on the server',
    );
    assert.deepEqual(await tree(onServer('projects/e2e-folder-up')), await tree(local));
  });

  it('Download… of a folder chosen in the picker writes the whole tree into the folder chosen in the dialog', async () => {
    const dest = path.join(workspace(), 'e2e-folder-down');
    await fsp.mkdir(dest, { recursive: true });
    await runCommand(page, 'GitShare: Download…');
    await walkRemotePicker(page, ['projects'], 'Download this folder');
    await answerFileDialog(page, dest, 'Download Here');
    const expected = await tree(onServer('projects'));
    await waitForNotification(page, new RegExp(`(^|\\s)${Object.keys(expected).length} downloaded`));
    assert.deepEqual(await fsp.readdir(dest), ['projects']);
    assert.deepEqual(await tree(path.join(dest, 'projects')), expected);
    assert.ok(
      Object.keys(expected).includes('website/index.html') &&
        Object.keys(expected).includes('e2e-folder-up/sub/deeper/c.bin'),
    );
  });

  it('Cancel on a download in progress leaves nothing in the destination', async () => {
    const big = onServer('e2e-transfer/big.bin');
    await fsp.mkdir(path.dirname(big), { recursive: true });
    await fsp.writeFile(big, Buffer.alloc(2 * 1024 * 1024, 7));
    const dest = path.join(workspace(), 'e2e-cancel-down');
    await fsp.mkdir(dest, { recursive: true });
    const gets = await serverRequests('GET /api/v1/files');
    // The server takes the request for the file's bytes and never answers it.
    await addFault({ kind: 'stall', match: 'GET /api/v1/files', count: 1 });
    await runCommand(page, 'GitShare: Download…');
    await walkRemotePicker(page, ['e2e-transfer', 'big.bin']);
    await answerFileDialog(page, dest, 'Download Here');
    await eventually(
      async () => (await serverRequests('GET /api/v1/files')) > gets,
      'the download request at the server',
    );
    await cancelTransfer(/Downloading from GitShare/);
    assert.deepEqual(await fsp.readdir(dest), [], 'no file and no temporary file in the destination');
    await clearFaults();
  });

  it('Cancel on an upload that would overwrite a GitShare file leaves that file as it was', async () => {
    const remote = onServer('e2e-transfer/keep.bin');
    const original = Buffer.alloc(300 * 1024, 1);
    await fsp.writeFile(remote, original);
    const local = path.join(workspace(), 'e2e-cancel-up', 'keep.bin');
    await fsp.mkdir(path.dirname(local), { recursive: true });
    // Bigger than the size the extension checks for a conflict before sending.
    await fsp.writeFile(local, Buffer.alloc(2 * 1024 * 1024, 2));
    const puts = await serverRequests('PUT /api/v1/files');
    await addFault({ kind: 'stall', match: 'PUT /api/v1/files', count: 1 });
    await runCommand(page, 'GitShare: Upload…');
    await answerFileDialog(page, local, 'Upload');
    await walkRemotePicker(page, ['e2e-transfer'], 'Use this folder');
    // keep.bin is there already: GitShare asks, and the person chooses Overwrite.
    const overwrite = quickPickRowNamed(page, 'Overwrite');
    await overwrite.waitFor({ timeout: 30_000 });
    await overwrite.click();
    await eventually(
      async () => (await serverRequests('PUT /api/v1/files')) > puts,
      'the upload request at the server',
    );
    await cancelTransfer(/Uploading to GitShare/);
    assert.ok((await fsp.readFile(remote)).equals(original), 'the GitShare file is as it was');
    assert.deepEqual(serverTempFiles(), [], 'no upload temp file left on the server');
    await clearFaults();
  });
});
