/**
 * The localization checks of `npm run lint` (issue 17): the ESLint rule that finds text a person
 * reads written as a literal (eslint-rules/userFacingText.mjs), and test/harness/l10n.mjs, which
 * keeps l10n/bundle.l10n.json and package.nls.json in step with the sources and package.json.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { repoRoot } from '../../harness/paths';

type L10n = typeof import('../../harness/l10n.mjs');

describe('lint: text a person reads is localized', () => {
  let linter: Linter;
  let config: Linter.Config[];
  before(async () => {
    const plugin = (await import(pathToFileURL(path.join(repoRoot, 'eslint-rules', 'userFacingText.mjs')).href))
      .default;
    linter = new Linter({ configType: 'flat' });
    config = [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser as Linter.Parser },
        plugins: { gitshare: plugin },
        rules: { 'gitshare/localized-text': 'error' },
      },
    ];
  });

  function reported(code: string): string[] {
    return linter
      .verify(code, config, 'src/example.ts')
      .map((m) => code.split('\n')[m.line - 1]!.slice(m.column - 1, m.endColumn ? m.endColumn - 1 : undefined));
  }

  it('reports the literals of notifications, errors, inputs, picks and tree items', () => {
    const code = [
      `vscode.window.showErrorMessage('Could not upload the file.', 'Retry');`,
      `vscode.window.showWarningMessage(vscode.l10n.t('Delete?'), { modal: true, detail: 'It cannot be undone.' });`,
      `throw new GitShareError('network', \`Cannot reach \${host}.\`, { detail: 'log only' });`,
      `throw new Error('Something broke');`,
      `vscode.window.showInputBox({ title: 'Sign in', prompt: ok ? 'The address' : vscode.l10n.t('Other'), placeHolder: 'https://gitshare.example' });`,
      `picker.placeholder = 'Type a name';`,
      `const item = new vscode.TreeItem('Load more');`,
      `throw vscode.FileSystemError.NoPermissions('Moving is not supported.');`,
      `progress.report({ message: 'Continue in your browser.' + suffix });`,
    ].join('\n');
    assert.deepEqual(reported(code), [
      `'Could not upload the file.'`,
      `'Retry'`,
      `'It cannot be undone.'`,
      '`Cannot reach ${host}.`',
      `'Something broke'`,
      `'Sign in'`,
      `'The address'`,
      `'https://gitshare.example'`,
      `'Type a name'`,
      `'Load more'`,
      `'Moving is not supported.'`,
      `'Continue in your browser.'`,
    ]);
  });

  it('accepts text through vscode.l10n.t or @vscode/l10n, ids, icons and log details', () => {
    const code = [
      `vscode.window.showErrorMessage(vscode.l10n.t('Could not upload {0}.', name), vscode.l10n.t('Retry'));`,
      `throw new GitShareError('network', l10n.t('Cannot reach {0}.', host), { detail: \`GET \${path}: refused\` });`,
      `item.description = '$(sync~spin)';`,
      `item.label = name;`,
      `logger.info('Signed in');`,
      `const options = { title: vscode.l10n.t('Upload to GitShare'), openLabel: vscode.l10n.t('Upload') };`,
    ].join('\n');
    assert.deepEqual(reported(code), []);
  });
});

describe('lint: l10n/bundle.l10n.json and package.nls.json follow the sources', () => {
  let l10n: L10n;
  let dir: string;
  before(async () => {
    l10n = (await import(pathToFileURL(path.join(repoRoot, 'test', 'harness', 'l10n.mjs')).href)) as L10n;
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
