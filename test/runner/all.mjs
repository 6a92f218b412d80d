// `npm test`: lint, type-check, then the three test layers (unit, integration in a real
// VS Code extension host, e2e through the real workbench). Every step runs even when an
// earlier one failed, so one run shows everything; the exit code is non-zero when any
// step failed or a layer could not start.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemDeps, requirementsFor } from '../../scripts/systemDeps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const node = process.execPath;
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);

const steps = [
  // The same checks as `npm run lint`: one definition, scripts/lint.mjs.
  { name: 'lint', args: ['scripts/lint.mjs'] },
  { name: 'check-types', args: [bin('typescript', 'bin/tsc'), '--noEmit', '-p', '.'] },
  { name: 'compile-tests', args: [bin('typescript', 'bin/tsc'), '-p', 'test'] },
  { name: 'build', args: ['esbuild.mjs'] },
  { name: 'code-server', args: ['out/scripts/installCodeServer.js'] },
  { name: 'unit', args: ['out/test/runner/runUnit.js'], layer: true },
  { name: 'integration', args: ['out/test/runner/runIntegration.js'], layer: true },
  { name: 'e2e', args: ['out/test/runner/runE2e.js'], layer: true },
  // The e2e suites of WORKER_SUITES again, with the extension in the browser's web worker host.
  { name: 'e2e-worker', args: ['out/test/runner/runE2e.js', '--worker'], layer: true },
];

function readResult(layer) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, '.test-output', `${layer}-result.json`), 'utf8'));
  } catch {
    return undefined;
  }
}

// What the system must provide (Debian packages), installed or named before anything runs.
const missingDeps = ensureSystemDeps(requirementsFor('test'));
if (missingDeps) {
  console.error(`npm test cannot start. ${missingDeps}`);
  process.exit(1);
}

// Compiled tests of files that no longer exist must not run: start from an empty out/.
fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });

const summary = [];
let totalPassed = 0;
let totalFailed = 0;
for (const step of steps) {
  console.log(`\n=== ${step.name} ===`);
  const started = Date.now();
  const { status, signal } = spawnSync(node, step.args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = status === 0;
  let line = `${step.name.padEnd(14)} ${ok ? 'ok    ' : 'FAILED'} ${seconds.padStart(6)} s`;
  if (step.layer) {
    const result = readResult(step.name);
    if (result) {
      line += `   ${result.passes} passed, ${result.failures} failed, ${result.pending} pending of ${result.total}`;
      totalPassed += result.passes;
      totalFailed += result.failures;
      // Why the runner failed the layer beyond failed tests: skips not allowed, tests that never ran.
      for (const problem of result.problems ?? []) {
        if (problem !== `${result.failures} failed`) {
          line += `\n${' '.repeat(17)}${problem}`;
        }
      }
    } else {
      line += '   did not run (the layer could not start)';
    }
  }
  if (!ok) {
    totalFailed += step.layer && readResult(step.name)?.failures ? 0 : 1;
    if (signal) {
      line += ` (killed by ${signal})`;
    }
  }
  summary.push({ ok, line });
}

console.log('\n=== summary ===');
if (process.env.GITSHARE_TEST_GREP) {
  console.log(`GITSHARE_TEST_GREP=${process.env.GITSHARE_TEST_GREP}: only matching tests ran; this is not a full run.`);
}
for (const { line } of summary) {
  console.log(line);
}
const failed = summary.some((s) => !s.ok);
console.log(`${totalPassed} passed, ${totalFailed} failed`);
process.exit(failed ? 1 : 0);
