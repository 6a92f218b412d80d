/**
 * The big file of a transfer figure, made once, and one move of it (down or
 * up) by curl or by the extension's transfer code, with what it left behind
 * removed: shared by the loopback and the link figures.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { curl, type CurlResult, formatMiB, makeFile } from './common';
import { apiUrl, type Context, removeRemote, worker } from './context';
import type { WorkerResult } from './worker';

export type Op = 'download' | 'upload';
export interface Source {
  readonly local: string;
  readonly remote: string;
  readonly size: number;
}

/** The big file on both servers: uploaded once to GitShare, and placed in the static server's root. */
export async function bigSource(ctx: Context, size: number): Promise<Source> {
  const local = path.join(ctx.staticRoot, `big-${size}.bin`);
  const remote = `/bench/big-${size}.bin`;
  if (!fs.existsSync(local)) {
    ctx.log(`  writing a ${formatMiB(size)} source file…`);
    await makeFile(local, size);
    await curl(['-T', local, apiUrl(ctx, 'files', remote), '-o', '/dev/null'], ctx.token);
  }
  return { local, remote, size };
}

/** curl moving the big file to or from GitShare (with the token; directly or through the link) or the static server. */
export async function curlBigFile(
  ctx: Context,
  op: Op,
  source: Source,
  sink: string,
  tag: string,
  server: 'gitshare' | 'static' | 'link',
): Promise<CurlResult> {
  const token = server === 'static' ? undefined : ctx.token;
  const via = server === 'link' ? 'link' : 'loopback';
  let result: CurlResult;
  if (op === 'download') {
    const url =
      server === 'static'
        ? `${ctx.staticServer.url}/${path.basename(source.local)}`
        : apiUrl(ctx, 'files', source.remote, via);
    const out = path.join(sink, 'curl.bin');
    result = await curl(['-o', out, url], token);
    await fsp.rm(out, { force: true });
  } else {
    const remote = `/bench/up/curl-${tag}.bin`;
    const url = server === 'static' ? `${ctx.staticServer.url}/upload-${tag}.bin` : apiUrl(ctx, 'files', remote, via);
    result = await curl(['-T', source.local, '-o', '/dev/null', url], token);
    if (server === 'static') {
      await fsp.rm(path.join(ctx.staticRoot, `upload-${tag}.bin`), { force: true });
    } else {
      await removeRemote(ctx, remote);
    }
  }
  if (result.bytes !== source.size) {
    throw new Error(`curl moved ${result.bytes} of ${source.size} bytes (${op}, ${server})`);
  }
  return result;
}

/** The extension's transfer code (or, `plain`, node:http and fs streams) in a worker process. */
export async function workerBigFile(
  ctx: Context,
  op: Op,
  plain: boolean,
  source: Source,
  sink: string,
  tag: string,
  via: 'loopback' | 'link' = 'loopback',
): Promise<WorkerResult> {
  const size = source.size;
  const who = plain ? 'node' : 'ext';
  const serverUrl = via === 'link' ? ctx.link.url : ctx.gitshare.url;
  if (op === 'download') {
    const local = path.join(sink, `${who}-${tag}.bin`);
    const r = await worker(ctx, {
      mode: plain ? 'plainDownload' : 'download',
      serverUrl,
      remote: source.remote,
      local,
      size,
    });
    await fsp.rm(local, { force: true });
    return r;
  }
  const remote = `/bench/up/${who}-${tag}.bin`;
  const r = await worker(ctx, { mode: plain ? 'plainUpload' : 'upload', serverUrl, remote, local: source.local, size });
  await removeRemote(ctx, remote);
  return r;
}
