/**
 * The lint rule `gitshare/localized-text` (eslint-rules/userFacingText.mjs) with the options the
 * project lints src/ with (eslint.config.mjs): text a person reads, written as a literal, fails
 * `npm run lint`, also when it goes through one of our own helpers (ErrorHandler, FileCommands'
 * register and askName, the account picker, a message row of the Files view, Interaction's
 * confirm and notify, a Check Connection step) or through a variable of the same file.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { RuleTester, type Rule } from 'eslint';
import tseslint from 'typescript-eslint';
import { repoRoot } from '../../support/paths';

// ESLint's own files are ES modules; this Node loads them synchronously, as mocha needs the rule
// before it collects the tests.
const load = createRequire(__filename);
const { localizedText } = load(path.join(repoRoot, 'eslint-rules', 'userFacingText.mjs')) as {
  localizedText: Rule.RuleModule;
};
const { localizedTextOptions } = load(path.join(repoRoot, 'eslint.config.mjs')) as {
  localizedTextOptions: { calls: Record<string, number[]>; fields: string[] };
};

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser as never } });
const options = [localizedTextOptions];

/** A case that fails lint, with the literals reported, in order. */
function invalid(code: string, ...literals: string[]): RuleTester.InvalidTestCase {
  return {
    code,
    options,
    errors: literals.map((literal) => {
      const index = code.indexOf(literal);
      if (index < 0) {
        throw new Error(`${literal} is not in ${code}`);
      }
      const before = code.slice(0, index).split('\n');
      return { messageId: 'literal', line: before.length, column: before[before.length - 1]!.length + 1 };
    }),
  };
}

describe('lint rule gitshare/localized-text: the helpers it knows are the project’s own', () => {
  it('eslint.config.mjs declares every helper this suite plants a literal in', () => {
    for (const name of [
      'errors.wrap',
      'errors.handle',
      'errors.show',
      'register',
      'askName',
      'pickAccount',
      'MessageNode',
      'checkStep',
    ]) {
      if (!(name in localizedTextOptions.calls)) {
        throw new Error(`${name} is not in localizedTextOptions.calls`);
      }
    }
    for (const field of ['action', 'actions', 'lines']) {
      if (!localizedTextOptions.fields.includes(field)) {
        throw new Error(`${field} is not in localizedTextOptions.fields`);
      }
    }
  });
});

