/**
 * Many small files up on loopback: the extension's upload command code at
 * concurrency 4 beside one at a time, and curl's sequential loop beside
 * `curl --parallel --parallel-max 4` for the same files.
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runChild, spread } from '../common';
import { apiUrl, type Context, removeRemote, worker, writeManyFiles } from '../context';
import { fmt } from '../table';

export async function manyFiles(ctx: Context): Promise<void> {
  const { options } = ctx;
  const n = options.files;
  const dir = path.join(ctx.work, 'many');
  const names = await writeManyFiles(dir, n);
  ctx.log(`${n} files of 4 KiB × ${options.runs}: concurrency 4, one at a time, curl`);
  /** The extension's upload of the folder at `concurrency`, in a worker process; seconds. */
  const extension = async (concurrency: number, remote: string) => {
    const r = await worker(ctx, {
      mode: 'many',
      serverUrl: ctx.gitshare.url,
      localDir: dir,
      remoteFolder: remote,
      concurrency,
    });
    await removeRemote(ctx, remote);
    return r.seconds;
  };
  /** curl uploading the same files, one after the other or 4 at a time; seconds. */
  const viaCurl = async (parallel: boolean, remoteFolder: string) => {
    const config = path.join(ctx.work, 'curl-many.cfg');
    const lines = names.map(
      (name) =>
        `upload-file = "${path.join(dir, name)}"\nurl = "${apiUrl(ctx, 'files', `${remoteFolder}/many/${name}`)}"\noutput = "/dev/null"\n`,
    );
    await fsp.writeFile(config, `header = "Authorization: Bearer ${ctx.token}"\n` + lines.join(''));
    const started = performance.now();
    const r = await runChild('curl', [
      '-sS',
      '--fail',
      ...(parallel ? ['--parallel', '--parallel-max', '4'] : []),
      '-K',
      config,
    ]);
    const seconds = (performance.now() - started) / 1000;
    await fsp.rm(config, { force: true });
    if (r.code !== 0) {
      throw new Error(`curl loop failed: ${r.stderr}`);
    }
    await removeRemote(ctx, remoteFolder);
    return seconds;
  };
  const t4: number[] = [];
  const t1: number[] = [];
  const tCurl: number[] = [];
  const tCurlParallel: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const steps = [
      async () => void t4.push(await extension(4, `/bench/many/c4-${run}`)),
      async () => void t1.push(await extension(1, `/bench/many/c1-${run}`)),
      async () => void tCurl.push(await viaCurl(false, `/bench/many/curl-${run}`)),
      async () => void tCurlParallel.push(await viaCurl(true, `/bench/many/curlp-${run}`)),
    ];
    // Alternate the order, so neither side always runs right after the other.
    for (const step of run % 2 ? steps.reverse() : steps) {
      await step();
    }
    ctx.log(
      `  run ${run + 1}: concurrency 4 ${fmt(t4[run])} s, one at a time ${fmt(t1[run])} s, curl loop ${fmt(tCurl[run])} s, curl --parallel 4 ${fmt(tCurlParallel[run])} s`,
    );
  }
  const speedup = spread(t4.map((t, i) => t1[i] / t));
  const curlSpeedup = spread(tCurl.map((t, i) => t / tCurlParallel[i]));
  ctx.table.add({
    figure: `${n} files of 4 KiB up, concurrency 4`,
    value: `${fmt(spread(t4).median)} s (${fmt(n / spread(t4).median, 0)} files/s)`,
    comparison: `one at a time ${fmt(spread(t1).median)} s; curl loop ${fmt(spread(tCurl).median)} s; curl --parallel 4 ${fmt(spread(tCurlParallel).median)} s`,
    ratio: speedup,
    ratioUnit: '× faster',
    target: '≥ 4× one at a time',
    pass: speedup.median >= 4,
    note:
      speedup.median >= 4
        ? undefined
        : `curl itself gains only ${fmt(curlSpeedup.median)}× from 4 parallel connections over its sequential loop on this machine: ` +
          `on ${os.cpus().length} cores the client, the server and the disk's fsync per file share the CPUs, so 4 requests in flight cannot take a quarter of the time.`,
    raw: { concurrency4: t4, oneAtATime: t1, curlLoop: tCurl, curlParallel4: tCurlParallel },
  });
  await fsp.rm(dir, { recursive: true, force: true });
}
