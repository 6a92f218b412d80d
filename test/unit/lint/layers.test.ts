/**
 * The layers of src/ as `npm run lint` enforces them (eslint.config.mjs; README, Architecture):
 * a folder imports only from the folders below it, and an import the layer rule cannot see —
 * import() of a module, an import('…') type — is refused too, so no upward import slips past it.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { repoRoot } from '../../support/paths';

describe('lint: the layers of src/', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: repoRoot });

  /** The messages lint gives `code` written in src/views/. */
  async function lintInViews(code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, 'src', 'views', 'layerProbe.ts') });
    return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  }

  it('views/ may import the layers below it', async () => {
    assert.deepEqual(
      await lintInViews(
        "import { GitShareClient } from '../api/client';\nimport type { Interaction } from '../common/interaction';\nexport const parts: unknown[] = [GitShareClient, {} as Interaction];\n",
      ),
      [],
    );
  });

  it('views/ may not import commands/, statically, as a type, through import() or an import() type', async () => {
    const messages = await lintInViews(
      [
        "import { GoToFileCommand } from '../commands/goToFile';",
        "import type { FileCommands } from '../commands/fileCommands';",
        "export const later = () => import('../commands/revealInView');",
        "export type Picker = typeof import('../commands/remotePicker');",
        'export const parts: unknown[] = [GoToFileCommand, {} as FileCommands];',
      ].join('\n'),
    );
    assert.equal(messages.filter((m) => m.startsWith('no-restricted-imports:')).length, 2, messages.join('\n'));
    assert.equal(messages.filter((m) => m.startsWith('no-restricted-syntax:')).length, 2, messages.join('\n'));
  });

  it('import() of something not named in the code is refused: lint could not tell its layer', async () => {
    const messages = await lintInViews(
      "const name = '../commands/goToFile';\nexport const later = () => import(name);\n",
    );
    assert.deepEqual(messages, [
      'no-restricted-syntax: import() takes a literal package name, so the layers of src/ stay checkable.',
    ]);
  });
});
