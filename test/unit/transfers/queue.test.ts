import * as assert from 'node:assert/strict';
import {
  describeSummary,
  summaryLines,
  TransferQueue,
  type TransferJob,
  type TransferProgress,
} from '../../../src/transfers/queue';
import { CancelledError, GitShareError } from '../../../src/common/errors';

function job(
  label: string,
  size: number,
  behaviour: 'done' | 'skip' | 'fail' | 'slow',
  log?: { running: number; max: number },
): TransferJob {
  return {
    label,
    size,
    run: async (report, signal) => {
      if (log) {
        log.running++;
        log.max = Math.max(log.max, log.running);
      }
      try {
        report(size / 2);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, behaviour === 'slow' ? 5_000 : 5);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new CancelledError());
          });
        });
        if (behaviour === 'fail') {
          throw new GitShareError('tooLarge', 'The file is too large for GitShare.');
        }
        report(size);
        return behaviour === 'skip' ? { skipped: 'already on GitShare' } : 'done';
      } finally {
        if (log) {
          log.running--;
        }
      }
    },
  };
}

describe('transfers/TransferQueue', () => {
  it('runs at most `concurrency` jobs at once and keeps the books', async () => {
    const log = { running: 0, max: 0 };
    const progress: TransferProgress[] = [];
    const queue = new TransferQueue(3, (p) => progress.push(p));
    queue.record({ label: 'bad/..', status: 'failed', reason: 'refused' });
    const jobs = [
      ...Array.from({ length: 8 }, (_, i) => job(`f${i}`, 100, 'done', log)),
      job('s', 10, 'skip', log),
      job('x', 10, 'fail', log),
    ];
    const summary = await queue.run(jobs, new AbortController().signal);
    assert.equal(log.max, 3);
    assert.equal(summary.done, 8);
    assert.equal(summary.skipped, 1);
    assert.equal(summary.failed, 2);
    assert.equal(summary.cancelled, false);
    const last = progress[progress.length - 1];
    assert.deepEqual(last, { filesDone: 10, filesTotal: 10, bytesDone: 820, bytesTotal: 820 });
    assert.ok(
      progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1].bytesDone - 100),
      'progress does not jump backwards much',
    );
    assert.equal(describeSummary(summary, 'uploaded'), '8 uploaded, 1 skipped, 2 failed.');
    assert.deepEqual(summaryLines(summary), [
      'failed: bad/.. — refused',
      'skipped: s — already on GitShare',
      'failed: x — The file is too large for GitShare.',
    ]);
  });

  it('cancel aborts the running jobs at once and starts no more', async () => {
    const log = { running: 0, max: 0 };
    const controller = new AbortController();
    const queue = new TransferQueue(2);
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    const summary = await queue.run(
      Array.from({ length: 6 }, (_, i) => job(`f${i}`, 10, 'slow', log)),
      controller.signal,
    );
    assert.ok(Date.now() - started < 2_000);
    assert.equal(summary.cancelled, true);
    assert.equal(summary.done, 0);
    assert.equal(summary.failed, 0, 'a cancellation is not a failure');
    assert.equal(log.running, 0);
    assert.match(describeSummary(summary, 'downloaded'), /^Cancelled: 0 downloaded\.$/);
  });
});
