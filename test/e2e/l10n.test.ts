/**
 * GitShare speaks the person's display language (issue 17). A window of its own is asked for the
 * pseudo-locale qps-ploc (code-server's --locale); VS Code starts in a language only when a language
 * pack provides it, so the person installs one (a fixture, test/fixtures/pseudo-language-pack/, that
 * leaves VS Code's own strings English) with "Extensions: Install from VSIX..." and reloads the
 * window, as they would after installing a language pack. GitShare's strings are
 * pseudo-localized the way a translator's files would ship them: package.nls.qps-ploc.json beside
 * package.json and l10n/bundle.l10n.qps-ploc.json, made by @vscode/l10n-dev from the English
 * package.nls.json and the bundle exported from the sources. A person sees GitShare's menus, its
 * welcome view, its notifications, the Check Connection report and its sign-in notification in
 * that language, and none of their English text.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { repoRoot } from '../support/paths';
import { escapeRegExp } from '../support/text';
import { eventually } from '../support/wait';
import { env, installedGitShare, openPages, type OwnWorkbench, packageFixture, startOwnWorkbench } from './environment';
import { waitForNotification } from './pages/notifications';
import { answerFileDialog, paletteCommands, runCommand } from './pages/quickInput';

type L10n = typeof import('../../scripts/l10n.mjs');

const LANGUAGE = 'qps-ploc';

describe('Languages: GitShare in the display language (pseudo-locale)', () => {
  let workbench: OwnWorkbench;
  let page: Page;
  /** package.nls.json's key → the pseudo text. */
  let nls: Record<string, string>;
  /** The English message of vscode.l10n.t → the pseudo text. */
  let bundle: Record<string, string>;

  /** The pseudo text of package.nls.json's `key`. */
  function p(key: string): string {
    const text = nls[key];
    assert.ok(text, `package.nls.json has no "${key}"`);
    return text;
  }

  /** The pseudo text of a vscode.l10n.t message, its {0}… filled in as the extension does. */
  function t(message: string, ...args: string[]): string {
    const text = bundle[message];
    assert.ok(text, `l10n/bundle.l10n.json has no ${JSON.stringify(message)}`);
    return text.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)]!);
  }

  before(async () => {
    const l10n = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'l10n.mjs')).href)) as L10n;
    workbench = await startOwnWorkbench('l10n', {
      settings: { 'gitshare.serverUrl': env().serverUrl },
      locale: LANGUAGE,
      async beforeStart(extensionsDir) {
        ({ nls, bundle } = await l10n.pseudoLocalize(installedGitShare(extensionsDir), LANGUAGE));
      },
    });
    page = await workbench.open(env().workspaceDir);
    // VS Code's language packs register themselves when the running VS Code installs them.
    const languagePack = packageFixture('pseudo-language-pack');
    await runCommand(page, 'Extensions: Install from VSIX...');
    await answerFileDialog(page, languagePack, 'Install');
    await waitForNotification(page, /Completed installing extension/);
    await page.reload();
    await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
    assert.equal(
      await page.evaluate(() => (globalThis as { _VSCODE_NLS_LANGUAGE?: string })._VSCODE_NLS_LANGUAGE),
      LANGUAGE,
      'VS Code did not start in the pseudo-locale',
    );
  });

  after(async () => {
    if (page) {
      openPages.delete(page);
    }
    await workbench?.stop();
  });

  it('the pseudo text differs from the English it stands for (else this suite would prove nothing)', () => {
    assert.notEqual(p('command.signIn'), 'Sign In');
    assert.notEqual(p('category'), 'GitShare');
  });

  it('the command palette lists GitShare’s commands in the display language', async () => {
    const wanted = `${p('category')}: ${p('command.checkConnection')}`;
    let names: string[] = [];
    // Typed as a person reading that language would; retried while the window still loads its extensions.
    await eventually(
      async () => (names = await paletteCommands(page, wanted)).includes(wanted),
      `the palette to offer ${wanted}`,
      30_000,
    ).catch(() => assert.fail(`the palette offers ${JSON.stringify(names)}, not ${wanted}`));
    assert.ok(!names.some((name) => /Check Connection/.test(name)), `English in the palette: ${JSON.stringify(names)}`);
  });

  it('the activity bar, the Files view and its title menu are in the display language', async () => {
    const container = page.locator(
      `.part.activitybar .action-item a[aria-label^="${p('viewsContainer.gitshare.title')}"]`,
    );
    await container.first().click();
    const sidebar = page.locator('.part.sidebar');
    await eventually(
      async () => (await sidebar.locator('.composite.title').innerText()).includes(p('viewsContainer.gitshare.title')),
      'the GitShare sidebar under its pseudo title',
    );
    // The view title menu's Sign In button (view/title), shown while the pointer is over the view.
    await sidebar.locator('.composite.title').hover();
    await sidebar
      .locator(`.title-actions .action-label[aria-label="${p('command.signIn')}"]`)
      .waitFor({ timeout: 30_000 });
    assert.equal(await sidebar.locator('.title-actions .action-label[aria-label="Sign In"]').count(), 0);
  });

  it('the welcome view of the signed-out Files view is in the display language', async () => {
    const welcome = page.locator('.part.sidebar .welcome-view-content');
    const [text, link] = p('viewsWelcome.files.signedOut').split('\n');
    const label = /^\[(.*)\]\(command:gitshare\.signIn\)$/.exec(link!)![1]!;
    await welcome.getByText(text!, { exact: true }).waitFor({ timeout: 30_000 });
    await welcome.getByRole('button', { name: new RegExp(`^${escapeRegExp(label)}$`) }).waitFor();
    assert.ok(!(await welcome.innerText()).includes('Sign in to browse'), 'no English in the welcome view');
  });

  it('an error notification, its action button included, is in the display language', async () => {
    // GitShare: Set Client Secret… with no client id set: the one error handler's message.
    await runCommand(page, `${p('category')}: ${p('command.setClientSecret')}`);
    const message = t(
      '{0}: {1}/what failed: why',
      t('Set client secret'),
      t('Set "{0}.{1}" in your user settings first.', 'gitshare', 'clientId'),
    );
    const toast = page.locator('.notification-toast', { hasText: message });
    await toast.waitFor({ timeout: 30_000 });
    await toast.getByRole('button', { name: t('Show Log'), exact: true }).waitFor();
    assert.ok(!/user settings first|Show Log/.test(await toast.innerText()), 'no English in the notification');
    await toast.getByRole('button', { name: t('Show Log'), exact: true }).click();
    await toast.waitFor({ state: 'hidden', timeout: 30_000 });
  });

  it('the Check Connection report, its tab and every step, is in the display language', async () => {
    // The log the previous test's Show Log opened takes half the editor area: the person waits for
    // it to show (it takes the focus, which would close a palette opened meanwhile) and closes it
    // with the panel's Hide Panel button, so the whole report fits on screen.
    const panel = page.locator('.part.panel');
    await panel.locator('.action-label[aria-label^="Hide Panel"]').first().click({ timeout: 30_000 });
    await panel.waitFor({ state: 'hidden', timeout: 30_000 });
    await runCommand(page, `${p('category')}: ${p('command.checkConnection')}`);
    // The tab's name is translated too: "GitShare Connection Check <n>.txt" in the pseudo-locale.
    const [before, after] = t('GitShare Connection Check {0}', '\u0000').split('\u0000');
    const tab = new RegExp(`${escapeRegExp(before!)}\\d+${escapeRegExp(after!)}\\.txt`);
    await page.locator('.tabs-container .tab.active', { hasText: tab }).waitFor({ timeout: 90_000 });
    const safe = t('This report contains no token, password or secret; it is safe to share.');
    const lines = page.locator('.editor-instance .view-lines', { hasText: safe }).first();
    await lines.waitFor({ timeout: 60_000 });
    const report = (await lines.innerText()).replace(/\u00a0/g, ' ');
    assert.ok(report.includes(t('GitShare connection check')), report);
    // This window is not signed in: the Session step is skipped, and says what to do, translated.
    assert.ok(report.includes(`– ${t('{0} (not checked)', t('Session'))}`), report);
    assert.ok(report.includes(t('Not signed in to this server: run "GitShare: Sign In".')), report);
    assert.ok(report.includes(`✔ ${t('Server address')}`), report);
    assert.ok(
      !/Result:|GitShare connection check|Server address|Not signed in|not checked|safe to share/.test(report),
      `English in the report:\n${report}`,
    );
    await runCommand(page, 'View: Close Editor');
    await lines.waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('the sign-in notification is in the display language', async () => {
    // The welcome view's button starts the sign-in; its progress notification says what goes on.
    const [, link] = p('viewsWelcome.files.signedOut').split('\n');
    const label = /^\[(.*)\]\(command:gitshare\.signIn\)$/.exec(link!)![1]!;
    await page
      .locator('.part.sidebar .welcome-view-content')
      .getByRole('button', { name: new RegExp(`^${escapeRegExp(label)}$`) })
      .click();
    const toast = page.locator('.notification-toast', { hasText: t('Signing in to GitShare…') });
    await toast.waitFor({ timeout: 60_000 });
    // The browser is about to open GitShare: VS Code asks first (its own, English, dialog).
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 });
    const text = await toast.innerText();
    assert.ok(!/Signing in|Continue in your browser/.test(text), `English in the sign-in notification: ${text}`);
    // The person changes their mind: Cancel in VS Code's question ends the sign-in and its notification.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await toast.waitFor({ state: 'hidden', timeout: 30_000 });
  });
});
