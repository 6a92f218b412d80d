/**
 * Signed out, as a new user first sees GitShare: the welcome view's text and
 * button, and which GitShare commands the command palette offers. The button
 * starts a real sign-in; signed in, the palette offers the file commands.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually } from '../support/wait';
import { openPages } from './environment';
import { completeSignIn, ensureSignedOut, signOutThroughUi } from './pages/accounts';
import { filesRow, showFilesView } from './pages/filesView';
import { paletteCommands, runCommand } from './pages/quickInput';
import { openWorkbench } from './pages/workbench';

/** Commands that need an account: the palette must not offer them while signed out. */
const NEEDS_ACCOUNT = [
  'GitShare: Upload…',
  'GitShare: Download…',
  'GitShare: Refresh',
  'GitShare: New Folder…',
  'GitShare: Add Folder to Workspace…',
];
/** Commands of the Files view's items: never in the palette (they need an item). */
const ITEM_ONLY = [
  'Rename…',
  'Delete',
  'Copy Path',
  'New File…',
  'Upload Here…',
  'Upload to GitShare…',
  'Open',
  'Load More',
].map((t) => `GitShare: ${t}`);

describe('Signed out: the welcome view and the palette', () => {
  let page: Page;
  const welcome = () => page.locator('.part.sidebar .welcome-view-content');

  before(async () => {
    page = await openWorkbench();
    openPages.add(page);
    await ensureSignedOut(page);
  });

  after(async () => {
    await ensureSignedOut(page).catch(() => undefined);
    openPages.delete(page);
    await page.close();
  });

  it('the Files view says what to do and offers a Sign in to GitShare button', async () => {
    await showFilesView(page);
    await welcome().waitFor({ timeout: 60_000 });
    assert.match(await welcome().innerText(), /^Sign in to browse, edit, upload and download your GitShare files\./);
    const button = welcome().locator('.monaco-button', { hasText: /^Sign in to GitShare$/ });
    assert.equal(await button.count(), 1);
  });

  it('the palette offers signing in, never the commands that need an account or an item', async () => {
    const offered = await paletteCommands(page, 'GitShare:');
    for (const title of ['GitShare: Sign In', 'GitShare: Sign In with a Code', 'GitShare: Show Log']) {
      assert.ok(offered.includes(title), `${title} is offered (${offered.join(' | ')})`);
    }
    for (const title of [...NEEDS_ACCOUNT, ...ITEM_ONLY]) {
      assert.ok(!offered.includes(title), `${title} is not offered while signed out (${offered.join(' | ')})`);
    }
  });

  it('GitShare: Show Log opens the GitShare log in the Output panel', async () => {
    await runCommand(page, 'GitShare: Show Log');
    const output = page.locator('.part.panel');
    await output.waitFor({ timeout: 30_000 });
    // The Output panel shows the GitShare channel, which starts with the activation line.
    const text = async () => (await output.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
    await eventually(async () => /\[info\] GitShare [\d.]+ activated/.test(await text()), 'the GitShare log');
  });

  it('the button signs in; then the view lists the files and the palette offers the file commands', async () => {
    const button = welcome().locator('.monaco-button', { hasText: /^Sign in to GitShare$/ });
    await completeSignIn(page, () => button.click());
    await filesRow(page, 'README.md').waitFor({ timeout: 60_000 });
    assert.equal(await welcome().isVisible(), false, 'no welcome text once signed in');
    const offered = await paletteCommands(page, 'GitShare:');
    for (const title of NEEDS_ACCOUNT) {
      assert.ok(offered.includes(title), `${title} is offered when signed in (${offered.join(' | ')})`);
    }
    for (const title of ITEM_ONLY) {
      assert.ok(!offered.includes(title), `${title} stays out of the palette (${offered.join(' | ')})`);
    }
    await signOutThroughUi(page);
    await welcome().waitFor({ timeout: 30_000 });
  });
});
