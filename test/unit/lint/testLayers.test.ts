/**
 * The test layers as `npm run lint` keeps them apart (eslint.config.mjs, TEST_LAYERS): a layer
 * imports no other layer's modules, and what they share (test/support/, test/server/) imports
 * none of them; a fixed wait (waitForTimeout) is refused in support and bench code as in e2e.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { repoRoot } from '../../support/paths';

describe('lint: the test layers', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: repoRoot });

  /** The rules lint names for `code` written at `file` (from the repository's root). */
  async function rulesFor(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
    return result!.messages.map((m) => m.ruleId ?? m.message);
  }

  it('the bench may import test/support/ and test/server/, not the integration layer', async () => {
    assert.deepEqual(
      await rulesFor(
        'test/bench/host/layerProbe.ts',
        "import { downloadTo } from '../../support/extensionHost';\nimport { startServer } from '../../server/index';\nexport const parts: unknown[] = [downloadTo, startServer];\n",
      ),
      [],
    );
    assert.deepEqual(
      await rulesFor(
        'test/bench/host/layerProbe.ts',
        "import { filesViewShows } from '../../integration/helpers';\nexport const parts: unknown[] = [filesViewShows];\n",
      ),
      ['@typescript-eslint/no-restricted-imports'],
    );
  });

  it("e2e may not import the unit layer's helpers, nor unit the server's own tests", async () => {
    assert.deepEqual(
      await rulesFor(
        'test/e2e/layerProbe.test.ts',
        "import { AuthStack } from '../unit/helpers/authStack';\nexport const parts: unknown[] = [AuthStack];\n",
      ),
      ['@typescript-eslint/no-restricted-imports'],
    );
    assert.deepEqual(
      await rulesFor(
        'test/unit/layerProbe.test.ts',
        "import * as hostile from '../server/test/hostileRequests.test';\nexport const parts: unknown[] = [hostile];\n",
      ),
      ['@typescript-eslint/no-restricted-imports'],
    );
  });

  it('test/support/ imports no layer', async () => {
    assert.deepEqual(
      await rulesFor(
        'test/support/layerProbe.ts',
        "import { runCommand } from '../e2e/pages/quickInput';\nexport const parts: unknown[] = [runCommand];\n",
      ),
      ['@typescript-eslint/no-restricted-imports'],
    );
  });

  it('waitForTimeout is refused in test/support/ and test/bench/', async () => {
    const code =
      'export async function wait(page: { waitForTimeout(ms: number): Promise<void> }) {\n  await page.waitForTimeout(500);\n}\n';
    assert.deepEqual(await rulesFor('test/support/layerProbe.ts', code), ['no-restricted-properties']);
    assert.deepEqual(await rulesFor('test/bench/layerProbe.ts', code), ['no-restricted-properties']);
  });
});
