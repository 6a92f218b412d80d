/**
 * The Files view's context menu, used as a person uses it: right-click, the
 * menu item, the input box or the confirmation. What happened is checked where
 * a person would look: the files on the server's disk, the rows of the view,
 * the editor, the clipboard.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../support/wait';
import { env } from './environment';
import { onServer, seedOnServer } from './server';
import { collapseFilesView, expandFolder, filesRow } from './pages/filesView';
import { closeMenus, contextMenu } from './pages/menus';
import { waitForNotification } from './pages/notifications';
import { answerFileDialog, answerInputBox, quickInput } from './pages/quickInput';
import { closeSuitePage, openSuitePage } from './pages/workbench';

/** The folder this suite works in, seeded on the server's disk before sign-in. */
const HOME = 'e2e-actions';
/** A folder bigger than one page of the view (1,000 entries). */
const MANY = 'e2e-many';
const MANY_COUNT = 1030;

describe('Files view context menu: Rename…, Delete, New File…, New Folder…, Copy Path, Refresh, Download…, Load more…, Upload Here…', () => {
  let page: Page;
  const row = (label: string) => filesRow(page, label);
  const dialog = () => page.locator('.monaco-dialog-box');

  before(async () => {
    seedOnServer(`${HOME}/draft.txt`, 'draft bytes\n');
    seedOnServer(`${HOME}/old.txt`, 'old bytes\n');
    seedOnServer(`${HOME}/one.txt`, 'one\n');
    seedOnServer(`${HOME}/two.txt`, 'two\n');
    seedOnServer(`${HOME}/full/inner/deep.txt`, 'deep\n');
    for (let i = 0; i < MANY_COUNT; i++) {
      seedOnServer(`${MANY}/item-${String(i).padStart(4, '0')}.txt`, `${i}\n`);
    }
    page = await openSuitePage({ signIn: true, expand: [HOME, 'draft.txt'] });
    // For Copy Path, which reads the clipboard back.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env().vscodeUrl });
  });

  after(async () => {
    await closeSuitePage(page);
  });

  it('Rename… renames a file on GitShare, and the view shows the new name', async () => {
    await contextMenu(page, row('draft.txt'), 'Rename…');
    // The box offers the old name.
    await eventually(
      async () => (await page.locator('.quick-input-widget input.input').first().inputValue()) === 'draft.txt',
      'the old name in the box',
    );
    await answerInputBox(page, 'final.txt');
    await eventually(() => fs.existsSync(onServer(`${HOME}/final.txt`)), 'final.txt on the server');
    assert.equal(await fsp.readFile(onServer(`${HOME}/final.txt`), 'utf8'), 'draft bytes\n');
    assert.equal(fs.existsSync(onServer(`${HOME}/draft.txt`)), false, 'draft.txt is gone from the server');
    await row('final.txt').waitFor();
    await row('draft.txt').waitFor({ state: 'detached' });
  });

  it('Delete asks first: Cancel keeps the file, Delete removes it from GitShare and the view', async () => {
    await contextMenu(page, row('old.txt'), 'Delete');
    await dialog().waitFor();
    assert.match(await dialog().innerText(), /Delete "old\.txt" from GitShare\?[\s\S]*This cannot be undone\./);
    await dialog()
      .locator('.monaco-button', { hasText: /^Cancel$/ })
      .click();
    await dialog().waitFor({ state: 'detached' });
    assert.equal(await fsp.readFile(onServer(`${HOME}/old.txt`), 'utf8'), 'old bytes\n', 'Cancel left the file');

    await contextMenu(page, row('old.txt'), 'Delete');
    await dialog()
      .locator('.monaco-button', { hasText: /^Delete$/ })
      .click();
    await eventually(() => !fs.existsSync(onServer(`${HOME}/old.txt`)), 'old.txt gone from the server');
    await row('old.txt').waitFor({ state: 'detached' });
  });

  it('Delete of several selected items, one a folder with contents, asks once and removes them all', async () => {
    await expandFolder(page, 'full', 'inner');
    await row('one.txt').click();
    await row('two.txt').click({ modifiers: ['Control'] });
    await row('full').click({ modifiers: ['Control'] });
    await eventually(
      async () => (await page.locator('.part.sidebar .monaco-list-row[aria-selected="true"]').count()) === 3,
      'three selected rows',
    );
    await contextMenu(page, row('two.txt'), 'Delete');
    await dialog().waitFor();
    const text = await dialog().innerText();
    assert.match(text, /Delete 3 items from GitShare\?/);
    assert.match(text, /Folders are deleted with everything in them\./);
    await dialog()
      .locator('.monaco-button', { hasText: /^Delete$/ })
      .click();
    await eventually(
      () => !['one.txt', 'two.txt', 'full'].some((name) => fs.existsSync(onServer(`${HOME}/${name}`))),
      'one.txt, two.txt and full/ gone from the server',
    );
    for (const name of ['one.txt', 'two.txt', 'full', 'deep.txt']) {
      await row(name).waitFor({ state: 'detached' });
    }
    assert.ok(fs.existsSync(onServer(`${HOME}/final.txt`)), 'the item not selected is still there');
  });

  it('New Folder… on a folder creates it there on GitShare and shows it', async () => {
    await contextMenu(page, row(HOME), 'New Folder…');
    await answerInputBox(page, 'made-here', /New folder name/);
    await eventually(() => fs.existsSync(onServer(`${HOME}/made-here`)), 'made-here/ on the server');
    assert.ok(fs.statSync(onServer(`${HOME}/made-here`)).isDirectory());
    await row('made-here').waitFor();
  });

  it('New File… on a folder creates the file, opens it, and a save sends what was typed', async () => {
    await contextMenu(page, row(HOME), 'New File…');
    await answerInputBox(page, 'fresh.md', /New file name/);
    await eventually(() => fs.existsSync(onServer(`${HOME}/fresh.md`)), 'fresh.md on the server');
    assert.equal(fs.statSync(onServer(`${HOME}/fresh.md`)).size, 0, 'a new file is empty');
    await page.locator('.tabs-container .tab', { hasText: 'fresh.md' }).waitFor();
    await row('fresh.md').waitFor();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.click();
    await page.keyboard.type('typed into a new GitShare file');
    await page.keyboard.press('Control+S');
    await eventually(
      async () => (await fsp.readFile(onServer(`${HOME}/fresh.md`), 'utf8')) === 'typed into a new GitShare file',
      'the typed text on the server',
    );
  });

  it("Copy Path puts the file's GitShare path on the clipboard", async () => {
    await page.evaluate("navigator.clipboard.writeText('nothing copied yet')");
    await contextMenu(page, row('final.txt'), 'Copy Path');
    const copied = await eventually(async () => {
      const text = await page.evaluate<string>('navigator.clipboard.readText()');
      return text !== 'nothing copied yet' && text;
    }, 'the clipboard to change');
    assert.equal(copied, `/${HOME}/final.txt`);
  });

  it('Refresh in the title bar shows a file that appeared on GitShare meanwhile', async () => {
    seedOnServer(`${HOME}/appeared.txt`, 'from elsewhere\n');
    assert.equal(await row('appeared.txt').count(), 0, 'not shown before Refresh');
    await page.locator('.part.sidebar .composite.title').hover();
    await page.locator('.part.sidebar .title-actions .action-label[aria-label^="Refresh"]').first().click();
    await row('appeared.txt').waitFor({ timeout: 30_000 });
  });

  it('Download… on several selected files writes each into the folder chosen in the dialog', async () => {
    const dest = path.join(env().workspaceDir, 'e2e-multi-down');
    await fsp.mkdir(dest, { recursive: true });
    await row('final.txt').click();
    // The click opens the file; a person sees it open before going on (its read can make the view
    // look again, which closes a context menu opened meanwhile).
    await page
      .locator('.editor-group-container.active .tabs-container .tab.active', { hasText: 'final.txt' })
      .waitFor();
    await row('appeared.txt').click({ modifiers: ['Control'] });
    await eventually(
      async () => (await page.locator('.part.sidebar .monaco-list-row[aria-selected="true"]').count()) === 2,
      'two selected rows',
    );
    // If the menu vanished before Download… took (the view refreshed under it), the person opens it
    // again; the two rows stay selected.
    await eventually(
      async () => {
        await contextMenu(page, row('appeared.txt'), 'Download…');
        return quickInput(page)
          .waitFor({ state: 'visible', timeout: 15_000 })
          .then(
            () => true,
            () => false,
          );
      },
      'the Download… folder dialog',
      120_000,
    );
    await answerFileDialog(page, dest, 'Download Here');
    await waitForNotification(page, /2 downloaded/);
    assert.deepEqual((await fsp.readdir(dest)).sort(), ['appeared.txt', 'final.txt']);
    assert.equal(
      await fsp.readFile(path.join(dest, 'final.txt'), 'utf8'),
      await fsp.readFile(onServer(`${HOME}/final.txt`), 'utf8'),
    );
    assert.equal(await fsp.readFile(path.join(dest, 'appeared.txt'), 'utf8'), 'from elsewhere\n');
  });

  it('Load more… in a folder bigger than a page shows the rest', async () => {
    await expandFolder(page, MANY, 'item-0000.txt');
    const more = row('Load more…');
    // Put the keyboard focus on the folder's first file without opening it (a right-click, then
    // Escape), then page down through the list, as a keyboard user does, until Load more… shows.
    await row('item-0000.txt').click({ button: 'right' });
    await page.locator('.context-view .monaco-menu').first().waitFor();
    await closeMenus(page);
    await eventually(
      async () => (await more.isVisible()) || (await page.keyboard.press('PageDown'), false),
      'the Load more… row',
      90_000,
    );
    await row('item-0999.txt').waitFor({ state: 'attached' });
    assert.equal(await row('item-1000.txt').count(), 0, 'the first page ends at 1,000 entries');
    await more.click();
    const last = row(`item-${MANY_COUNT - 1}.txt`);
    await eventually(
      async () => (await last.isVisible()) || (await page.keyboard.press('PageDown'), false),
      `item-${MANY_COUNT - 1}.txt in the view`,
      90_000,
    );
    await row('item-1000.txt').waitFor({ state: 'attached' });
    assert.equal(await row('Load more…').count(), 0, 'nothing more to load');
  });

  it('Upload Here… on a folder uploads the chosen file into it', async () => {
    const local = path.join(env().workspaceDir, 'upload-here.txt');
    await fsp.writeFile(local, 'uploaded with Upload Here…\n');
    // Back to the top: Collapse All in the view's title bar, as a person tidies up after a long folder.
    await collapseFilesView(page);
    await row(HOME).waitFor();
    await contextMenu(page, row(HOME), 'Upload Here…');
    await answerFileDialog(page, local, 'Upload');
    await waitForNotification(page, /1 uploaded/);
    await eventually(() => fs.existsSync(onServer(`${HOME}/upload-here.txt`)), 'upload-here.txt on the server');
    assert.equal(await fsp.readFile(onServer(`${HOME}/upload-here.txt`), 'utf8'), 'uploaded with Upload Here…\n');
    await expandFolder(page, HOME, 'upload-here.txt');
  });
});
