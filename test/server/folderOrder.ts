/**
 * A folder's entries in listing order (folders first, then names in UTF-8 byte order), read once
 * and kept while the folder's own status says nothing in it was added, removed or renamed, as a
 * hosted service keeps an index rather than reading and sorting a 10,000-entry folder for each
 * page. Only the names and kinds are kept: sizes and times are read per page, since writing a file
 * does not change its folder.
 *
 * Kept only when it cannot be stale. A folder's change time moves on every entry added, removed or
 * renamed, but the kernel stamps it with a coarse clock: a change made in the same tick as the
 * read could leave it where it was. So an order is kept only when read more than `SETTLED_MS` after the
 * folder last changed (the "racy" rule Git uses for its index); a folder still changing is read
 * again for every page.
 */
import type { BigIntStats } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { TEMP_PREFIX } from './paths';

/** Where an entry sorts; also what a listing's cursor holds. */
export interface SortKey {
  /** 0 for a folder, 1 for a file: folders come first. */
  readonly rank: number;
  readonly name: string;
  readonly bytes: Buffer;
}

export function compareKeys(a: SortKey, b: SortKey): number {
  return a.rank - b.rank || Buffer.compare(a.bytes, b.bytes);
}

export function sortKey(rank: number, name: string): SortKey {
  return { rank, name, bytes: Buffer.from(name, 'utf8') };
}

/** Index of the first key after `after` in sorted `keys` (keys.length when none). */
export function indexAfter(keys: readonly SortKey[], after: SortKey): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeys(keys[middle]!, after) <= 0) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/** How long after a folder's last change its order may be kept (far beyond any clock tick). */
export const SETTLED_MS = 1_000;
/** Folders whose order is kept; the least recently listed goes first. */
const KEPT_FOLDERS = 16;

interface Kept {
  readonly ino: bigint;
  readonly ctimeNs: bigint;
  readonly keys: readonly SortKey[];
}

export class FolderOrders {
  private readonly kept = new Map<string, Kept>();
  /** Reads of a folder from disk (for tests). */
  reads = 0;

  /**
   * The sorted entries of the folder at `dir`, whose lstat (taken at `statAt`, ms since the
   * epoch, before this call) is `stat`.
   */
  async of(dir: string, stat: BigIntStats, statAt: number): Promise<readonly SortKey[]> {
    const known = this.kept.get(dir);
    if (known && known.ino === stat.ino && known.ctimeNs === stat.ctimeNs) {
      this.kept.delete(dir);
      this.kept.set(dir, known);
      return known.keys;
    }
    this.reads++;
    const dirents = await fsp.readdir(dir, { withFileTypes: true });
    const keys = dirents
      .filter((d) => (d.isDirectory() || d.isFile()) && !d.name.startsWith(TEMP_PREFIX))
      .map((d) => sortKey(d.isDirectory() ? 0 : 1, d.name))
      .sort(compareKeys);
    this.kept.delete(dir);
    if (statAt - Number(stat.ctimeNs / 1_000_000n) > SETTLED_MS) {
      this.kept.set(dir, { ino: stat.ino, ctimeNs: stat.ctimeNs, keys });
      while (this.kept.size > KEPT_FOLDERS) {
        this.kept.delete(this.kept.keys().next().value!);
      }
    }
    return keys;
  }
}
