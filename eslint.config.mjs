// ESLint flat config: typescript-eslint's recommended rules plus the house rules of STYLE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import gitshare from './eslint-rules/userFacingText.mjs';

// The layers of src/, lowest first (README, Architecture): a folder imports only from the
// layers below it, so the parts stay apart and a lower one never needs the UI above it.
// Folders on the same layer do not import each other either.
const layers = [['common'], ['api'], ['auth'], ['fs'], ['search', 'transfers'], ['views'], ['commands']];

function layerRules() {
  return layers.flatMap((layer, index) =>
    layer.map((folder) => {
      const forbidden = [...layers.slice(index + 1).flat(), ...layer.filter((other) => other !== folder)];
      return {
        files: [`src/${folder}/**/*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                {
                  group: [
                    ...forbidden.map((name) => `../${name}`),
                    ...forbidden.map((name) => `../${name}/*`),
                    '../extension',
                  ],
                  message: `src/${folder}/ imports only from the layers below it (README, Architecture): move what both need down a layer.`,
                },
              ],
            },
          ],
        },
      };
    }),
  );
}

/**
 * Our own helpers that pass text on to the screen, for `gitshare/localized-text` (its unit test
 * checks each). A helper whose string argument ends up in a notification, a picker, an input box,
 * a tree item or a progress title gets a line here.
 */
export const localizedTextOptions = {
  // The callee's name, or its dotted tail ('errors.handle' matches this.errors.handle), and the
  // positions (from 0) of the arguments that are shown.
  calls: {
    // ErrorHandler: the action names the failure ("Upload: …"); show's message is the notification.
    'errors.wrap': [0],
    'errors.handle': [1],
    'errors.show': [1],
    // FileCommands: register(id, action, callback) hands the action to errors.wrap; askName's prompt.
    register: [1],
    askName: [1],
    // remotePicker: the account picker's placeholder.
    pickAccount: [1],
    // filesView/nodes: the text of a message row in the Files view.
    MessageNode: [0],
    // connectionCheck/connectionReport: a Check Connection step's lines (checkStep(id, status, lines)).
    checkStep: [2],
  },
  // Property names of our own objects that are shown, besides VS Code's (title, label, message…):
  // Interaction.confirm's button, Interaction.notify's buttons, a Check Connection step's lines written out.
  fields: ['action', 'actions', 'lines'],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', '.test-output/**', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      eqeqeq: ['error', 'always'],
      curly: 'error',
      'no-throw-literal': 'error',
      'prefer-const': 'error',
    },
  },
  ...layerRules(),
  {
    // The layer rule reads import declarations only: an import() of a module of src/ (or an
    // import('…') type) would pass it unseen, so src/ imports its own modules statically.
    // require() is refused by typescript-eslint's no-require-imports. Packages may still be
    // loaded lazily (node-fetch in node/fetch.ts).
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportExpression:not([source.type='Literal'])",
          message: 'import() takes a literal package name, so the layers of src/ stay checkable.',
        },
        {
          selector: 'ImportExpression[source.value=/^[.]/]',
          message: 'Import modules of src/ statically: the layer rule (README, Architecture) does not see import().',
        },
        {
          selector: 'TSImportType[argument.literal.value=/^[.]/]',
          message:
            "Import types of src/ with import type: the layer rule (README, Architecture) does not see import('…') types.",
        },
      ],
    },
  },
  {
    // The extension logs through its LogOutputChannel, never the console.
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Text a person reads is localized (issue 17): see eslint-rules/userFacingText.mjs. The folders
    // are all of src/.
    files: ['src/**/*.ts'],
    plugins: { gitshare },
    rules: { 'gitshare/localized-text': ['error', localizedTextOptions] },
  },
  {
    // A test waits for what a person would wait for (an element, a file, a server count), never a
    // fixed time: under load a fixed sleep is either too short (a flake) or wasted time.
    files: ['test/e2e/**/*.ts', 'test/integration/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          property: 'waitForTimeout',
          message: 'Wait for what a person would wait for (a locator, a file, a count), not a fixed time.',
        },
      ],
    },
  },
  {
    // The other extension of the e2e tests (test/fixtures/other-extension/) is plain CommonJS.
    files: ['test/fixtures/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
);
