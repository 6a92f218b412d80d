/**
 * The figures over the shaping link (link.ts, linkProxy.ts): big files at the
 * link's rate, many small files at the round-trip limit, and a big folder's
 * pages; each beside its physical limit from the link's profile and, where
 * curl can do the same, curl through the same link.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { DEFAULT_PAGE_SIZE } from '../../../src/filesView/folderCache';
import { bigSource, curlBigFile, workerBigFile } from '../bigFile';
import { formatMiB, runChild, spread } from '../common';
import { apiUrl, type Context, makeBigFolder, removeRemote, worker, writeManyFiles } from '../context';
import { fmt } from '../table';
import type { WorkerResult } from '../worker';
import { linkText, manyLimit, rttSeconds, timingText, wireSeconds } from './link';

/** Big files at the link's rate: limit one round trip + bytes ÷ rate; curl through the same link. */
export async function linkBig(ctx: Context): Promise<void> {
  const { options, link } = ctx;
  const size = options.linkSize;
  const source = await bigSource(ctx, size);
  const sink = path.join(ctx.work, 'sink-link');
  await fsp.mkdir(sink, { recursive: true });
  const limit = rttSeconds(link.profile) + wireSeconds(link.profile, size);
  ctx.log(
    `over the link (${linkText(link.profile)}): ${formatMiB(size)} down and up × ${options.linkRuns}; limit ${fmt(limit)} s`,
  );
  for (const op of ['download', 'upload'] as const) {
    const ext: number[] = [];
    const viaCurl: number[] = [];
    for (let run = 0; run < options.linkRuns; run++) {
      const tag = `link-${run}`;
      const steps = [
        async () => void viaCurl.push((await curlBigFile(ctx, op, source, sink, tag, 'link')).seconds),
        async () => void ext.push((await workerBigFile(ctx, op, false, source, sink, tag, 'link')).seconds),
      ];
      for (const step of run % 2 ? steps.reverse() : steps) {
        await step();
      }
      ctx.log(`  ${op} run ${run + 1}: extension ${fmt(ext[run])} s, curl ${fmt(viaCurl[run])} s`);
    }
    const ofLimit = spread(ext.map((t) => limit / t));
    const vsCurl = spread(ext.map((t, i) => viaCurl[i] / t));
    ctx.table.add({
      figure: `${op} ${formatMiB(size)} over the link (${linkText(link.profile)})`,
      value: `${fmt(spread(ext).median)} s (extension)`,
      comparison: `limit ${fmt(limit)} s (1 RTT + bytes ÷ rate); curl ${fmt(spread(viaCurl).median)} s (extension at ${fmt(vsCurl.median)}× curl's speed)`,
      ratio: ofLimit,
      ratioUnit: '× limit',
      target: '≥ 0.95× limit, ≥ 1.0× curl',
      pass: ofLimit.median >= 0.95 && vsCurl.median >= 1.0,
      note:
        ofLimit.median >= 0.95 && vsCurl.median >= 1.0
          ? undefined
          : `over the link the extension takes ${fmt(spread(ext).median)} s, curl ${fmt(spread(viaCurl).median)} s (extension speed ${fmt(vsCurl.median)}× curl's), the limit ${fmt(limit)} s.`,
      raw: { extensionSeconds: ext, curlSeconds: viaCurl, limitSeconds: limit },
    });
  }
}

