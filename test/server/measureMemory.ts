/**
 * Measures the server's memory during a large upload and download (default 1 GiB), over loopback
 * with curl, against the CLI running as a child process. Not part of the test suite (too slow);
 * run: `npx tsc -p test/server && node out/test/server/measureMemory.js [MiB]`.
 *
 * Prints the child's resident set size (VmRSS) before, the peak while each transfer runs (sampled
 * every 50 ms, and the kernel's high-water mark VmHWM), and checks the round trip byte for byte.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { authorizeAsUser } from './browser';
import { spawnServer } from './spawn';

function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

async function run(pid: number, args: string[]): Promise<{ peakRss: number; seconds: number }> {
  let peakRss = 0;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, memory(pid).rss);
  }, 50);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const curl = spawn('curl', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    curl.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`curl exited ${code}`))));
  });
  clearInterval(timer);
  return { peakRss, seconds: (Date.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const mib = Number(process.argv[2] ?? 1024);
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-mem-'));
  const source = path.join(work, 'source.bin');
  const back = path.join(work, 'back.bin');
  try {
    // Random content, written in 1 MiB blocks.
    const out = createWriteStream(source);
    for (let i = 0; i < mib; i++) {
      if (!out.write(randomBytes(1024 * 1024))) {
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    }
    await new Promise<void>((resolve) => out.end(resolve));
    const server = await spawnServer(['--data', path.join(work, 'data'), '--quiet']);
    const pid = server.process.pid!;
    try {
      const reg = (await (
        await fetch(`${server.url}/oauth2/register/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_name: 'measure', redirect_uris: ['http://127.0.0.1/cb'] }),
        })
      ).json()) as { client_id: string; client_secret: string };
      const location = await authorizeAsUser(
        `${server.url}/oauth2/authorize/?client_id=${reg.client_id}&response_type=code&redirect_uri=${encodeURIComponent('http://127.0.0.1/cb')}`,
        { username: 'demo', password: 'demo', decision: 'allow' },
      );
      const code = new URL(location).searchParams.get('code')!;
      const token = (await (
        await fetch(`${server.url}/oauth2/token/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            redirect_uri: 'http://127.0.0.1/cb',
            client_id: reg.client_id,
            client_secret: reg.client_secret,
          }).toString(),
        })
      ).json()) as { access_token: string };
      const auth = `Authorization: Bearer ${token.access_token}`;
      const idle = memory(pid);
      const up = await run(pid, [
        '-sS',
        '--fail',
        '-T',
        source,
        '-H',
        auth,
        '-H',
        'Content-Type: application/octet-stream',
        `${server.url}/api/v1/files/big/source.bin`,
      ]);
      const afterUp = memory(pid);
      const down = await run(pid, [
        '-sS',
        '--fail',
        '-o',
        back,
        '-H',
        auth,
        `${server.url}/api/v1/files/big/source.bin`,
      ]);
      const afterDown = memory(pid);
      const [a, b] = await Promise.all([sha256(source), sha256(back)]);
      const fmt = (n: number): string => `${n.toFixed(1)} MiB`;
      console.log(
        `node ${execFileSync('node', ['-v']).toString().trim()}, ${mib} MiB of random bytes over ${server.url}`,
      );
      console.log(`server RSS idle (signed in):       ${fmt(idle.rss)}`);
      console.log(`upload   ${up.seconds.toFixed(1)} s, peak RSS ${fmt(up.peakRss)}, after ${fmt(afterUp.rss)}`);
      console.log(`download ${down.seconds.toFixed(1)} s, peak RSS ${fmt(down.peakRss)}, after ${fmt(afterDown.rss)}`);
      console.log(`kernel high-water mark VmHWM:      ${fmt(afterDown.hwm)}`);
      console.log(`round trip byte-exact: ${a === b} (sha256 ${a.slice(0, 16)}…)`);
      if (a !== b) {
        process.exitCode = 1;
      }
    } finally {
      await server.close();
    }
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
