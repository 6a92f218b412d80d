/**
 * The big file down and up on loopback, one routine for both directions: the
 * extension's transfer code (worker.ts) beside curl, plain Node, and curl
 * against a bare static server (is the server the limit?); client CPU per MiB;
 * and peak memory at two sizes (flat in size).
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { bigSource, curlBigFile, type Op, type Source, workerBigFile } from '../bigFile';
import { formatMiB, MiB, type Row, spread, type Spread } from '../common';
import { type Context, mibps, wants } from '../context';
import { fmt } from '../table';
import type { WorkerResult } from '../worker';

/** What differs in the words between the two directions. */
const WORDS = {
  download: {
    curl: 'curl',
    curlToStatic: 'curl from the static server',
    staticFigure: (size: string) => `curl download ${size}: GitShare server vs static server`,
    staticNote: (r: string) =>
      `the GitShare server delivers ${r}× what a bare node:http static server does: the server, not the client, is the limit for downloads.`,
  },
  upload: {
    curl: 'curl -T',
    curlToStatic: 'curl -T to the static server',
    staticFigure: (size: string) => `curl -T ${size}: GitShare server vs static server`,
    staticNote: (r: string) =>
      `the GitShare server accepts uploads at ${r}× the rate of a bare node:http server writing the same way (flush on close): the server is the limit for uploads.`,
  },
} as const;

export async function transferFigures(ctx: Context): Promise<void> {
  const { options } = ctx;
  const source = await bigSource(ctx, options.size);
  const sink = path.join(ctx.work, 'sink');
  await fsp.mkdir(sink, { recursive: true });
  const memoryBySize = new Map<string, WorkerResult[]>();
  for (const op of ['download', 'upload'] as const) {
    if (wants(ctx, op, 'static', 'memory')) {
      memoryBySize.set(`${op} ${options.size}`, await bigTransfer(ctx, op, source, sink));
    }
  }
  if (wants(ctx, 'memory')) {
    await memoryFigures(ctx, sink, memoryBySize);
  }
}

/** `options.runs` rounds of the big file in one direction; the extension's results (for the memory figure). */
async function bigTransfer(ctx: Context, op: Op, source: Source, sink: string): Promise<WorkerResult[]> {
  const { options } = ctx;
  const size = options.size;
  const words = WORDS[op];
  const withStatic = wants(ctx, 'static');
  ctx.log(`${op} ${formatMiB(size)} × ${options.runs}`);
  const ext: WorkerResult[] = [];
  const viaNode: number[] = [];
  const viaCurl: number[] = [];
  const viaStatic: number[] = [];
  const curlCpu: number[] = [];
  const nodeCpu: number[] = [];
  if (op === 'download') {
    // One untimed round first: the server's page cache and connections warm for everybody.
    await curlBigFile(ctx, op, source, sink, 'warm', 'gitshare');
  }
  for (let run = 0; run < options.runs; run++) {
    const steps = [
      async () => {
        const r = await curlBigFile(ctx, op, source, sink, String(run), 'gitshare');
        viaCurl.push(mibps(size, r.seconds));
        curlCpu.push(r.cpuSeconds);
      },
      async () => void ext.push(await workerBigFile(ctx, op, false, source, sink, String(run))),
      async () => {
        const r = await workerBigFile(ctx, op, true, source, sink, String(run));
        viaNode.push(mibps(size, r.seconds));
        nodeCpu.push(r.cpuSeconds!);
      },
      async () => {
        if (withStatic) {
          viaStatic.push(mibps(size, (await curlBigFile(ctx, op, source, sink, String(run), 'static')).seconds));
        }
      },
    ];
    // Alternate the order, so neither side always runs right after the other.
    for (const step of run % 2 ? steps.reverse() : steps) {
      await step();
    }
    ctx.log(
      `  run ${run + 1}: extension ${fmt(mibps(size, ext[run].seconds), 0)} MiB/s, ${words.curl} ${fmt(viaCurl[run], 0)} MiB/s, plain Node ${fmt(viaNode[run], 0)} MiB/s` +
        (withStatic ? `, ${words.curlToStatic} ${fmt(viaStatic[run], 0)} MiB/s` : ''),
    );
  }
  const extRate = spread(ext.map((r) => mibps(size, r.seconds)));
  const curlRate = spread(viaCurl);
  const ratios = spread(ext.map((r, i) => mibps(size, r.seconds) / viaCurl[i]));
  if (wants(ctx, op)) {
    ctx.table.add(
      {
        figure: `${op} ${formatMiB(size)}`,
        value: `${fmt(extRate.median, 0)} MiB/s (extension)`,
        comparison: `${fmt(curlRate.median, 0)} MiB/s (${words.curl}); plain Node ${fmt(spread(viaNode).median, 0)} MiB/s`,
        ratio: ratios,
        ratioUnit: '× curl',
        target: '≥ 0.9× curl',
        pass: ratios.median >= 0.9,
        note: nodeNote(op, ratios, spread(ext.map((r, i) => mibps(size, r.seconds) / viaNode[i]))),
        raw: { extension: ext, curlMiBps: viaCurl, plainNodeMiBps: viaNode },
      },
      cpuRow(op, size, ext, nodeCpu, curlCpu),
    );
  }
  if (withStatic) {
    const staticRate = spread(viaStatic);
    const r = spread(viaCurl.map((c, i) => c / viaStatic[i]));
    ctx.table.add({
      figure: words.staticFigure(formatMiB(size)),
      value: `${fmt(curlRate.median, 0)} MiB/s (GitShare)`,
      comparison: `${fmt(staticRate.median, 0)} MiB/s (Node static)`,
      ratio: r,
      ratioUnit: '× static',
      target: '≥ 0.9× (server not the limit)',
      pass: r.median >= 0.9,
      note: r.median < 0.9 ? words.staticNote(fmt(r.median)) : undefined,
      raw: { gitshareMiBps: viaCurl, staticMiBps: viaStatic },
    });
  }
  return ext;
}

