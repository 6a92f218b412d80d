/**
 * The folders of src/ as `npm run lint` enforces them (eslint.config.mjs, the folder table):
 * a folder imports only the folders its row names, and an import the table cannot see —
 * import() of a module, an import('…') type — is refused too, so no upward import slips past it.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { repoRoot } from '../../support/paths';

describe('lint: the folders of src/', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: repoRoot });

  /** The messages lint gives `code` written in src/filesView/. */
  async function lintInViews(code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, {
      filePath: path.join(repoRoot, 'src', 'filesView', 'layerProbe.ts'),
    });
    return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  }

  it('filesView/ may import the folders below it', async () => {
    assert.deepEqual(
      await lintInViews(
        "import { GitShareClient } from '../api/client';\nimport type { Interaction } from '../workbench/interaction';\nexport const parts: unknown[] = [GitShareClient, {} as Interaction];\n",
      ),
      [],
    );
  });

  it('filesView/ may not import search/, statically, as a type, through import() or an import() type', async () => {
    const messages = await lintInViews(
      [
        "import { GoToFileCommand } from '../search/goToFileCommand';",
        "import type { FileIndexService } from '../search/indexService';",
        "export const later = () => import('../search/fuzzy');",
        "export type Index = typeof import('../search/fileIndex');",
        'export const parts: unknown[] = [GoToFileCommand, {} as FileIndexService];',
      ].join('\n'),
    );
    assert.equal(
      messages.filter((m) => m.startsWith('@typescript-eslint/no-restricted-imports:')).length,
      2,
      messages.join('\n'),
    );
    assert.equal(messages.filter((m) => m.startsWith('no-restricted-syntax:')).length, 2, messages.join('\n'));
  });

  it('import() of something not named in the code is refused: lint could not tell its layer', async () => {
    const messages = await lintInViews(
      "const name = '../search/goToFileCommand';\nexport const later = () => import(name);\n",
    );
    assert.deepEqual(messages, [
      'no-restricted-syntax: import() takes a literal package name, so the layers of src/ stay checkable.',
    ]);
  });
});
