/**
 * The figures measured in the real extension host (measure.ts, probe.ts): the
 * small files through the palette's commands over the link, the requests each
 * user action costs, and whether `http.proxy` is still honoured.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { type Context, writeManyFiles } from '../context';
import { manyLimit, timingText } from '../link/link';
import { fmt } from '../table';
import { measureInHost } from './measure';

/**
 * In the real extension host (code-server), through the same link, in one window: the small files through the
 * palette's Upload… and Download… (`transfers`), and the requests each user action costs (`actions`).
 */
export async function inHost(
  ctx: Context,
  extensionDir: string,
  want: { transfers: boolean; actions: boolean },
): Promise<void> {
  const { options, link } = ctx;
  const n = options.files;
  const c = options.concurrency;
  const dir = path.join(ctx.work, 'many-host', 'many');
  await writeManyFiles(dir, n);
  const limit = manyLimit(link.profile, n, c, n * 4096);
  ctx.log(
    `in the extension host (code-server) over the link:` +
      (want.transfers ? ` ${n} files of 4 KiB up and down at concurrency ${c};` : '') +
      (want.actions ? ' requests per user action' : ''),
  );
  const result = await measureInHost(
    extensionDir,
    {
      serverUrl: link.url,
      linkControlUrl: link.controlUrl,
      localDir: dir,
      files: n,
      concurrencies: want.transfers ? [c] : [],
      actions: want.actions,
    },
    ctx.log,
  );
  for (const a of result.actions ?? []) {
    ctx.table.add({
      figure: `requests: ${a.action}`,
      value: `${a.total} (${Object.entries(a.requests)
        .map(([route, k]) => `${k} × ${route}`)
        .join(', ')})`,
      comparison: `fewest the contract allows: ${a.minimumText}`,
      ratio: { median: a.total, min: a.total, max: a.total, runs: 1 },
      ratioUnit: ' requests',
      target: `≤ ${a.minimum}`,
      pass: a.total <= a.minimum,
      raw: a,
    });
  }
  for (const step of result.steps) {
    const decision = step.proxyDecisionMs
      ? `; from http.request() to its socket (VS Code's proxy decision): median ${fmt(step.proxyDecisionMs.median, 1)} ms, p90 ${fmt(step.proxyDecisionMs.p90, 1)} ms`
      : '';
    const noProxy = step.noProxy ? ', http.noProxy naming the server' : '';
    ctx.log(
      `  ${step.what} at ${step.concurrency}${noProxy}: ${fmt(step.seconds)} s, ${step.connections} new TCP connections, ${step.files} files` +
        (step.timing ? `; at the link: ${timingText(step.timing)}` : '') +
        decision,
    );
    if (step.files !== n) {
      throw new Error(`the host ${step.what} moved ${step.files} of ${n} files`);
    }
    ctx.table.add({
      figure: `${n} files of 4 KiB ${step.what === 'upload' ? 'up' : 'down'} in the extension host over the link, concurrency ${step.concurrency}${noProxy}`,
      value: `${fmt(step.seconds)} s, ${step.connections} TCP connections`,
      comparison:
        `limit ${fmt(limit)} s; the palette's ${step.what === 'upload' ? 'Upload…' : 'Download…'} of a folder in code-server` +
        (step.timing ? `; at the link: ${timingText(step.timing)}` : '') +
        decision,
      ratio: { median: step.seconds / limit, min: step.seconds / limit, max: step.seconds / limit, runs: 1 },
      ratioUnit: '× limit',
      target: `≤ 1.25× limit, ≤ ${step.concurrency} connections`,
      pass: step.seconds / limit <= 1.25 && step.connections <= step.concurrency,
      raw: step,
    });
  }
  const p = result.proxy;
  if (!p) {
    return;
  }
  ctx.log(
    `  with http.proxy set: ${p.requests} requests through the proxy (${p.connections} connections to it), ${p.files} files, ${fmt(p.seconds)} s`,
  );
  ctx.table.add({
    figure: 'http.proxy honoured in the extension host',
    value: `${p.requests} requests through the proxy for ${n} files`,
    comparison: `${p.connections} connections to the proxy (proxied requests get a new connection each: VS Code's proxy agent)`,
    ratio: undefined,
    ratioUnit: '',
    target: '≥ 1 request per file through the proxy',
    pass: p.requests >= n && p.files === n,
    raw: p,
  });
  await fsp.rm(path.join(ctx.work, 'many-host'), { recursive: true, force: true });
}
