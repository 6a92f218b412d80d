/** Runs test/unit/ (mocha in plain Node, no VS Code) and records the counts for `npm test`'s summary. */
import Mocha from 'mocha';
import * as path from 'node:path';
import { repoRoot } from './paths';
import { clearLayerResult, writeLayerResult } from './results';
import { findTests } from './testFiles';

clearLayerResult('unit');
const mocha = new Mocha({ ui: 'bdd', timeout: 20_000, reporter: 'spec', grep: process.env.GITSHARE_TEST_GREP || undefined });
for (const file of findTests(path.join(repoRoot, 'out', 'test', 'unit'))) {
  mocha.addFile(file);
}
const runner = mocha.run(() => {
  const stats = runner.stats!;
  writeLayerResult('unit', { passes: stats.passes, failures: stats.failures, pending: stats.pending });
  console.log(`unit: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} pending`);
  process.exitCode = stats.failures === 0 && stats.passes > 0 ? 0 : 1;
});
