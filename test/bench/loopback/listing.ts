/**
 * Listing a big folder on loopback into the tree's nodes (FolderCache and the
 * node classes, as the Files view does), beside plain node:http + JSON.parse
 * fetching the same pages.
 */
import { DEFAULT_PAGE_SIZE } from '../../../src/filesView/folderCache';
import { spread } from '../common';
import { type Context, makeBigFolder, worker } from '../context';
import { fmt } from '../table';
import type { WorkerResult } from '../worker';

export async function listing(ctx: Context): Promise<void> {
  const { options } = ctx;
  const n = options.entries;
  const folder = await makeBigFolder(ctx, n);
  const dirs = Math.round(n / 20);
  ctx.log(`listing ${n} entries (${dirs} folders) in pages of ${DEFAULT_PAGE_SIZE} × ${options.runs}`);
  const passes = 3;
  const ext: WorkerResult[] = [];
  const plain: WorkerResult[] = [];
  for (let run = 0; run < options.runs; run++) {
    const steps = [
      async () =>
        ext.push(
          await worker(ctx, {
            mode: 'listing',
            serverUrl: ctx.gitshare.url,
            folder,
            pageSize: DEFAULT_PAGE_SIZE,
            passes,
          }),
        ),
      async () =>
        plain.push(
          await worker(ctx, {
            mode: 'plainListing',
            serverUrl: ctx.gitshare.url,
            folder,
            pageSize: DEFAULT_PAGE_SIZE,
            passes,
          }),
        ),
    ];
    for (const step of run % 2 ? steps.reverse() : steps) {
      await step();
    }
    if (ext[run].items! < n || plain[run].items !== n) {
      throw new Error(`listing saw ${ext[run].items} / ${plain[run].items} of ${n} entries`);
    }
    ctx.log(
      `  run ${run + 1}: extension ${fmt(ext[run].seconds * 1000, 0)} ms (cold ${fmt(ext[run].passSeconds![0] * 1000, 0)} ms), plain HTTP ${fmt(plain[run].seconds * 1000, 0)} ms (cold ${fmt(plain[run].passSeconds![0] * 1000, 0)} ms), ${ext[run].requests} pages`,
    );
  }
  const ratios = spread(ext.map((r, i) => r.seconds / plain[i].seconds));
  const coldRatios = spread(ext.map((r, i) => r.passSeconds![0] / plain[i].passSeconds![0]));
  ctx.table.add({
    figure: `list ${n} entries into tree nodes`,
    value: `${fmt(spread(ext.map((r) => r.seconds * 1000)).median, 0)} ms (FolderCache + nodes)`,
    comparison: `${fmt(spread(plain.map((r) => r.seconds * 1000)).median, 0)} ms (plain node:http + JSON.parse)`,
    ratio: ratios,
    ratioUnit: '× plain',
    target: '≤ 1.5× plain',
    pass: ratios.median <= 1.5,
    note:
      `measured warm (third pass in a fresh process; the cold first pass is ${fmt(coldRatios.median)}× plain). ` +
      'The extension side is FolderCache.get + loadMore page by page (as "Load more…" does) and, after each page, the provider\'s children ' +
      '(EntryNode per entry + LoadMoreNode), all vscode-free; vscode.TreeItem construction (FilesTreeItem) needs the vscode module and is not included.',
    raw: { extension: ext, plain },
  });
}
