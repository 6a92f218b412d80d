/**
 * The bench's command line (see run.ts for the list of options) and the figures it knows.
 */
import { DEFAULT_CONCURRENCY } from '../../src/transfers/queue';
import { MiB } from './common';
import { DEFAULT_LINK, type LinkProfile } from './link/link';

export const FIGURES = [
  'download',
  'upload',
  'static',
  'memory',
  'many',
  'listing',
  'index',
  'bundle',
  'activation',
  'link-big',
  'link-many',
  'link-host',
  'link-listing',
  'requests',
  'web-big',
  'web-limit',
] as const;
export type Figure = (typeof FIGURES)[number];

export interface Options {
  readonly quick: boolean;
  readonly size: number;
  readonly memorySizes: readonly number[];
  readonly runs: number;
  readonly files: number;
  readonly entries: number;
  readonly activationRuns: number;
  readonly indexFiles: number;
  readonly only: ReadonlySet<Figure>;
  readonly link: LinkProfile;
  readonly linkSize: number;
  readonly linkRuns: number;
  readonly concurrency: number;
  /** The big file through the browser's web worker host (default 32 MiB). */
  readonly webSize: number;
  /** The sizes tried in the web worker host for its file limit, ascending. */
  readonly webLimitSizes: readonly number[];
}

export function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (flag: string, fallback: number): number => {
    const raw = value(flag);
    if (raw === undefined) {
      return fallback;
    }
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`${flag} needs a positive integer`);
    }
    return n;
  };
  const size = int('--size', quick ? 64 : 1024) * MiB;
  // The web worker figures run only when named: new, measured once under load so far
  // (docs/performance.md), and a window of their own on top of a full run's time.
  const only = value('--only')?.split(',') ?? FIGURES.filter((f) => !f.startsWith('web-'));
  for (const name of only) {
    if (!(FIGURES as readonly string[]).includes(name)) {
      throw new Error(`--only: unknown figure ${name} (known: ${FIGURES.join(', ')})`);
    }
  }
  return {
    quick,
    size,
    // The memory figure must be flat in size: a small transfer beside the big one.
    memorySizes: [...new Set([Math.min(64 * MiB, size / 4 >= MiB ? size / 4 : size), size])],
    runs: int('--runs', quick ? 3 : 5),
    files: int('--files', quick ? 100 : 1000),
    entries: int('--entries', quick ? 2000 : 10_000),
    activationRuns: int('--activation-runs', quick ? 1 : 3),
    indexFiles: int('--index-files', quick ? 5_000 : 100_000),
    only: new Set(only as Figure[]),
    link: { rttMs: int('--rtt-ms', DEFAULT_LINK.rttMs), mbit: int('--mbit', DEFAULT_LINK.mbit) },
    linkSize: int('--link-size', quick ? 32 : 256) * MiB,
    linkRuns: int('--runs', quick ? 1 : 3),
    concurrency: int('--concurrency', DEFAULT_CONCURRENCY),
    webSize: int('--web-size', 32) * MiB,
    webLimitSizes: (value('--web-limit-mib')?.split(',').map(Number) ?? (quick ? [64, 512] : [64, 128, 256, 512]))
      .filter((n) => Number.isInteger(n) && n > 0)
      .map((n) => n * MiB),
  };
}
