/** Runs test/unit/ (mocha in plain Node, no VS Code) and records the run for `npm test`'s summary. */
import Mocha from 'mocha';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';
import { clearLayerResult, finishLayer, recordRun } from './results';
import { findTests } from './testFiles';

clearLayerResult('unit');
const mocha = new Mocha({
  ui: 'bdd',
  timeout: 20_000,
  reporter: 'spec',
  grep: process.env.GITSHARE_TEST_GREP || undefined,
});
const files = findTests(path.join(repoRoot, 'out', 'test', 'unit'));
for (const file of files) {
  mocha.addFile(file);
}
const runner = mocha.run(() => {
  process.exitCode = finishLayer('unit', recording.result(), files.length);
});
const recording = recordRun(runner, files.length);
