/**
 * Loaded by VS Code as `extensionTestsPath`: runs every test/integration/**\/*.test.js
 * with mocha inside the extension host. Used by both runners: code-server
 * (test/harness/runIntegration.ts) and desktop VS Code (test/harness/runDesktop.ts).
 */
import Mocha from 'mocha';
import { BEGIN_MARKER, RESULT_MARKER } from '../harness/results';
import { findTests } from '../harness/testFiles';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 60_000,
    color: false,
    reporter: 'spec',
    grep: process.env.GITSHARE_TEST_GREP || undefined,
  });
  for (const file of findTests(__dirname)) {
    mocha.addFile(file);
  }
  console.log(BEGIN_MARKER);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
      console.log(RESULT_MARKER + JSON.stringify({ passes: stats.passes, failures: stats.failures, pending: stats.pending }));
      if (failures > 0) {
        reject(new Error(`${failures} integration test(s) failed.`));
      } else {
        resolve();
      }
    });
  });
}
