/**
 * The web worker host's bundle (esbuild.mjs, package.json `browser`): one file that loads nothing
 * but `vscode`, and a build that fails, naming the importer, when a Node module would end up in it.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

// out/test/unit/build → repository root
const repoRoot = path.resolve(__dirname, '../../../..');

interface BuildScript {
  browserOptions(entry?: string): esbuild.BuildOptions;
}

describe('build: the browser bundle', function () {
  this.timeout(60_000);
  let script: BuildScript;
  let tmp: string;
  const cwd = process.cwd();
  before(async () => {
    process.chdir(repoRoot);
    script = (await import(pathToFileURL(path.join(repoRoot, 'esbuild.mjs')).href)) as BuildScript;
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-bundle-'));
  });
  after(async () => {
    process.chdir(cwd);
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  async function build(entry: string): Promise<esbuild.BuildResult & { outputFiles: esbuild.OutputFile[] }> {
    return esbuild.build({ ...script.browserOptions(entry), write: false, logLevel: 'silent' });
  }

  it('is one file that requires only vscode, and carries no node-fetch', async () => {
    const result = await build('src/extension.browser.ts');
    const js = result.outputFiles.filter((f) => f.path.endsWith('.js'));
    assert.equal(js.length, 1);
    const code = js[0]!.text;
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(required)], ['vscode']);
    assert.ok(!code.includes('node-fetch'), 'node-fetch is in the browser bundle');
  });

  for (const [what, code] of [
    ['node:fs', "import * as fs from 'node:fs';\nexport const x = fs;\n"],
    ['stream', "import { Readable } from 'stream';\nexport const x = Readable;\n"],
    ['node-fetch', "import fetch from 'node-fetch';\nexport const x = fetch;\n"],
  ]) {
    it(`fails when ${what} would end up in it, naming the importer`, async () => {
      const entry = path.join(tmp, `uses-${what.replace(/\W/g, '-')}.ts`);
      await fsp.writeFile(entry, code);
      await assert.rejects(build(entry), (error: esbuild.BuildFailure) => {
        assert.equal(error.errors.length, 1);
        assert.match(error.errors[0]!.text, new RegExp(`uses-.*\\.ts imports ${what}, a Node module`));
        return true;
      });
    });
  }
});
