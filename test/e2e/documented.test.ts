/**
 * A person with only what GitShare's own page describes: a server without
 * discovery, self-registration or revocation (`--seed-only`), an application
 * they registered by hand without a callback URL. Driven through the real
 * workbench: the Settings editor, the Accounts menu, the walk-through's
 * quick pick and input boxes, the browser tab that shows the code, the Files
 * view, Sign Out. Then a server with discovery but no registration, with a
 * mistyped secret first.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { SEED_ONLY, startServer, type RunningServer } from '../server/index';
import { eventually } from '../support/wait';
import { env, openPages, screenshot } from './environment';
import { findInAccountsMenu, signOutThroughUi, waitForAccount } from './pages/accounts';
import { untilGitShareUses } from './pages/connectionCheck';
import { runCommand } from './pages/quickInput';
import { setUserSetting } from './pages/settings';
import { codeFromBrowser } from './pages/signInTab';
import { openWorkbench } from './pages/workbench';

const CLIENT = { clientId: 'my-vscode', clientSecret: 'typed-from-gitshare-0123456789' };
/** An application the person's team registered, its id given in the settings. */
const TEAM_CLIENT = { clientId: 'team-app', clientSecret: 'team-secret-from-gitshare-9876543210' };

describe('Sign in to the GitShare its page documents (an application registered by hand)', () => {
  let page: Page;
  let seedOnly: RunningServer;
  let noRegistration: RunningServer;
  let teamServer: RunningServer;

  before(async () => {
    // 127.0.0.2: the workbench opens it as it is (see vscode-testing.md); ports are free ones.
    seedOnly = await startServer({ host: '127.0.0.2', faults: true, extras: SEED_ONLY, clients: [CLIENT] });
    noRegistration = await startServer({
      host: '127.0.0.2',
      faults: true,
      extras: { registration: false },
      clients: [CLIENT],
    });
    teamServer = await startServer({ host: '127.0.0.2', faults: true, extras: SEED_ONLY, clients: [TEAM_CLIENT] });
    page = await openWorkbench();
    openPages.add(page);
  });

  after(async () => {
    try {
      // The suites after this one sign in at once: back to their server, in the extension too.
      await setUserSetting(page, 'gitshare.clientId', '');
      await setUserSetting(page, 'gitshare.serverUrl', env().serverUrl);
      await untilGitShareUses(page, env().serverUrl);
    } finally {
      openPages.delete(page);
      await page.close();
      await seedOnly?.close();
      await noRegistration?.close();
      await teamServer?.close();
    }
  });

  /** The notifications on screen, as text. */
  async function toasts(): Promise<string[]> {
    return page.locator('.notification-toast').allInnerTexts();
  }

  /** Walk-through: "no callback URL", the client id, the secret (a password box). */
  async function walkThrough(secret: string, expectIntro: RegExp): Promise<void> {
    const widget = page.locator('.quick-input-widget');
    await widget
      .locator('.quick-input-title', { hasText: 'Register VS Code on GitShare (1/3)' })
      .waitFor({ timeout: 60_000 });
    const placeholder = await widget.locator('input').getAttribute('placeholder');
    assert.match(placeholder ?? '', expectIntro);
    assert.match(placeholder ?? '', /On GitShare, register an application/);
    await page.getByRole('option', { name: /I left the callback URL empty/ }).click();

    await widget.locator('.quick-input-title', { hasText: '(2/3)' }).waitFor();
    const idBox = widget.locator('input');
    await idBox.fill(CLIENT.clientId);
    await page.keyboard.press('Enter');

    await widget.locator('.quick-input-title', { hasText: '(3/3)' }).waitFor();
    assert.equal(await idBox.getAttribute('type'), 'password', 'the secret goes in a password box');
    await idBox.fill(secret);
    await page.keyboard.press('Enter');
  }

  /** The browser tab GitShare's authorize page opens in: the documented path, no callback URL; the code it shows. */
  function codeFrom(server: RunningServer, whileWaiting: () => Promise<void>): Promise<string> {
    return codeFromBrowser(page, whileWaiting, (url) => {
      assert.equal(url.origin, server.url);
      assert.equal(url.pathname, '/oauth2/authorize/', 'the documented authorize path');
      assert.equal(url.searchParams.has('redirect_uri'), false, 'no callback URL: none is sent');
    });
  }

  async function pasteCode(code: string): Promise<void> {
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-widget', { hasText: 'Paste it here' }).waitFor({ timeout: 30_000 });
    await input.fill(code);
    await page.keyboard.press('Enter');
  }

  it('--seed-only: the Accounts menu walks through the by-hand registration, the code on the page signs in, files list, Sign Out shows no error', async () => {
    // A new user: no server configured yet; the sign-in asks for it.
    await setUserSetting(page, 'gitshare.serverUrl', '');
    await untilGitShareUses(page, '');
    const signIn = await findInAccountsMenu(page, /Sign in with GitShare/i);
    await signIn.click();
    const address = page.locator('.quick-input-widget', { hasText: 'The address of your GitShare server' });
    await address.waitFor({ timeout: 30_000 });
    await address.locator('input').fill(seedOnly.url);
    await page.keyboard.press('Enter');

    const code = await codeFrom(seedOnly, () =>
      walkThrough(CLIENT.clientSecret, /does not let VS Code register itself/),
    );
    await pasteCode(code);
    await waitForAccount(page, 'demo');
    const stats = seedOnly.control!.stats();
    assert.equal(stats.tokenRequests.authorization_code, 1, 'one code exchange');
    assert.equal(stats.requests['POST /oauth2/register'] ?? 0, 1, 'one look for self-registration, which answered 404');
    // The "Signing in…" notification ends (as a person sees it go), and nothing went wrong on the way.
    const shown = await eventually(
      async () => {
        const now = await toasts();
        return !now.some((t) => /Signing in to GitShare/.test(t)) && now;
      },
      'the "Signing in…" notification to end',
      15_000,
    );
    assert.ok(!shown.some((t) => /error|wrong|cannot|not a function/i.test(t)), shown.join('\n'));

    // The account's files, in the GitShare sidebar.
    await page.locator('.part.activitybar .action-item a[aria-label^="GitShare"]').first().click();
    const tree = page.locator('.part.sidebar .monaco-list-row');
    await tree
      .filter({ hasText: /^\s*notes\s*$/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await tree
      .filter({ hasText: /^\s*projects\s*$/ })
      .first()
      .waitFor({ timeout: 30_000 });
    console.log(`      screenshot: ${await screenshot(page, 'documented-seed-only-files')}`);

    const revocationsBefore = seedOnly.control!.stats().requests['POST /oauth2/revoke_token/'] ?? 0;
    await signOutThroughUi(page);
    const after = await toasts();
    assert.ok(!after.some((t) => /Sign out|revoke|error/i.test(t)), `no error after Sign Out:\n${after.join('\n')}`);
    assert.ok(
      (seedOnly.control!.stats().requests['POST /oauth2/revoke_token/'] ?? 0) <= revocationsBefore + 1,
      'at most one look for revocation',
    );
  });

  it('after Sign Out the Accounts menu offers "Sign in with GitShare" again, without a reload', async () => {
    await findInAccountsMenu(page, /Sign in with GitShare/i, 10_000);
    await page.keyboard.press('Escape');
  });

  it('discovery without registration: a mistyped secret says so and offers Enter Again; the right one signs in from the palette', async () => {
    await setUserSetting(page, 'gitshare.serverUrl', noRegistration.url);
    await untilGitShareUses(page, noRegistration.url);
    const wrongCode = await codeFrom(noRegistration, async () => {
      await runCommand(page, 'GitShare: Sign In');
      await walkThrough('mistyped-secret-000000', /does not let VS Code register itself/);
    });
    await pasteCode(wrongCode);
    const refused = page.locator('.notification-toast', {
      hasText: 'GitShare did not accept the client id or secret. Check them on GitShare and enter them again.',
    });
    await refused.waitFor({ timeout: 30_000 });
    // The notification leaves the screen a moment after the message appears.
    await eventually(
      async () => !(await toasts()).some((t) => /Signing in to GitShare…/.test(t)),
      'the "Signing in…" notification to end',
      15_000,
    );

    const code = await codeFrom(noRegistration, async () => {
      await refused.locator('.monaco-button', { hasText: 'Enter Again' }).click();
      await walkThrough(CLIENT.clientSecret, /Use an application you registered on GitShare/);
    });
    await pasteCode(code);
    await waitForAccount(page, 'demo');
    const stats = noRegistration.control!.stats();
    assert.equal(
      stats.requests['POST /oauth2/register'] ?? 0,
      0,
      'no registration endpoint in the metadata: none tried',
    );
    assert.equal(stats.tokenRequests.authorization_code, 2, 'the refused exchange and the good one');
    await signOutThroughUi(page);
  });

  it('gitshare.clientId in the settings and "GitShare: Set Client Secret…" from the palette: the next sign-in uses them, with no walk-through', async () => {
    await setUserSetting(page, 'gitshare.clientId', TEAM_CLIENT.clientId);
    await setUserSetting(page, 'gitshare.serverUrl', teamServer.url);
    // Reported in use, the server setting tells that the client id, written before it, is in use too.
    await untilGitShareUses(page, teamServer.url);
    await runCommand(page, 'GitShare: Set Client Secret…');
    const box = page.locator('.quick-input-widget', { hasText: 'GitShare Client Secret' });
    await box.waitFor({ timeout: 30_000 });
    assert.match(
      await box.innerText(),
      new RegExp(`${TEAM_CLIENT.clientId} on ${new URL(teamServer.url).host.replace(/\./g, '\\.')}`),
      'the box names the application and the server the secret is for',
    );
    assert.equal(await box.locator('input').getAttribute('type'), 'password', 'the secret goes in a password box');
    await box.locator('input').fill(TEAM_CLIENT.clientSecret);
    await page.keyboard.press('Enter');
    await box.waitFor({ state: 'hidden' });

    const code = await codeFrom(teamServer, () => runCommand(page, 'GitShare: Sign In'));
    await pasteCode(code);
    await waitForAccount(page, 'demo');
    // The server takes the code only from the application with its secret (a confidential client):
    // signed in means the id from the settings and the secret from the palette went with it.
    const stats = teamServer.control!.stats();
    assert.equal(stats.tokenRequests.authorization_code, 1, 'one code exchange, accepted');
    assert.ok(
      !(await page.locator('.quick-input-title', { hasText: 'Register VS Code on GitShare' }).isVisible()),
      'no walk-through',
    );
    await signOutThroughUi(page);
    await setUserSetting(page, 'gitshare.clientId', '');
  });
});
