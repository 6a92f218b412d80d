import * as assert from 'node:assert/strict';
import { SerialQueue } from '../../../src/common/async';

describe('common/SerialQueue: one piece of work at a time', () => {
  it('runs work in the order handed in, never two at once', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const piece = (name: string, ms: number) =>
      queue.run(async () => {
        running++;
        assert.equal(running, 1, `${name} started while another piece ran`);
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        running--;
        return name;
      });
    const results = await Promise.all([piece('a', 20), piece('b', 0), piece('c', 5)]);
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('a failing piece fails only its own caller; the next one still runs', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(() => Promise.reject(new Error('broken')));
    const next = queue.run(async () => 'ran');
    await assert.rejects(failed, /broken/);
    assert.equal(await next, 'ran');
  });
});