/** The most client CPU per MiB the extension may spend, as a multiple of curl's (issue 16 item 7). */
const CPU_TARGET: Record<Op, number> = { download: 1.5, upload: 2 };

/** CPU time per MiB moved, beside curl's: unlike wall time, it hardly depends on what else the machine runs. */
function cpuRow(
  op: Op,
  size: number,
  ext: readonly WorkerResult[],
  nodeCpu: readonly number[],
  curlCpu: readonly number[],
): Row {
  const perMiB = (seconds: number) => (seconds * 1000) / (size / MiB);
  const extMs = spread(ext.map((r) => perMiB(r.cpuSeconds!)));
  const vsCurl = spread(ext.map((r, i) => r.cpuSeconds! / curlCpu[i]));
  const vsNode = spread(ext.map((r, i) => r.cpuSeconds! / nodeCpu[i]));
  const target = CPU_TARGET[op];
  return {
    figure: `client CPU per MiB, ${op}`,
    value: `${fmt(extMs.median, 2)} ms (extension)`,
    comparison: `curl ${fmt(spread(curlCpu.map(perMiB)).median, 2)} ms; plain Node ${fmt(spread(nodeCpu.map(perMiB)).median, 2)} ms (extension at ${fmt(vsNode.median)}× plain Node)`,
    ratio: vsCurl,
    ratioUnit: '× curl',
    target: `≤ ${target}× curl`,
    pass: vsCurl.median <= target,
    note:
      vsCurl.median <= target
        ? undefined
        : `the extension's ${op} spends ${fmt(vsNode.median)}× (${fmt(vsNode.min)} … ${fmt(vsNode.max)}) the CPU of plain node:http + fs streams in a fresh Node process, which itself spends ` +
          `${fmt(spread(nodeCpu.map((c, i) => c / curlCpu[i])).median)}× curl's: CPU time of the whole process (user + system, all threads) while the transfer ran.`,
    raw: { extensionCpuSeconds: ext.map((r) => r.cpuSeconds), plainNodeCpuSeconds: nodeCpu, curlCpuSeconds: curlCpu },
  };
}

/** Says whether a gap to curl is Node's or the extension's, from the plain-Node yardstick of the same run. */
function nodeNote(what: string, vsCurl: Spread, vsNode: Spread): string | undefined {
  if (vsCurl.median >= 0.9) {
    return undefined;
  }
  return (
    `the extension's ${what} reaches ${fmt(vsNode.median)}× (${fmt(vsNode.min)} … ${fmt(vsNode.max)}) of plain node:http + fs streams in a fresh Node process, ` +
    `and ${fmt(vsCurl.median)}× of curl: ` +
    (vsNode.median >= 0.85
      ? "the gap is the Node runtime against curl, not the extension's transfer code."
      : "the extension's transfer code costs beyond what Node needs.")
  );
}

/** Peak memory of the extension's transfer at a small size beside the big one: flat in size. */
async function memoryFigures(ctx: Context, sink: string, memoryBySize: Map<string, WorkerResult[]>): Promise<void> {
  const { options } = ctx;
  for (const small of options.memorySizes.filter((s) => s !== options.size)) {
    const smallSource = await bigSource(ctx, small);
    ctx.log(`memory at ${formatMiB(small)} × ${options.runs} (download and upload)`);
    for (const op of ['download', 'upload'] as const) {
      const results: WorkerResult[] = [];
      for (let run = 0; run < options.runs; run++) {
        results.push(await workerBigFile(ctx, op, false, smallSource, sink, `small-${run}`));
      }
      memoryBySize.set(`${op} ${small}`, results);
    }
  }
  for (const op of ['download', 'upload'] as const) {
    const bySize = options.memorySizes.map((s) => ({ size: s, results: memoryBySize.get(`${op} ${s}`) ?? [] }));
    for (const { size: s, results } of bySize) {
      const rss = spread(results.map((r) => r.memory.rss / MiB));
      const heap = spread(results.map((r) => r.memory.heapUsed / MiB));
      const external = spread(results.map((r) => r.memory.external / MiB));
      ctx.table.add({
        figure: `extra peak memory, ${op} ${formatMiB(s)}`,
        value: `RSS +${fmt(rss.median, 1)} MiB`,
        comparison: `heap +${fmt(heap.median, 1)}, external +${fmt(external.median, 1)} MiB; before: RSS ${fmt((results[0]?.memory.baseline.rss ?? NaN) / MiB, 0)} MiB`,
        ratio: rss,
        ratioUnit: ' MiB',
        target: '≤ 64 MiB, flat in size',
        pass: rss.median <= 64,
        raw: results.map((r) => r.memory),
      });
    }
    if (bySize.length === 2) {
      const [a, b] = bySize.map(({ results }) => spread(results.map((r) => r.memory.rss / MiB)).median);
      const growth = b - a;
      ctx.table.add({
        figure: `memory growth ${op} ${formatMiB(bySize[0].size)} → ${formatMiB(bySize[1].size)}`,
        value: `${fmt(growth, 1)} MiB`,
        comparison: `for ${formatMiB(bySize[1].size - bySize[0].size)} more`,
        ratio: undefined,
        ratioUnit: '',
        target: '≤ 16 MiB (flat)',
        pass: growth <= 16,
      });
    }
  }
}
