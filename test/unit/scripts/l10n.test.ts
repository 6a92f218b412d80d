/**
 * The localization check of `npm run lint` (issue 17) that keeps l10n/bundle.l10n.json and
 * package.nls.json in step with the sources and package.json (scripts/l10n.mjs). The ESLint
 * rule that finds text a person reads written as a literal is tested in userFacingText.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../support/paths';

type L10n = typeof import('../../../scripts/l10n.mjs');

describe('lint: l10n/bundle.l10n.json and package.nls.json follow the sources', () => {
  let l10n: L10n;
  let dir: string;
  before(async () => {
    l10n = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'l10n.mjs')).href)) as L10n;
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitshare-l10n-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.mkdirSync(path.join(dir, 'l10n'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(file: string, value: unknown): void {
    fs.writeFileSync(path.join(dir, file), typeof value === 'string' ? value : JSON.stringify(value));
  }

  function project(commandTitle: string, nls: Record<string, string>, bundle: Record<string, string>): void {
    write('package.json', {
      displayName: '%displayName%',
      l10n: './l10n',
      contributes: { commands: [{ command: 'gitshare.signIn', title: commandTitle, category: '%category%' }] },
    });
    write('package.nls.json', nls);
    write('l10n/bundle.l10n.json', bundle);
    write(
      'src/a.ts',
      `import * as vscode from 'vscode';\nvscode.window.showInformationMessage(vscode.l10n.t('Signed in as {0}.', name));\n`,
    );
    write(
      'src/b.ts',
      `import * as l10n from '@vscode/l10n';\nthrow new GitShareError('network', l10n.t('Cannot reach GitShare.'));\n`,
    );
  }

  it('finds nothing wrong when all is in step, with strings of both vscode.l10n and @vscode/l10n', async () => {
    project(
      '%command.signIn%',
      { displayName: 'GitShare', category: 'GitShare', 'command.signIn': 'Sign In' },
      { 'Cannot reach GitShare.': 'Cannot reach GitShare.', 'Signed in as {0}.': 'Signed in as {0}.' },
    );
    assert.deepEqual(await l10n.problems(dir), []);
    assert.deepEqual(Object.keys(await l10n.bundleFromSources(dir)), ['Cannot reach GitShare.', 'Signed in as {0}.']);
  });

  it('names a literal title, a missing and an unused key, and a bundle out of step', async () => {
    project(
      'Sign In',
      { category: 'GitShare', unused: 'x' },
      { 'Signed in as {0}.': 'Signed in as {0}.', 'Gone.': 'Gone.' },
    );
    assert.deepEqual((await l10n.problems(dir)).sort(), [
      'l10n/bundle.l10n.json lacks "Cannot reach GitShare."',
      'l10n/bundle.l10n.json still has "Gone.", which no source uses',
      'package.json command gitshare.signIn.title: "Sign In" is shown to people; make it a %key% of package.nls.json',
      'package.json displayName: %displayName% is not in package.nls.json',
      'package.nls.json: "unused" is used nowhere in package.json',
    ]);
  });
});
