/**
 * Runs the unit layer: test/unit/ and the local server's own tests (test/server/test/), mocha in
 * plain Node without VS Code; records the run for `npm test`'s summary.
 */
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
// The local server's own tests live beside it (test/server/test/) and run in this layer.
const files = [
  ...findTests(path.join(repoRoot, 'out', 'test', 'unit')),
  ...findTests(path.join(repoRoot, 'out', 'test', 'server', 'test')),
];
for (const file of files) {
  mocha.addFile(file);
}
const runner = mocha.run(() => {
  process.exitCode = finishLayer('unit', recording.result(), files.length);
});
const recording = recordRun(runner, files.length);
