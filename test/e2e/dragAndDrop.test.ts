/**
 * Drag and drop in the Files view: files dropped from the operating system onto
 * a folder are uploaded into it; files named by a drop from outside the open
 * workspace (a web page can drag any `file:` URI) are uploaded only after a
 * question; items dragged within the view are moved. The result is checked on
 * the server's disk and in the view.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../support/wait';
import { env } from './environment';
import { onServer, seedOnServer } from './server';
import { answerDialog } from './pages/dialogs';
import { expandFolder, filesRow } from './pages/filesView';
import { closeSuitePage, openSuitePage } from './pages/workbench';

const HOME = 'e2e-dnd';

describe('Files view drag and drop', () => {
  let page: Page;
  const row = (label: string) => filesRow(page, label);

  before(async () => {
    seedOnServer(`${HOME}/move-me.txt`, 'moving bytes\n');
    seedOnServer(`${HOME}/into/already.txt`, 'already here\n');
    seedOnServer(`${HOME}/drop-here/.keep`, '');
    page = await openSuitePage({ signIn: true, expand: [HOME, 'move-me.txt'] });
  });

  after(async () => {
    await closeSuitePage(page);
  });

  it('files dropped from the operating system onto a folder are uploaded into it', async () => {
    const target = row('drop-here');
    // What the browser hands a page when files are dropped from the desktop: a DataTransfer with File objects.
    const dataTransfer = await page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['dropped from the desktop\\n'], 'from-desktop.txt', { type: 'text/plain' }));
      transfer.items.add(new File([new Uint8Array([0, 1, 2, 254, 255])], 'binary.bin', { type: 'application/octet-stream' }));
      return transfer;
    })()`);
    await target.dispatchEvent('dragenter', { dataTransfer });
    await target.dispatchEvent('dragover', { dataTransfer });
    await target.dispatchEvent('drop', { dataTransfer });
    await eventually(
      () =>
        fs.existsSync(onServer(`${HOME}/drop-here/from-desktop.txt`)) &&
        fs.existsSync(onServer(`${HOME}/drop-here/binary.bin`)),
      'the dropped files on the server',
    );
    assert.equal(
      await fsp.readFile(onServer(`${HOME}/drop-here/from-desktop.txt`), 'utf8'),
      'dropped from the desktop\n',
    );
    assert.deepEqual([...(await fsp.readFile(onServer(`${HOME}/drop-here/binary.bin`)))], [0, 1, 2, 254, 255]);
    await expandFolder(page, 'drop-here', 'from-desktop.txt');
    await row('binary.bin').waitFor();
  });

  it('files named by a drop from outside the workspace are uploaded only after a modal; Cancel uploads nothing', async () => {
    // Files of this computer outside the open workspace, as a web page could name them in a drag.
    const outside = path.join(path.dirname(env().workspaceDir), 'e2e-dnd-outside');
    await fsp.mkdir(outside, { recursive: true });
    await fsp.writeFile(path.join(outside, 'cancelled.txt'), 'never sent\n');
    await fsp.writeFile(path.join(outside, 'accepted.txt'), 'sent after the question\n');
    const target = row('drop-here');
    const dropUriList = async (file: string) => {
      // In code-server the extension host's files are vscode-remote: URIs in the browser (the
      // Explorer drags those); VS Code hands them to the extension as file: URIs.
      const uri =
        `vscode-remote://${new URL(env().vscodeUrl).host}` +
        path.join(outside, file).split(path.sep).map(encodeURIComponent).join('/');
      const dataTransfer = await page.evaluateHandle(`(() => {
        const transfer = new DataTransfer();
        transfer.setData('text/uri-list', ${JSON.stringify(uri)});
        return transfer;
      })()`);
      await target.dispatchEvent('dragenter', { dataTransfer });
      await target.dispatchEvent('dragover', { dataTransfer });
      await target.dispatchEvent('drop', { dataTransfer });
    };

    await dropUriList('cancelled.txt');
    const asked = await answerDialog(
      page,
      /Upload "cancelled\.txt" to \/e2e-dnd\/drop-here on GitShare \(demo\)\?/,
      'Cancel',
    );
    assert.ok(asked.includes(path.join(outside, 'cancelled.txt')), `the dialog names the file with its path: ${asked}`);
    assert.match(asked, /dropped from outside the open workspace/, asked);

    // The next drop is handled after the cancelled one: once its file is there, the first had its chance.
    await dropUriList('accepted.txt');
    await answerDialog(page, /Upload "accepted\.txt" to \/e2e-dnd\/drop-here on GitShare \(demo\)\?/, 'Upload');
    await eventually(() => fs.existsSync(onServer(`${HOME}/drop-here/accepted.txt`)), 'accepted.txt on the server');
    assert.equal(await fsp.readFile(onServer(`${HOME}/drop-here/accepted.txt`), 'utf8'), 'sent after the question\n');
    assert.equal(fs.existsSync(onServer(`${HOME}/drop-here/cancelled.txt`)), false, 'Cancel uploaded nothing');
    // The view shows the uploaded file (its row moves the rows below it down).
    await row('accepted.txt').waitFor();
    assert.equal(await row('cancelled.txt').count(), 0, 'the view shows no cancelled.txt');
  });

  it('an item dragged onto another folder in the view is moved there', async () => {
    // Press on the file, move onto the folder until the view marks it as the drop target, release.
    // The press must land on move-me.txt: the row under the pointer is the one hovered.
    const source = row('move-me.txt');
    await eventually(async () => {
      const from = (await source.boundingBox())!;
      const [x, y] = [from.x + from.width / 3, from.y + from.height / 2];
      await page.mouse.move(x, y);
      // The row under the pointer (test code runs in Node: the page's document is reached untyped).
      return source.evaluate(
        (element, [px, py]) =>
          element.contains(
            (
              globalThis as unknown as { document: { elementFromPoint(x: number, y: number): unknown } }
            ).document.elementFromPoint(px, py) as typeof element,
          ),
        [x, y] as const,
      );
    }, 'the pointer on move-me.txt');
    await page.mouse.down();
    const target = row('into');
    await eventually(
      async () => {
        const to = (await target.boundingBox())!;
        await page.mouse.move(to.x + to.width / 3, to.y + to.height / 2, { steps: 5 });
        return /\bdrop-target\b/.test((await target.getAttribute('class')) ?? '');
      },
      'the into folder marked as the drop target',
      15_000,
    );
    await page.mouse.up();
    await eventually(() => fs.existsSync(onServer(`${HOME}/into/move-me.txt`)), 'move-me.txt in into/ on the server');
    assert.equal(await fsp.readFile(onServer(`${HOME}/into/move-me.txt`), 'utf8'), 'moving bytes\n');
    assert.equal(fs.existsSync(onServer(`${HOME}/move-me.txt`)), false, 'gone from where it was');
    assert.equal(
      await fsp.readFile(onServer(`${HOME}/into/already.txt`), 'utf8'),
      'already here\n',
      'the folder kept what it had',
    );
    await expandFolder(page, 'into', 'move-me.txt');
    // Exactly one row for the file: it left its old place in the view.
    await eventually(
      async () => (await page.locator('.part.sidebar .monaco-list-row', { hasText: 'move-me.txt' }).count()) === 1,
      'one move-me.txt row',
    );
  });
});