// RuleTester writes one mocha test per case under describe('gitshare/localized-text').
tester.run('gitshare/localized-text', localizedText, {
  valid: [
    // The same places with text through vscode.l10n.t or @vscode/l10n's l10n.t.
    `vscode.window.showErrorMessage(vscode.l10n.t('Could not upload {0}.', name), vscode.l10n.t('Retry'));`,
    `throw new GitShareError('network', l10n.t('Cannot reach {0}.', host), { detail: \`GET \${path}: refused\` });`,
    `register(Commands.upload, vscode.l10n.t('Upload'), (target) => this.upload(target));`,
    `const name = await this.askName('newFolderName', vscode.l10n.t('New folder name'), '');`,
    `void this.errors.handle(error, vscode.l10n.t('Drop'));`,
    `void this.errors.show('info', summary);`,
    `errors.wrap(vscode.l10n.t('Go to File'), () => this.run());`,
    `children.push(new MessageNode(vscode.l10n.t('Empty folder'), parent, false));`,
    `return checkStep(id, 'ok', [l10n.t('No proxy is used.'), proxy.why]);`,
    `await this.interaction.confirm({ id: 'delete', message, detail, action: vscode.l10n.t('Delete') });`,
    `const signIn = vscode.l10n.t('Sign In'); await this.interaction.notify({ severity: 'warning', message: text, actions: [signIn] });`,
    `steps.push({ id: 'dns', title: stepTitle('dns'), status: 'ok', lines: [l10n.t('{0} resolves to {1}.', host, list)] });`,
    `const account = await pickAccount(clients, options.title);`,
    // Ids, icons, text that is no prose, and the log.
    `void this.errors.show('info', '');`,
    `item.description = '$(sync~spin)';`,
    `item.label = name;`,
    `logger.info('Signed in');`,
    `lines.push(\`\${protocol}, \${cipher}\`);`,
    `const options = { title: vscode.l10n.t('Upload to GitShare'), openLabel: vscode.l10n.t('Upload') };`,
    // A helper's other arguments (ids) and another object's `register` with no text in the shown place.
    `register(Commands.refresh, vscode.l10n.t('Refresh'), 'refresh-id');`,
    `this.oauth.register(as, redirectUris, signal);`,
    // A variable is followed only to what this file gives it: a parameter or an import is not.
    `function show(message: string) { vscode.window.showInformationMessage(message); }`,
    `import { SUMMARY } from './summary'; vscode.window.showInformationMessage(SUMMARY);`,
    `const title = stepTitle('tls'); steps.push({ title, status: 'ok', lines: [] });`,
  ],
  invalid: [
    // VS Code's own places.
    invalid(
      `vscode.window.showErrorMessage('Could not upload the file.', 'Retry');`,
      `'Could not upload the file.'`,
      `'Retry'`,
    ),
    invalid(
      `vscode.window.showWarningMessage(vscode.l10n.t('Delete?'), { modal: true, detail: 'It cannot be undone.' });`,
      `'It cannot be undone.'`,
    ),
    invalid(
      `throw new GitShareError('network', \`Cannot reach \${host}.\`, { detail: 'log only' });`,
      '`Cannot reach ${host}.`',
    ),
    invalid(`throw new Error('Something broke');`, `'Something broke'`),
    invalid(
      `vscode.window.showInputBox({ title: 'Sign in', prompt: ok ? 'The address' : vscode.l10n.t('Other'), placeHolder: 'https://gitshare.example' });`,
      `'Sign in'`,
      `'The address'`,
      `'https://gitshare.example'`,
    ),
    invalid(`picker.placeholder = 'Type a name';`, `'Type a name'`),
    invalid(`const item = new vscode.TreeItem('Load more');`, `'Load more'`),
    invalid(`throw vscode.FileSystemError.NoPermissions('Moving is not supported.');`, `'Moving is not supported.'`),
    invalid(`progress.report({ message: 'Continue in your browser.' + suffix });`, `'Continue in your browser.'`),
    // Our own helpers (localizedTextOptions.calls).
    invalid(`register(Commands.upload, 'Upload', (target) => this.upload(target));`, `'Upload'`),
    invalid(`const name = await this.askName('newFolderName', 'New folder name', '');`, `'New folder name'`),
    invalid(`void this.errors.handle(error, 'Drop');`, `'Drop'`),
    invalid(
      `void this.errors.show(failed ? 'warning' : 'info', \`\${count} files uploaded\`);`,
      '`${count} files uploaded`',
    ),
    invalid(`errors.wrap('Go to File', () => this.run());`, `'Go to File'`),
    invalid(`children.push(new MessageNode('Empty folder', parent, false));`, `'Empty folder'`),
    invalid(`return checkStep(id, 'ok', ['No proxy is used.', proxy.why]);`, `'No proxy is used.'`),
    invalid(`const account = await pickAccount(clients, 'Choose an account');`, `'Choose an account'`),
    // Fields of our own objects (localizedTextOptions.fields).
    invalid(
      `await this.interaction.confirm({ id: 'delete', message: vscode.l10n.t('Delete {0}?', name), action: 'Delete' });`,
      `'Delete'`,
    ),
    invalid(
      `await this.interaction.notify({ severity: 'error', message: text, actions: ['Enter again', SHOW_LOG] });`,
      `'Enter again'`,
    ),
    invalid(
      `steps.push({ id: 'dns', title: stepTitle('dns'), status: 'ok', lines: [\`\${host} is an IP address: no lookup needed.\`] });`,
      '`${host} is an IP address: no lookup needed.`',
    ),
    // Through a variable of the same file: a constant, a shorthand field, a `let` set in a switch.
    invalid(
      `const compare = 'Compare'; const overwrite = vscode.l10n.t('Overwrite'); vscode.window.showWarningMessage(question, { modal: true }, compare, overwrite);`,
      `'Compare'`,
    ),
    invalid(`const title = 'DNS'; steps.push({ title, status: 'ok', lines: [] });`, `'DNS'`),
    invalid(
      `let message: string; switch (status) { case 404: message = 'Not found on GitShare.'; break; default: message = l10n.t('Other.'); } throw new GitShareError(kind, message);`,
      `'Not found on GitShare.'`,
    ),
    // A constant used in two places is reported once, where it is written.
    invalid(
      `const retry = 'Try again'; vscode.window.showErrorMessage(text, retry); vscode.window.showWarningMessage(other, retry);`,
      `'Try again'`,
    ),
  ],
});
