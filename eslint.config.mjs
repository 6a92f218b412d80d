// ESLint flat config: typescript-eslint's recommended rules plus the house rules of STYLE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import importCycles from './eslint-rules/importCycles.mjs';
import userFacingText from './eslint-rules/userFacingText.mjs';

/** The project's own rules (eslint-rules/). */
const gitshare = { rules: { ...userFacingText.rules, ...importCycles.rules } };

/**
 * The folders of src/ (docs: Architecture) and what each may import: `imports` lists the folders
 * it may reach, so the folders form a DAG and a lower one never needs what is built on it.
 * `vscode`: may its modules use VS Code? false: none of them (the folder runs in plain Node, and
 * its unit tests load it without VS Code); true: all; a list: only those files of the folder (each
 * imports 'vscode' or a module that does), the rest run in plain Node. A module that runs in plain
 * Node imports no 'vscode' and loads no module that may (it may still import its types).
 * `nodeModules`: may it use Node's own modules and globals (node:fs, Buffer, process…)? Only the
 * Node host's adapters and the test-only code may: everything else runs in VS Code's web worker
 * extension host too, which has none of them (esbuild.mjs checks the browser bundle as well).
 */
const folders = {
  common: { imports: [], vscode: false },
  api: { imports: ['common'], vscode: false },
  oauth: { imports: ['common', 'api'], vscode: false },
  workbench: { imports: ['common'], vscode: true },
  sessions: {
    imports: ['common', 'api', 'oauth', 'workbench'],
    vscode: ['authentication.ts', 'authProvider.ts', 'uriHandler.ts'],
  },
  connectionCheck: {
    imports: ['common', 'api', 'workbench'],
    vscode: ['checkConnectionCommand.ts', 'clearTextProxyWarning.ts'],
  },
  fileSystem: {
    imports: ['common', 'api', 'workbench'],
    vscode: ['gitshareFileSystem.ts', 'remoteWatchService.ts', 'saveConflict.ts', 'uris.ts'],
  },
  transfers: {
    imports: ['common', 'api', 'workbench', 'fileSystem'],
    vscode: ['transferCommands.ts', 'transferService.ts'],
  },
  filesView: {
    imports: ['common', 'api', 'workbench', 'fileSystem', 'transfers'],
    vscode: [
      'fileCommands.ts',
      'filesDragAndDrop.ts',
      'filesTree.ts',
      'remotePicker.ts',
      'reveal.ts',
      'revealInViewCommand.ts',
      'targets.ts',
      'treeFreshness.ts',
      'workspaceJoin.ts',
    ],
  },
  search: {
    imports: ['common', 'api', 'workbench', 'fileSystem', 'filesView'],
    vscode: ['goToFileCommand.ts', 'indexService.ts'],
  },
  gettingStarted: { imports: ['common', 'workbench'], vscode: true },
  // The extension hosts' adapters, chosen by the entry files (src/extension.ts, src/extension.browser.ts).
  node: { imports: ['common', 'api', 'connectionCheck', 'transfers'], vscode: false, nodeModules: true },
  browser: { imports: ['common', 'api', 'connectionCheck', 'transfers'], vscode: ['localFiles.ts'] },
  // Test-only code: loaded by extension.ts only in ExtensionMode.Test, imported by no other folder.
  testing: { imports: ['common', 'workbench'], vscode: true, nodeModules: true },
};

/** Patterns of the specifiers that reach `folder` (or one of its `files`) from a module in `from`. */
function specifiersOf(folder, from, files) {
  const prefix = folder === from ? '.' : `../${folder}`;
  return files
    ? files.map((file) => `${prefix}/${file.replace(/\.ts$/, '')}`)
    : folder === from
      ? []
      : [prefix, `${prefix}/*`];
}

/**
 * Node's modules, by every name they are imported under, and node-fetch (the Node host's HTTP):
 * bare names exactly (a pattern `http` would also match '../common/http'), the rest as patterns.
 */
const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_') && !name.includes('/'));
const NODE_MODULE_PATTERNS = ['node:*', ...NODE_BUILTINS.map((name) => `${name}/*`), 'node-fetch', 'node-fetch/*'];
const WEB_WORKER = 'The web worker host has no Node modules: its adapters are in src/browser/.';
const BOTH_HOSTS = (name) =>
  `src/${name}/ runs in both extension hosts, and VS Code's web worker host has no Node modules: use a web API (fetch, crypto.subtle, TextEncoder) or the host's adapter (src/node/, src/browser/; see activate.ts Host).`;
/** Node's globals the web worker host lacks. */
const NODE_GLOBALS = ['Buffer', 'process', 'setImmediate', 'clearImmediate', 'global', '__dirname', '__filename'];

const TESTING_ONLY =
  'Only ExtensionMode.Test loads src/testing/ (extension.ts, through the TestSeam): no production module imports it.';

