/**
 * Watches remote files for changes made elsewhere (a colleague, the web UI,
 * another machine). The server has no change feed, so each watched file gets
 * a light metadata request per round (`GET /api/v1/metadata/…`: the entry and
 * its ETag, no content) and is reported when its ETag differs from the one
 * the editor holds, or when it is gone or back.
 *
 * Why metadata and not a conditional GET (`If-None-Match` on
 * `/api/v1/files/…`): the contract promises the metadata request; a server
 * that ignores `If-None-Match` would send the whole file every round.
 *
 * Watches are reference-counted (VS Code's `watch()` and the open tabs both
 * ask for the same file); only the `cap` most recently requested are checked.
 */

import type { Entry } from '../api/types';
import { GitShareError, toGitShareError } from '../common/errors';
import type { Logger } from '../common/logger';

export interface WatchTarget {
  /** The `gitshare:` URI authority: which account. */
  readonly authority: string;
  readonly path: string;
}

export type RemoteChangeKind = 'changed' | 'deleted' | 'created';

export interface RemoteWatcherOptions {
  /** The entry at the target, or undefined when nothing is there (404). */
  readonly stat: (target: WatchTarget, signal: AbortSignal) => Promise<Entry | undefined>;
  /** The ETag of the bytes the editor holds (last read or saved), when known. */
  readonly knownEtag: (target: WatchTarget) => string | undefined;
  readonly onChange: (target: WatchTarget, kind: RemoteChangeKind) => void;
  readonly logger: Logger;
  /** At most this many files are checked; the most recently watched win. */
  readonly cap?: number;
  /** Requests at once per round. */
  readonly concurrency?: number;
}

const DEFAULT_WATCH_CAP = 50;
const DEFAULT_CONCURRENCY = 4;

interface Watched {
  readonly target: WatchTarget;
  refs: number;
  /** The ETag last seen or reported; undefined = not known yet; null = known to be absent. */
  seen: string | null | undefined;
  /** The last ETag reported as a change. */
  reported?: string;
}

function watchKey(target: WatchTarget): string {
  return `${target.authority}\u0000${target.path}`;
}

/** ETags compare without their quotes and weak marker. */
export function sameEtag(a: string | undefined | null, b: string | undefined | null): boolean {
  const bare = (etag: string) => etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  return !!a && !!b && bare(a) === bare(b);
}

export class RemoteWatcher {
  /** In order of the last watch() call: the most recent last. */
  private readonly watched = new Map<string, Watched>();
  private readonly cap: number;
  private readonly concurrency: number;
  private warnedCap = false;
  private round: AbortController | undefined;

  constructor(private readonly options: RemoteWatcherOptions) {
    this.cap = options.cap ?? DEFAULT_WATCH_CAP;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  }

  /** Starts watching; the returned handle stops this one request. */
  watch(target: WatchTarget): { dispose(): void } {
    const key = watchKey(target);
    const known = this.watched.get(key);
    const entry: Watched = known ?? { target, refs: 0, seen: undefined };
    entry.refs++;
    // Re-insert: the most recently requested file is the last to fall under the cap.
    this.watched.delete(key);
    this.watched.set(key, entry);
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) {
          return;
        }
        disposed = true;
        if (--entry.refs <= 0 && this.watched.get(key) === entry) {
          this.watched.delete(key);
        }
      },
    };
  }

  /** Everything watched, most recent last. */
  get targets(): WatchTarget[] {
    return [...this.watched.values()].map((w) => w.target);
  }

  /** What a round checks: the `cap` most recently watched. */
  get checked(): WatchTarget[] {
    return this.targets.slice(-this.cap);
  }

  /**
   * One round: checks every watched file (up to the cap) and reports changes.
   * Resolves false when the server could not be reached for any of them.
   */
  async check(): Promise<boolean> {
    const all = [...this.watched.values()];
    if (all.length > this.cap && !this.warnedCap) {
      this.warnedCap = true;
      this.options.logger.info(
        `${all.length} remote files are open; only the ${this.cap} opened last are checked for changes`,
      );
    }
    const batch = all.slice(-this.cap);
    if (batch.length === 0) {
      return true;
    }
    this.round?.abort();
    const controller = new AbortController();
    this.round = controller;
    let reached = 0;
    let failed = 0;
    let next = 0;
    const work = async () => {
      while (next < batch.length && !controller.signal.aborted) {
        const item = batch[next++];
        const outcome = await this.checkOne(item, controller.signal);
        if (outcome === 'failed') {
          failed++;
        } else if (outcome === 'reached') {
          reached++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batch.length) }, work));
    if (this.round === controller) {
      this.round = undefined;
    }
    return reached > 0 || failed === 0;
  }

  private async checkOne(item: Watched, signal: AbortSignal): Promise<'reached' | 'failed' | 'skipped'> {
    let entry: Entry | undefined;
    try {
      entry = await this.options.stat(item.target, signal);
    } catch (error) {
      const e = toGitShareError(error);
      if (e.kind === 'cancelled' || (e instanceof GitShareError && e.kind === 'signInRequired')) {
        return 'skipped';
      }
      this.options.logger.debug(`Checking ${item.target.path} for changes failed: ${e.kind}`);
      return 'failed';
    }
    // The file may have been closed while its request was out.
    if (this.watched.get(watchKey(item.target)) !== item) {
      return 'reached';
    }
    const now = entry ? entry.etag : null;
    const known = this.options.knownEtag(item.target);
    const before = item.seen;
    item.seen = now;
    if (now === null) {
      // Gone. Also reported at the first look when the editor holds bytes of it.
      if (before !== null && (before !== undefined || known !== undefined)) {
        this.options.onChange(item.target, 'deleted');
      }
    } else if (before === null) {
      this.options.onChange(item.target, 'created');
    } else if (known !== undefined) {
      // The editor holds `known`: report new bytes once (a dirty editor keeps its own until
      // saved), never the bytes it already has (its own save). A tab that was in the
      // background while the file changed is compared at its first look.
      if (!sameEtag(known, now) && !sameEtag(item.reported, now)) {
        item.reported = now;
        this.options.onChange(item.target, 'changed');
      }
    } else if (before !== undefined && !sameEtag(before, now)) {
      this.options.onChange(item.target, 'changed');
    }
    return 'reached';
  }

  dispose(): void {
    this.round?.abort();
    this.watched.clear();
  }
}