/** Many small files up and down over the link, with the transfer code the commands use, beside curl --parallel at the same concurrency. */
export async function linkMany(ctx: Context): Promise<void> {
  const { options, link } = ctx;
  const n = options.files;
  const c = options.concurrency;
  const dir = path.join(ctx.work, 'many-link', 'many');
  const names = await writeManyFiles(dir, n);
  const limit = manyLimit(link.profile, n, c, n * 4096);
  ctx.log(
    `over the link (${linkText(link.profile)}): ${n} files of 4 KiB up and down at concurrency ${c} × ${options.linkRuns}; limit ${fmt(limit)} s`,
  );
  const curlParallel = async (op: 'upload' | 'download', remoteFolder: string, localFolder: string) => {
    const config = path.join(ctx.work, 'curl-many-link.cfg');
    const lines = names.map((name) => {
      const url = apiUrl(ctx, 'files', `${remoteFolder}/${name}`, 'link');
      return op === 'upload'
        ? `upload-file = "${path.join(localFolder, name)}"\nurl = "${url}"\noutput = "/dev/null"\n`
        : `url = "${url}"\noutput = "${path.join(localFolder, name)}"\n`;
    });
    await fsp.writeFile(config, `header = "Authorization: Bearer ${ctx.token}"\n` + lines.join(''));
    await link.reset();
    const started = performance.now();
    const r = await runChild('curl', ['-sS', '--fail', '--parallel', '--parallel-max', String(c), '-K', config]);
    const seconds = (performance.now() - started) / 1000;
    await fsp.rm(config, { force: true });
    if (r.code !== 0) {
      throw new Error(`curl --parallel failed: ${r.stderr}`);
    }
    return { seconds, connections: (await link.stats()).connections };
  };
  const perRun = () => ({
    ext: [] as number[],
    extConnections: [] as number[],
    curl: [] as number[],
    curlConnections: [] as number[],
    loopback: [] as number[],
  });
  const results = { upload: perRun(), download: perRun() };
  for (let run = 0; run < options.linkRuns; run++) {
    const base = `/bench/many-link/${run}`;
    const down = path.join(ctx.work, 'many-link', `down-${run}`);
    const said: string[] = [];
    // Uploads first: their results are what the downloads fetch.
    for (const op of ['upload', 'download'] as const) {
      const r = results[op];
      // Where each side (the extension through the link, curl, the extension on loopback) puts its copy, and from where.
      const remote = (who: string) => (op === 'upload' ? `${base}/${who}` : `${base}/ext/many`);
      const local = async (who: string) => {
        if (op === 'upload') {
          return dir;
        }
        await fsp.mkdir(path.join(down, who), { recursive: true });
        return path.join(down, who);
      };
      const extension = async (serverUrl: string, who: string) =>
        (
          await worker(ctx, {
            mode: op === 'upload' ? 'many' : 'manyDown',
            serverUrl,
            localDir: await local(who),
            remoteFolder: remote(who),
            concurrency: c,
          })
        ).seconds;
      await link.reset();
      r.ext.push(await extension(link.url, 'ext'));
      const stats = await link.stats();
      r.extConnections.push(stats.connections);
      // Where the time went, to set beside the same in the extension host (host/figures.ts).
      ctx.log(`    ${op} at the link (extension's code in plain Node): ${timingText(stats.timing)}`);
      const viaCurl = await curlParallel(
        op,
        op === 'upload' ? `${base}/curl/many` : remote('curl'),
        await local('curl'),
      );
      r.curl.push(viaCurl.seconds);
      r.curlConnections.push(viaCurl.connections);
      // The same work without the link: what the server and this machine cost per file.
      r.loopback.push(await extension(ctx.gitshare.url, 'loop'));
      said.push(
        `${op === 'upload' ? 'up' : 'down'} ${fmt(r.ext[run])} s (${r.extConnections[run]} connections), curl ${fmt(viaCurl.seconds)} s (${viaCurl.connections}), loopback ${fmt(r.loopback[run])} s`,
      );
    }
    await fsp.rm(down, { recursive: true, force: true });
    await removeRemote(ctx, base);
    ctx.log(`  run ${run + 1}: ${said.join('; ')}`);
  }
  for (const op of ['upload', 'download'] as const) {
    const r = results[op];
    const ofLimit = spread(r.ext.map((t) => t / limit));
    const vsCurl = spread(r.ext.map((t, i) => r.curl[i] / t));
    const loop = spread(r.loopback).median;
    const pass = ofLimit.median <= 1.25 && vsCurl.median >= 1;
    ctx.table.add({
      figure: `${n} files of 4 KiB ${op === 'upload' ? 'up' : 'down'} over the link, concurrency ${c}`,
      value: `${fmt(spread(r.ext).median)} s, ${spread(r.extConnections).median} TCP connections`,
      comparison: `limit ${fmt(limit)} s (⌈n÷c⌉ RTT + bytes÷rate); curl --parallel-max ${c} ${fmt(spread(r.curl).median)} s, ${spread(r.curlConnections).median} connections; same on loopback ${fmt(loop)} s`,
      ratio: ofLimit,
      ratioUnit: '× limit',
      target: '≤ 1.25× limit, faster than curl, ≈ c connections',
      pass,
      note: pass
        ? undefined
        : `without the link the same ${op} takes ${fmt(loop)} s at concurrency ${c} on this machine (the server's and the client's work per file, no round trips): ` +
          `${fmt(loop / limit)}× the link's limit before any round trip is paid, so the limit cannot be reached here; curl takes ${fmt(spread(r.curl).median)} s through the same link.`,
      raw: { ...r, limitSeconds: limit },
    });
  }
  await fsp.rm(path.join(ctx.work, 'many-link'), { recursive: true, force: true });
}

