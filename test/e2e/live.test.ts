/**
 * Editors and the Files view follow GitShare (issue 15), in the real
 * workbench: a colleague changes files through the API behind VS Code's back,
 * and the test checks what a person sees.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { GitShareClient } from '../../src/api/client';
import { eventually } from '../support/wait';
import { openPages } from './environment';
import { colleague, serverRequests } from './server';
import { signInThroughUi, signOutThroughUi } from './pages/accounts';
import { activeEditorText } from './pages/editors';
import { runCommand } from './pages/quickInput';
import { setUserSetting, turnOffAutoSave } from './pages/settings';
import { leaveWindow, openWorkbench } from './pages/workbench';

describe('Live: editors and the Files view follow GitShare; Go to File', () => {
  let page: Page;
  let other: GitShareClient;
  const tree = () => page.locator('.part.sidebar .monaco-list-row');
  const row = (label: string) =>
    tree()
      .filter({ hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) })
      .first();
  const activeTab = () => page.locator('.editor-group-container.active .tabs-container .tab.active');

  before(async () => {
    page = await openWorkbench();
    openPages.add(page);
    other = await colleague();
    await other.writeFile('/live/follow.txt', Buffer.from('First version.\n'), undefined);
    await other.writeFile(
      '/archive/2025/quarter/quarterly-needle-report.md',
      Buffer.from('# Needle report\n\nThree levels deep.\n'),
      undefined,
    );
    await signInThroughUi(page);
    // The default is 10 seconds; the test's user settings make it 1 so the test is quick.
    await setUserSetting(page, 'gitshare.watch.interval', '1');
  });

  after(async () => {
    await runCommand(page, 'View: Close All Editors').catch(() => undefined);
    await signOutThroughUi(page).catch(() => undefined);
    openPages.delete(page);
    await page.close();
  });

  it('a clean editor shows a change made on GitShare within the interval', async () => {
    await page.locator('.part.activitybar .action-item a[aria-label^="GitShare"]').first().click();
    await row('live').click();
    await row('follow.txt').click();
    await eventually(
      async () => (await activeEditorText(page)).includes('First version.'),
      'follow.txt open in an editor',
    );

    await other.writeFile('/live/follow.txt', Buffer.from('Second version, from a colleague.\n'), undefined);
    // Interval 1 s: a few seconds allow for this machine's load.
    await eventually(
      async () => (await activeEditorText(page)).includes('Second version, from a colleague.'),
      'the new text in the editor',
      15_000,
    );
    assert.equal(await activeTab().evaluate((tab) => tab.classList.contains('dirty')), false, 'the editor is clean');
  });

  it('a dirty editor keeps its edits; saving asks the one conflict question, Compare shows both; nothing is lost', async () => {
    // VS Code for the Web saves after a delay by default; a desktop user's editor stays dirty until saved.
    await turnOffAutoSave(page);
    await page.locator('.editor-group-container.active .editor-instance .monaco-editor').first().waitFor();
    await page.locator('.editor-group-container.active .editor-instance .monaco-editor').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('My own edit.');
    await eventually(
      async () => activeTab().evaluate((tab) => tab.classList.contains('dirty')),
      'the tab to show unsaved changes',
      10_000,
    );

    const checksBefore = await serverRequests('GET /api/v1/metadata');
    await other.writeFile('/live/follow.txt', Buffer.from('Third version, from a colleague.\n'), undefined);
    // Two more checks: at least one full round after the change.
    await eventually(
      async () => (await serverRequests('GET /api/v1/metadata')) >= checksBefore + 2,
      'two checks after the change',
      15_000,
    );
    const shown = await activeEditorText(page);
    assert.ok(shown.includes('My own edit.'), `the edit is still there: ${shown}`);
    assert.ok(!shown.includes('Third version'), 'a dirty editor is not reloaded under the person');

    await page.keyboard.press('Control+S');
    // One question, GitShare's: Compare, Overwrite or Cancel (VS Code's own "newer" check stays quiet).
    const question = page.locator('.monaco-dialog-box', { hasText: /changed on GitShare since you opened it/ }).first();
    await question.waitFor({ timeout: 30_000 });
    const { data } = await other.readFile('/live/follow.txt');
    assert.equal(
      Buffer.from(data).toString(),
      'Third version, from a colleague.\n',
      'the colleague’s version is not overwritten',
    );

    await question.locator('.monaco-button', { hasText: /^Compare$/ }).click();
    const diff = page.locator('.editor-group-container.active .monaco-diff-editor').first();
    await diff.waitFor({ timeout: 30_000 });
    await eventually(
      async () => {
        const text = (await diff.innerText()).replace(/\u00a0/g, ' ');
        return text.includes('Third version, from a colleague.') && text.includes('My own edit.');
      },
      'the comparison of both versions',
      15_000,
    );

    // Leave the window clean for the next test: the person decides to keep the colleague's version.
    await runCommand(page, 'View: Close All Editors');
    const dontSave = page.locator('.monaco-dialog-box .monaco-button', { hasText: /Don't Save/ });
    await dontSave
      .waitFor({ timeout: 10_000 })
      .then(() => dontSave.click())
      .catch(() => undefined);
  });

  it('a file added on GitShare appears in an expanded folder when the window gets focus back; selection and expansion stay', async () => {
    // An hour: only the return of focus can bring the new file in within this test.
    await setUserSetting(page, 'gitshare.watch.interval', '3600');
    await row('follow.txt').click();
    await eventually(
      async () => (await row('follow.txt').getAttribute('aria-selected')) === 'true',
      'follow.txt selected',
      10_000,
    );
    const listingsBefore = await serverRequests('GET /api/v1/folders');

    const away = await leaveWindow(page);
    await other.writeFile('/live/added-while-away.txt', Buffer.from('Added by a colleague.\n'), undefined);
    assert.equal(await row('added-while-away.txt').count(), 0, 'not shown while the person is away');
    await away.back();

    await row('added-while-away.txt').waitFor({ timeout: 20_000 });
    assert.ok((await serverRequests('GET /api/v1/folders')) > listingsBefore, 'the view listed again');
    assert.equal(await row('live').getAttribute('aria-expanded'), 'true', 'the folder stays expanded');
    assert.equal(await row('follow.txt').getAttribute('aria-selected'), 'true', 'the selection stays');
  });

  it('Go to File… finds a file three levels deep by a part of its name and opens it', async () => {
    await runCommand(page, 'GitShare: Go to File…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('needle-rep');
    // The first time, the account is indexed while the picker is open; the match appears when found.
    const match = page.getByRole('option', { name: /quarterly-needle-report\.md/ }).first();
    await match.waitFor({ timeout: 30_000 });
    assert.match(
      (await match.getAttribute('aria-label')) ?? '',
      /\/archive\/2025\/quarter/,
      'the folder is shown beside the name',
    );
    await page.keyboard.press('Enter');
    await eventually(
      async () => (await activeEditorText(page)).includes('Three levels deep.'),
      'the file open in an editor',
    );
  });

  it('Reveal in GitShare View selects the active editor’s file in the Files view, its folders expanded', async () => {
    await runCommand(page, 'GitShare: Reveal in GitShare View');
    const revealed = row('quarterly-needle-report.md');
    await revealed.waitFor({ timeout: 30_000 });
    await eventually(
      async () => (await revealed.getAttribute('aria-selected')) === 'true',
      'the file selected in the view',
      10_000,
    );
    for (const folder of ['archive', '2025', 'quarter']) {
      assert.equal(await row(folder).getAttribute('aria-expanded'), 'true', `${folder} expanded`);
    }
  });
});