function folderRules() {
  const names = Object.keys(folders);
  return names.flatMap((name) => {
    const { imports, vscode, nodeModules } = folders[name];
    const forbidden = names.filter((other) => other !== name && other !== 'testing' && !imports.includes(other));
    const table = {
      group: [...forbidden.flatMap((other) => specifiersOf(other, name)), '../extension', '../activate'],
      message: `src/${name}/ imports only from ${imports.length ? imports.map((f) => `${f}/`).join(', ') : 'packages'} (the folder table of eslint.config.mjs): move what both need down, or hand it in.`,
    };
    const testing = name === 'testing' ? [] : [{ group: specifiersOf('testing', name), message: TESTING_ONLY }];
    const hosts = nodeModules ? [] : [{ group: NODE_MODULE_PATTERNS, message: BOTH_HOSTS(name) }];
    const hostPaths = nodeModules ? [] : NODE_BUILTINS.map((module) => ({ name: module, message: BOTH_HOSTS(name) }));
    const rule = (patterns, paths = []) => ({
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [...paths, ...hostPaths], patterns: [...patterns, ...hosts] },
      ],
      ...(nodeModules
        ? {}
        : {
            'no-restricted-globals': [
              'error',
              ...NODE_GLOBALS.map((global) => ({ name: global, message: BOTH_HOSTS(name) })),
            ],
          }),
    });
    const whole = { files: [`src/${name}/**/*.ts`], rules: rule([table, ...testing]) };
    if (vscode === true) {
      return [whole];
    }
    // Modules a plain-Node module may not load: every module that may import 'vscode'.
    const vscodeModules = names
      .filter((other) => other === name || imports.includes(other))
      .flatMap((other) => {
        const may = folders[other].vscode;
        return may === true ? specifiersOf(other, name) : may ? specifiersOf(other, name, may) : [];
      });
    const plainNode = {
      files: [`src/${name}/**/*.ts`],
      ignores: vscode ? vscode.map((file) => `src/${name}/${file}`) : [],
      rules: rule(
        [
          table,
          ...testing,
          ...(vscodeModules.length
            ? [
                {
                  group: vscodeModules,
                  allowTypeImports: true,
                  message: `This module runs in plain Node (the vscode list of src/${name}/ in eslint.config.mjs leaves it out): it may import the types of a module that uses VS Code, not the module.`,
                },
              ]
            : []),
        ],
        [
          {
            name: 'vscode',
            message: `This module runs in plain Node, and its unit tests load it without VS Code: no 'vscode' here. A module of src/${name}/ that needs VS Code goes in its folder's vscode list in eslint.config.mjs.`,
          },
        ],
      ),
    };
    return vscode ? [whole, plainNode] : [plainNode];
  });
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

/**
 * The test layers, each a folder. A layer imports no other layer's modules: what two layers share
 * lives in test/support/ (the wait helper, the local server in-process or as a child process,
 * code-server, Chromium, the test seam's steps), the local server in test/server/, and beside them
 * test/proxy/, test/fixtures/ and test/runner/.
 */
const TEST_LAYERS = {
  unit: 'test/unit',
  integration: 'test/integration',
  e2e: 'test/e2e',
  bench: 'test/bench',
  'server tests': 'test/server/test',
};

function testLayerRules() {
  // Tests import the repository's modules by relative path: a layer's folder from test/, wherever
  // in the import it appears.
  const refused = (importer, layers) => ({
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: layers.map(([other, folder]) => ({
          group: [`**/${folder.slice('test/'.length)}`, `**/${folder.slice('test/'.length)}/**`],
          message: `${importer} does not import the ${other} layer's modules: share them through test/support/.`,
        })),
      },
    ],
  });
  const layers = Object.entries(TEST_LAYERS);
  return [
    ...layers.map(([layer, folder]) => ({
      files: [`${folder}/**/*.ts`],
      rules: refused(
        `The ${layer} layer`,
        layers.filter(([other]) => other !== layer),
      ),
    })),
    {
      // What the layers share imports none of them.
      files: ['test/support/**/*.ts', 'test/server/**/*.ts'],
      ignores: [`${TEST_LAYERS['server tests']}/**`],
      rules: refused('Shared test code', layers),
    },
  ];
}

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
  ...folderRules(),
  {
    // The entry files: every folder but src/testing/, which only ExtensionMode.Test loads.
    files: ['src/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['./testing', './testing/*'], message: TESTING_ONLY }] },
      ],
    },
  },
  {
    // The web worker host's entry: the browser's adapters, never the Node host's or a Node module.
    files: ['src/extension.browser.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.map((name) => ({ name, message: WEB_WORKER })),
          patterns: [
            { group: ['./testing', './testing/*'], message: TESTING_ONLY },
            {
              group: ['./node', './node/*', ...NODE_MODULE_PATTERNS],
              message: WEB_WORKER,
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...NODE_GLOBALS],
    },
  },
  {
    // No module of src/ reaches itself through its imports (eslint-rules/importCycles.mjs).
    files: ['src/**/*.ts'],
    plugins: { gitshare },
    rules: { 'gitshare/no-import-cycle': 'error' },
  },
  {
    // The folder table reads import declarations only: an import() of a module of src/ (or an
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
          message: 'Import modules of src/ statically: the folder table (eslint.config.mjs) does not see import().',
        },
        {
          selector: 'TSImportType[argument.literal.value=/^[.]/]',
          message:
            "Import types of src/ with import type: the folder table (eslint.config.mjs) does not see import('…') types.",
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
    // Text a person reads is localized, so the UI follows the display language: see
    // eslint-rules/userFacingText.mjs. The folders are all of src/.
    files: ['src/**/*.ts'],
    plugins: { gitshare },
    rules: { 'gitshare/localized-text': ['error', localizedTextOptions] },
  },
  ...testLayerRules(),
  {
    // A test waits for what a person would wait for (an element, a file, a server count), never a
    // fixed time: under load a fixed sleep is either too short (a flake) or wasted time.
    files: ['test/e2e/**/*.ts', 'test/integration/**/*.ts', 'test/support/**/*.ts', 'test/bench/**/*.ts'],
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
