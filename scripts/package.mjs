// `npm run package`: builds the .vsix with @vscode/vsce (after the production bundle) and prints its size and contents.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, `${name}-${version}.vsix`);
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
// --no-dependencies: everything the extension needs at run time is in the esbuild bundle.
// Relative links in README.md (the screenshot) resolve against the repository.
const base = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).repository.url.replace(/\.git$/, '');
execFileSync(
  process.execPath,
  [
    vsce,
    'package',
    '--no-dependencies',
    '--out',
    out,
    '--baseContentUrl',
    `${base}/raw/main`,
    '--baseImagesUrl',
    `${base}/raw/main`,
  ],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);
const listing = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
console.log(`Packaged ${path.relative(root, out)}: ${(fs.statSync(out).size / 1024).toFixed(1)} KB`);
console.log(
  listing
    .trim()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n'),
);