/** A big folder over the link: the first page in the tree within one RTT + 100 ms, the whole folder within 1.25× ⌈N ÷ 1000⌉ round trips. */
export async function linkListing(ctx: Context): Promise<void> {
  const { options, link } = ctx;
  const n = options.entries;
  const folder = await makeBigFolder(ctx, n);
  const pages = Math.ceil(n / 1000);
  const rtt = rttSeconds(link.profile);
  const firstTarget = rtt + 0.1;
  const wholeLimit = pages * rtt;
  ctx.log(
    `over the link (${linkText(link.profile)}): listing ${n} entries in pages of ${DEFAULT_PAGE_SIZE} × ${options.linkRuns}`,
  );
  const runs: WorkerResult[] = [];
  for (let run = 0; run < options.linkRuns; run++) {
    const r = await worker(ctx, {
      mode: 'listing',
      serverUrl: link.url,
      folder,
      pageSize: DEFAULT_PAGE_SIZE,
      passes: 2,
    });
    if (r.items! < n) {
      throw new Error(`the listing over the link saw ${r.items} of ${n} entries`);
    }
    runs.push(r);
    ctx.log(
      `  run ${run + 1}: first page ${fmt(r.firstPageSeconds!.at(-1)! * 1000, 0)} ms, whole folder ${fmt(r.seconds * 1000, 0)} ms in ${r.requests} pages`,
    );
  }
  // The same on loopback: what the server and the client cost per page without round trips.
  const loop = await worker(ctx, {
    mode: 'listing',
    serverUrl: ctx.gitshare.url,
    folder,
    pageSize: DEFAULT_PAGE_SIZE,
    passes: 2,
  });
  const first = spread(runs.map((r) => r.firstPageSeconds!.at(-1)!));
  const whole = spread(runs.map((r) => r.seconds / wholeLimit));
  ctx.table.add({
    figure: `first page of a ${n}-entry folder over the link`,
    value: `${fmt(first.median * 1000, 0)} ms`,
    comparison: `one RTT ${link.profile.rttMs} ms; on loopback ${fmt(loop.firstPageSeconds!.at(-1)! * 1000, 0)} ms`,
    ratio: { median: first.median * 1000, min: first.min * 1000, max: first.max * 1000, runs: first.runs },
    ratioUnit: ' ms',
    target: `≤ ${fmt(firstTarget * 1000, 0)} ms (RTT + 100 ms)`,
    pass: first.median <= firstTarget,
    raw: runs.map((r) => r.firstPageSeconds),
  });
  ctx.table.add({
    figure: `whole ${n}-entry folder over the link ("Load more" as soon as shown)`,
    value: `${fmt(spread(runs.map((r) => r.seconds)).median * 1000, 0)} ms in ${runs[0].requests} pages`,
    comparison: `limit ${fmt(wholeLimit * 1000, 0)} ms (⌈N÷1000⌉ RTT); on loopback ${fmt(loop.seconds * 1000, 0)} ms`,
    ratio: whole,
    ratioUnit: '× limit',
    target: '≤ 1.25× limit',
    pass: whole.median <= 1.25,
    note:
      whole.median <= 1.25
        ? undefined
        : `on loopback, with no round trip to pay, the same ${runs[0].requests} pages take ${fmt(loop.seconds * 1000, 0)} ms here (the server describes each entry of a page with an lstat; the client parses and builds nodes; each page's bytes cross the link at its rate): ` +
          `${fmt(loop.seconds / wholeLimit)}× the link's limit before any round trip.`,
    raw: { runs: runs.map((r) => r.seconds), loopback: loop.seconds, limit: wholeLimit },
  });
}
