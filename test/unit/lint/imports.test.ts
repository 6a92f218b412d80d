/**
 * The import rules of src/ beyond the folder table (eslint.config.mjs, eslint-rules/importCycles.mjs):
 * a module that runs in plain Node neither imports 'vscode' nor loads a module that may; no
 * production module imports src/testing/; no module reaches itself through its imports.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

// out/test/unit/lint → repository root
const repoRoot = path.resolve(__dirname, '../../../..');

describe('lint: what a module of src/ may import', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: repoRoot });

  /** The rule ids lint reports for `code` written as `file` (a path under src/). */
  async function ruleIds(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
    return result!.messages.map((m) => m.ruleId ?? m.message);
  }

  const restricted = '@typescript-eslint/no-restricted-imports';

  it("a plain-Node folder imports no 'vscode', not even its types", async () => {
    assert.deepEqual(
      await ruleIds('src/api/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"),
      [restricted],
    );
    assert.deepEqual(
      await ruleIds('src/oauth/probe.ts', "import type * as vscode from 'vscode';\nexport type X = vscode.Uri;\n"),
      [restricted],
    );
  });

  it('a plain-Node module of a mixed folder loads no module that uses VS Code, but may import its types', async () => {
    assert.deepEqual(
      await ruleIds(
        'src/filesView/nodes.ts',
        "import { remoteUri } from '../fileSystem/uris';\nexport const x = remoteUri;\n",
      ),
      [restricted],
    );
    assert.deepEqual(
      await ruleIds(
        'src/filesView/nodes.ts',
        "import type { TransferService } from '../transfers/transferService';\nexport type X = TransferService;\n",
      ),
      [],
    );
  });

  it("a module in its folder's vscode list may import 'vscode'", async () => {
    assert.deepEqual(
      await ruleIds(
        'src/transfers/transferService.ts',
        "import * as vscode from 'vscode';\nexport const x = vscode;\n",
      ),
      [],
    );
  });

  it('no production module imports src/testing/, the entry files neither', async () => {
    for (const [file, specifier] of [
      ['src/search/goToFileCommand.ts', '../testing/testApi'],
      ['src/sessions/authProvider.ts', '../testing'],
      ['src/activate.ts', './testing/testApi'],
      ['src/extension.ts', './testing'],
    ]) {
      assert.deepEqual(
        await ruleIds(file, `import type { GitShareTestApi } from '${specifier}';\nexport type X = GitShareTestApi;\n`),
        [restricted],
        file,
      );
    }
  });

  it("only the Node host's adapters (and the test-only code) use Node's modules and globals", async () => {
    const nodeCode =
      "import * as fs from 'node:fs';\nimport { readFile } from 'fs/promises';\nimport * as path from 'path';\nexport const x = [fs, readFile, path];\n";
    for (const file of [
      'src/transfers/probe.ts',
      'src/common/probe.ts',
      'src/browser/probe.ts',
      'src/extension.browser.ts',
    ]) {
      assert.deepEqual(await ruleIds(file, nodeCode), [restricted, restricted, restricted], file);
      assert.deepEqual(
        await ruleIds(file, 'export const x = [Buffer.from(""), process.platform, setImmediate];\n'),
        ['no-restricted-globals', 'no-restricted-globals', 'no-restricted-globals'],
        file,
      );
    }
    assert.deepEqual(await ruleIds('src/api/probe.ts', "import fetch from 'node-fetch';\nexport const x = fetch;\n"), [
      restricted,
    ]);
    // A module of src/ named like a Node module is not one.
    assert.deepEqual(
      await ruleIds(
        'src/api/probe.ts',
        "import type { HttpTransport } from '../common/http';\nexport type X = HttpTransport;\n",
      ),
      [],
    );
    assert.deepEqual(await ruleIds('src/node/probe.ts', nodeCode), []);
    assert.deepEqual(
      await ruleIds(
        'src/extension.browser.ts',
        "import { nodeTransport } from './node/transport';\nexport const x = nodeTransport;\n",
      ),
      [restricted],
    );
  });

  it('an import that closes a circle is reported with the circle', async () => {
    const [result] = await eslint.lintText(
      "import { OAuthClient } from './oauthClient';\nexport const x = OAuthClient;\n",
      {
        filePath: path.join(repoRoot, 'src/oauth/credentials.ts'),
      },
    );
    assert.deepEqual(
      result!.messages.map((m) => `${m.ruleId}: ${m.message}`),
      [
        'gitshare/no-import-cycle: Import circle: src/oauth/credentials.ts → src/oauth/oauthClient.ts → src/oauth/credentials.ts. Move what both need into a module of its own below them, or hand it in.',
      ],
    );
  });

  it('a type-only import closes a circle too', async () => {
    assert.deepEqual(
      await ruleIds(
        'src/oauth/credentials.ts',
        "import type { TokenSet } from './oauthClient';\nexport type X = TokenSet;\n",
      ),
      ['gitshare/no-import-cycle'],
    );
  });
});
