/**
 * Runs many transfers with bounded parallelism and keeps the books: bytes for
 * the progress bar, and for the summary what was done, skipped or failed and why.
 */

import * as l10n from '@vscode/l10n';
import { isCancellation, toGitShareError } from '../common/errors';

export type JobResult = 'done' | 'skipped';

export interface TransferJob {
  /** Shown in the summary and the log, e.g. `docs/a.txt`. */
  readonly label: string;
  /** Bytes expected, when known. */
  readonly size?: number;
  /** Reports absolute bytes done for this job; may start over after a retry. */
  run(reportBytes: (bytes: number) => void, signal: AbortSignal): Promise<JobResult | { skipped: string }>;
}

export interface TransferOutcome {
  readonly label: string;
  readonly status: 'done' | 'skipped' | 'failed';
  /** Why it was skipped or failed, in words for the person. */
  readonly reason?: string;
  readonly error?: unknown;
}

export interface TransferProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface TransferSummary {
  readonly outcomes: readonly TransferOutcome[];
  readonly done: number;
  readonly skipped: number;
  readonly failed: number;
  readonly cancelled: boolean;
}

/** Transfers at once unless `gitshare.transfers.concurrency` says otherwise (package.json has the same default). */
export const DEFAULT_CONCURRENCY = 8;

export class TransferQueue {
  private readonly outcomes: TransferOutcome[] = [];
  private readonly bytesByJob = new Map<TransferJob, number>();
  private bytesTotal = 0;
  private filesTotal = 0;
  private filesDone = 0;

  constructor(
    private readonly concurrency: number,
    private readonly onProgress: (progress: TransferProgress) => void = () => undefined,
  ) {}

  /** Records an outcome decided before any transfer started (a refused name, say). */
  record(outcome: TransferOutcome): void {
    this.outcomes.push(outcome);
  }

  /**
   * Runs every job, at most `concurrency` at once. Never throws for a failed
   * job; a cancellation stops starting new ones and aborts the running ones.
   */
  async run(jobs: readonly TransferJob[], signal: AbortSignal): Promise<TransferSummary> {
    this.filesTotal += jobs.length;
    this.bytesTotal += jobs.reduce((sum, job) => sum + (job.size ?? 0), 0);
    this.emit();
    let next = 0;
    let cancelled = false;
    const worker = async () => {
      // A cancellation from a job (the person dismissed a question) stops new starts too.
      while (next < jobs.length && !cancelled) {
        if (signal.aborted) {
          cancelled = true;
          return;
        }
        const job = jobs[next++];
        try {
          const result = await job.run((bytes) => {
            this.bytesByJob.set(job, bytes);
            this.emit();
          }, signal);
          if (typeof result === 'object') {
            this.outcomes.push({ label: job.label, status: 'skipped', reason: result.skipped });
          } else {
            this.outcomes.push({ label: job.label, status: result });
          }
        } catch (error) {
          if (isCancellation(error) || signal.aborted) {
            cancelled = true;
            return;
          }
          const gitShareError = toGitShareError(error);
          this.outcomes.push({ label: job.label, status: 'failed', reason: gitShareError.message, error });
        } finally {
          this.filesDone++;
          if (job.size !== undefined) {
            // A finished job counts in full even if its progress reports lagged.
            this.bytesByJob.set(job, job.size);
          }
          this.emit();
        }
      }
    };
    const workers = Array.from({ length: Math.max(1, Math.min(this.concurrency, jobs.length)) }, worker);
    await Promise.all(workers);
    return this.summary(cancelled || signal.aborted);
  }

  summary(cancelled: boolean): TransferSummary {
    const count = (status: TransferOutcome['status']) => this.outcomes.filter((o) => o.status === status).length;
    return {
      outcomes: [...this.outcomes],
      done: count('done'),
      skipped: count('skipped'),
      failed: count('failed'),
      cancelled,
    };
  }

  private emit(): void {
    let bytesDone = 0;
    for (const bytes of this.bytesByJob.values()) {
      bytesDone += bytes;
    }
    this.onProgress({ filesDone: this.filesDone, filesTotal: this.filesTotal, bytesDone, bytesTotal: this.bytesTotal });
  }
}

/**
 * "3 uploaded, 1 skipped, 2 failed." — only the parts that are not zero. Each combination is
 * one whole sentence, so a translation can order and inflect it as its language needs.
 */
export function describeSummary(summary: TransferSummary, verb: 'uploaded' | 'downloaded'): string {
  const { done, skipped, failed } = summary;
  let text: string;
  if (verb === 'uploaded') {
    text =
      skipped && failed
        ? l10n.t('{0} uploaded, {1} skipped, {2} failed.', done, skipped, failed)
        : skipped
          ? l10n.t('{0} uploaded, {1} skipped.', done, skipped)
          : failed
            ? l10n.t('{0} uploaded, {1} failed.', done, failed)
            : l10n.t('{0} uploaded.', done);
  } else {
    text =
      skipped && failed
        ? l10n.t('{0} downloaded, {1} skipped, {2} failed.', done, skipped, failed)
        : skipped
          ? l10n.t('{0} downloaded, {1} skipped.', done, skipped)
          : failed
            ? l10n.t('{0} downloaded, {1} failed.', done, failed)
            : l10n.t('{0} downloaded.', done);
  }
  return summary.cancelled ? l10n.t('Cancelled: {0}', text) : text;
}

/** The summary's detail lines, for the log. */
export function summaryLines(summary: TransferSummary): string[] {
  return summary.outcomes
    .filter((o) => o.status !== 'done')
    .map((o) => `${o.status}: ${o.label}${o.reason ? ` — ${o.reason}` : ''}`);
}
