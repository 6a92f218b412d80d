import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';

/**
 * Every compiled test file (`*.test.js`) below `dir`, in a stable order, whose TypeScript source
 * still exists: a test moved or deleted since the last build leaves its old `.js` in `out/`
 * (`npm test` empties `out/`, the single-layer scripts do not), and it must not run or count.
 */
export function findTests(dir: string): string[] {
  const outRoot = path.join(repoRoot, 'out');
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort()
    .map((file) => path.join(dir, file))
    .filter((file) => fs.existsSync(path.join(repoRoot, path.relative(outRoot, file)).replace(/\.js$/, '.ts')));
}
