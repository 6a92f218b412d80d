// `npm run lint`, and the lint step of `npm test` (test/runner/all.mjs), so that what CI checks is
// what a person checks: ESLint with the house rules (eslint.config.mjs, eslint-rules/), the l10n
// bundle and package.nls.json against the sources (scripts/l10n.mjs check), and the formatting
// (prettier --check). Every check runs even when an earlier one failed, so one run shows all that
// is wrong; the exit code is 1 when any failed. `npm run format` fixes the formatting.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);

const checks = [
  { name: 'eslint', args: [bin('eslint', 'bin/eslint.js'), 'src', 'test', 'scripts', 'esbuild.mjs', 'eslint-rules'] },
  { name: 'l10n', args: [path.join(root, 'scripts', 'l10n.mjs'), 'check'] },
  { name: 'prettier', args: [bin('prettier', 'bin/prettier.cjs'), '--check', '.'] },
];

const failed = checks.filter(
  ({ args }) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status !== 0,
);
if (failed.length > 0) {
  console.error(`lint failed: ${failed.map((check) => check.name).join(', ')}`);
  process.exit(1);
}
