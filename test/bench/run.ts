/**
 * `npm run bench [-- options]`: how fast and how lean the extension is, each
 * figure measured side by side with its yardstick in the same run (ratios, not
 * absolute times), as the median of several runs with min and max.
 * Not part of `npm test`. See "Measuring" in CONTRIBUTING.md, and docs/performance.md for the
 * last full run.
 *
 *   --quick              small sizes for development (64 MiB, 100 files, 2,000 entries, fewer runs)
 *   --size MIB           size of the big transfer (default 1024)
 *   --runs N             runs per figure (default 5; quick 3)
 *   --files N            small files for the many-files figure (default 1000)
 *   --entries N          entries in the listed folder (default 10000)
 *   --activation-runs N  code-server windows for the activation figure (default 3; quick 1)
 *   --index-files N      files in the account indexed for Go to File (default 100000; quick 5000)
 *   --only a,b           figures: download,upload,static,memory,many,listing,index,bundle,activation,
 *                        link-big,link-many,link-host,link-listing,requests,web-big,web-limit
 *   --rtt-ms N           the link's round-trip time (default 40)
 *   --mbit N             the link's rate in Mbit/s (default 200)
 *   --link-size MIB      size of the big transfer over the link (default 256; quick 32)
 *   --concurrency N      transfers at once for the small files (default: the extension's default)
 *   --web-size MIB       the big file through the browser's web worker host (default 32)
 *   --web-limit-mib A,B  sizes tried through the worker for its file limit (default 64,128,256,512;
 *                        quick 64,512)
 *
 * The link figures run through a shaping proxy (link/linkProxy.ts) that adds the
 * round trip and the rate cap, curl through the same proxy; each prints the
 * physical limit from the profile and the ratio to it.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { outputDir, repoRoot } from '../support/paths';
import type { SpawnedServer } from '../server/spawn';
import { activation, bundleSize, productionBundle } from './activation/figures';
import { describeMachine } from './common';
import type { Context } from './context';
import { indexFigures } from './fileIndex';
import { inHost } from './host/figures';
import { inWebWorker } from './web/figures';
import { linkBig, linkListing, linkMany } from './link/figures';
import { type Link, linkText, startLink } from './link/link';
import { listing } from './loopback/listing';
import { manyFiles } from './loopback/many';
import { transferFigures } from './loopback/transfers';
import { type Figure, parseOptions } from './options';
import { bearerToken, startGitShare, startStatic, type StaticServer } from './servers';
import { Table } from './table';

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machine = describeMachine();
  const started = new Date();
  console.log(`GitShare bench, ${started.toISOString()}${options.quick ? ' (quick)' : ''}\n${machine.text}\n`);
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-bench-'));
  const gitshareData = path.join(work, 'gitshare-data');
  const staticRoot = path.join(work, 'static');
  await fsp.mkdir(staticRoot, { recursive: true });
  let gitshare: SpawnedServer | undefined;
  let staticServer: StaticServer | undefined;
  let link: Link | undefined;
  const failures: string[] = [];
  const table = new Table();
  const attempt = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${name}: ${message}`);
      console.error(`${name} could not be measured: ${message}`);
    }
  };
  try {
    // The link first: the server's public URL (its OAuth issuer) is the link's address, so a
    // sign-in through the link (the extension host's) meets an issuer it accepts.
    link = await startLink(undefined, options.link, '127.0.0.2');
    gitshare = await startGitShare(gitshareData, link.url);
    await link.setTarget(gitshare.url);
    staticServer = await startStatic(staticRoot);
    const token = await bearerToken(link.url);
    const ctx: Context = {
      options,
      table,
      log,
      work,
      gitshare,
      gitshareData,
      staticServer,
      staticRoot,
      token,
      env: { GITSHARE_BENCH_TOKEN: token },
      link,
      bigFolders: new Map(),
    };
    log(
      `GitShare server ${gitshare.url} (child process), static server ${staticServer.url} (child process, node:http), ` +
        `link ${link.url} → GitShare (${linkText(options.link)}, child process)`,
    );
    const want = (f: Figure) => options.only.has(f);
    if (
      want('bundle') ||
      want('activation') ||
      want('link-host') ||
      want('requests') ||
      want('web-big') ||
      want('web-limit')
    ) {
      let dir: string | undefined;
      await attempt('bundle', async () => {
        dir = await productionBundle(ctx);
        if (want('bundle')) {
          await bundleSize(ctx, dir);
        }
      });
      if (dir && want('activation')) {
        await attempt('activation', () => activation(ctx, dir!));
      }
      if (dir && (want('link-host') || want('requests'))) {
        // One code-server window for both.
        await attempt('link-host', () =>
          inHost(ctx, dir!, { transfers: want('link-host'), actions: want('requests') }),
        );
      }
      if (dir && (want('web-big') || want('web-limit'))) {
        // One code-server window, the extension in the browser's web worker host.
        await attempt('web', () => inWebWorker(ctx, dir!, { big: want('web-big'), limit: want('web-limit') }));
      }
    }
    if (want('link-big')) {
      await attempt('link-big', () => linkBig(ctx));
    }
    if (want('link-many')) {
      await attempt('link-many', () => linkMany(ctx));
    }
    if (want('link-listing')) {
      await attempt('link-listing', () => linkListing(ctx));
    }
    if (want('download') || want('upload') || want('static') || want('memory')) {
      await attempt('transfers', () => transferFigures(ctx));
    }
    if (want('many')) {
      await attempt('many files', () => manyFiles(ctx));
    }
    if (want('listing')) {
      await attempt('listing', () => listing(ctx));
    }
    if (want('index')) {
      // Beside the listing figure: the first walk's rate and a keystroke in Go to File (test/bench/fileIndex.ts).
      await attempt('index', async () => {
        table.add(
          ...(await indexFigures({
            serverUrl: gitshare!.url,
            token,
            gitshareData,
            files: options.indexFiles,
            runs: options.runs,
            log,
          })),
        );
      });
    }
  } finally {
    await gitshare?.close();
    await staticServer?.close();
    await link?.close();
    await fsp.rm(work, { recursive: true, force: true });
  }
  console.log('');
  table.print();
  console.log(`\nMachine: ${machine.text}`);
  const report = {
    date: started.toISOString(),
    quick: options.quick,
    options: { ...options, only: [...options.only] },
    machine,
    rows: table.rows,
    failures,
  };
  fs.mkdirSync(outputDir, { recursive: true });
  const file = path.join(outputDir, 'bench.json');
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(`Written to ${path.relative(repoRoot, file)}`);
  if (failures.length) {
    console.error(`\nNot measured: ${failures.join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error('The bench could not run:', error);
  process.exit(1);
});
