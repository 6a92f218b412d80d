/**
 * Start-up figures: the production entry bundles' sizes, and activation in the
 * real extension host beside an empty extension in the same window (measure.ts).
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../support/paths';
import { runChild, spread } from '../common';
import type { Context } from '../context';
import { fmt } from '../table';
import { measureActivation } from './measure';

/** `node esbuild.mjs --production` exactly, in a scratch copy of the project's top level so dist/ of the checkout is left alone. */
export async function productionBundle(ctx: Context): Promise<string> {
  const dir = path.join(ctx.work, 'extension');
  await fsp.mkdir(dir, { recursive: true });
  for (const name of ['src', 'node_modules', 'media', 'tsconfig.json']) {
    await fsp.symlink(path.join(repoRoot, name), path.join(dir, name));
  }
  for (const name of ['package.json', 'esbuild.mjs']) {
    await fsp.copyFile(path.join(repoRoot, name), path.join(dir, name));
  }
  const result = await runChild(process.execPath, ['esbuild.mjs', '--production'], { cwd: dir });
  if (result.code !== 0) {
    throw new Error(`production build failed: ${result.stderr || result.stdout}`);
  }
  return dir;
}

export async function bundleSize(ctx: Context, dir: string): Promise<void> {
  // What esbuild.mjs puts beside the entry bundles, loaded on first use, not at activation.
  const lazy: string[] = [];
  for (const name of (await fsp.readdir(path.join(dir, 'dist'))).filter((n) => n.endsWith('.mjs')).sort()) {
    lazy.push(`${name} ${fmt((await fsp.stat(path.join(dir, 'dist', name))).size / 1024, 1)} KB`);
  }
  // One entry bundle per extension host: package.json `main` (Node) and `browser` (web worker).
  const entries = [
    { file: 'extension.js', host: 'the Node extension host', lazy },
    { file: 'browser.js', host: 'the web worker extension host', lazy: [] },
  ];
  for (const entry of entries) {
    const kb = (await fsp.stat(path.join(dir, 'dist', entry.file))).size / 1024;
    ctx.table.add({
      figure: `entry bundle dist/${entry.file} (production), loaded at activation in ${entry.host}`,
      value: `${fmt(kb, 1)} KB`,
      comparison: entry.lazy.length ? `on first use: ${entry.lazy.join(', ')}` : '—',
      ratio: { median: kb, min: kb, max: kb, runs: 1 },
      ratioUnit: ' KB',
      target: '≤ 150 KB',
      pass: kb <= 150,
    });
  }
}

export async function activation(ctx: Context, dir: string): Promise<void> {
  ctx.log(`activation in code-server × ${ctx.options.activationRuns}`);
  const runs = await measureActivation(dir, ctx.options.activationRuns, ctx.log);
  const ms = spread(runs.map((r) => r.vscodeMs));
  const empty = spread(runs.map((r) => r.yardstickMs));
  const around = runs.filter((r) => r.aroundActivateMs !== undefined).map((r) => r.aroundActivateMs!);
  const load = spread(runs.map((r) => r.loadAverage));
  ctx.table.add({
    figure: 'activation in the extension host (code-server)',
    value:
      `${fmt(ms.median, 0)} ms (VS Code's figure)` +
      (around.length ? `; around activate() ${fmt(spread(around).median, 0)} ms` : ''),
    comparison: `empty extension in the same window ${fmt(empty.median, 0)} ms`,
    ratio: ms,
    ratioUnit: ' ms',
    target: '≤ 50 ms',
    pass: ms.median <= 50,
    note:
      "VS Code's own measure from the Running Extensions editor: code loading + the activate() call, for the production bundle in VS Code 1.139.1 " +
      `(code-server 4.139.1, extension host on Node 24), with an extension whose activate() is empty beside it as the yardstick; ` +
      `1-minute load average during the runs ${fmt(load.min, 1)} … ${fmt(load.max, 1)} on ${os.cpus().length} cores, so the absolute milliseconds carry the machine's noise.`,
    raw: runs,
  });
}
