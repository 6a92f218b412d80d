/**
 * What every figure of the bench works with: the options, the servers and the
 * link, the scratch folder, the table the rows go to, and the few helpers that
 * make test data on the servers (the big file, a folder of small files, the
 * big folder) and run a measured job in a worker process.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { SpawnedServer } from '../server/spawn';
import { runWorker } from './common';
import type { Link } from './link/link';
import type { Figure, Options } from './options';
import type { StaticServer } from './servers';
import type { Table } from './table';
import type { WorkerRequest, WorkerResult } from './worker';

export interface Context {
  readonly options: Options;
  readonly table: Table;
  readonly log: (line: string) => void;
  readonly work: string;
  readonly gitshare: SpawnedServer;
  readonly gitshareData: string;
  readonly staticServer: StaticServer;
  readonly staticRoot: string;
  readonly token: string;
  readonly env: NodeJS.ProcessEnv;
  /** The shaping link in front of the GitShare server (127.0.0.2, so VS Code's proxy support applies in the host). */
  readonly link: Link;
  /** The big folders made so far, by entry count (made once, listed by several figures). */
  readonly bigFolders: Map<number, Promise<string>>;
}

export function wants(ctx: Context, ...figures: Figure[]): boolean {
  return figures.some((f) => ctx.options.only.has(f));
}

export const mibps = (bytes: number, seconds: number) => bytes / (1024 * 1024) / seconds;

/** The API address of `remote` on the server directly, or (`via: 'link'`) through the shaping link. */
export function apiUrl(
  ctx: Context,
  kind: 'files' | 'folders',
  remote: string,
  via: 'loopback' | 'link' = 'loopback',
): string {
  const base = via === 'link' ? ctx.link.url : ctx.gitshare.url;
  return `${base}/api/v1/${kind}${remote.split('/').map(encodeURIComponent).join('/')}`;
}

export async function removeRemote(ctx: Context, remote: string): Promise<void> {
  await fetch(apiUrl(ctx, 'files', remote) + '?recursive=true', {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${ctx.token}` },
  });
}

export function worker(ctx: Context, request: WorkerRequest): Promise<WorkerResult> {
  return runWorker<WorkerResult>('worker.js', request, ctx.env);
}

/** `n` files of 4 KiB in `dir`; their names, sorted. */
export async function writeManyFiles(dir: string, n: number): Promise<string[]> {
  await fsp.mkdir(dir, { recursive: true });
  const block = Buffer.alloc(4096);
  for (let i = 0; i < n; i++) {
    await fsp.writeFile(path.join(dir, `f${String(i).padStart(5, '0')}.txt`), block.fill(i % 251));
  }
  return (await fsp.readdir(dir)).sort();
}

/** The big folder, made once (on the server's disk directly: 10,000 PUTs would take minutes); its path. */
export function makeBigFolder(ctx: Context, n: number): Promise<string> {
  let made = ctx.bigFolders.get(n);
  if (!made) {
    made = writeBigFolder(ctx, n);
    ctx.bigFolders.set(n, made);
  }
  return made;
}

async function writeBigFolder(ctx: Context, n: number): Promise<string> {
  const folder = ctx.bigFolders.size ? `/bench-list-${n}` : '/bench-list';
  const created = await fetch(apiUrl(ctx, 'folders', folder), {
    method: 'POST',
    headers: { Authorization: `Bearer ${ctx.token}` },
  });
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(`create ${folder}: HTTP ${created.status}`);
  }
  const filesRoot = path.join(ctx.gitshareData, 'files');
  const name = folder.slice(1);
  const owner = (await fsp.readdir(filesRoot)).find((user) => fs.existsSync(path.join(filesRoot, user, name)));
  if (!owner) {
    throw new Error(`cannot find ${folder} under ${filesRoot}`);
  }
  const onDisk = path.join(filesRoot, owner, name);
  const dirs = Math.round(n / 20);
  for (let i = 0; i < n; i++) {
    const entry = `${i < dirs ? 'folder' : 'file'}-${String(i).padStart(5, '0')}${i < dirs ? '' : '.txt'}`;
    if (i < dirs) {
      await fsp.mkdir(path.join(onDisk, entry), { recursive: true });
    } else {
      await fsp.writeFile(path.join(onDisk, entry), 'x');
    }
  }
  return folder;
}
