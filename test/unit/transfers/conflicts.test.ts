import * as assert from 'node:assert/strict';
import { ConflictDecider, type ConflictAnswer } from '../../../src/transfers/conflicts';
import { isCancellation } from '../../../src/common/errors';

describe('transfers/ConflictDecider', () => {
  it('asks for each conflict, one question at a time', async () => {
    const asked: string[] = [];
    let open = 0;
    const decider = new ConflictDecider(async (name) => {
      open++;
      assert.equal(open, 1, 'two questions at once');
      asked.push(name);
      await new Promise((r) => setTimeout(r, 5));
      open--;
      return { choice: name === 'a' ? 'overwrite' : 'skip', applyToAll: false };
    });
    const choices = await Promise.all(['a', 'b', 'c'].map((n) => decider.decide(n)));
    assert.deepEqual(choices, ['overwrite', 'skip', 'skip']);
    assert.deepEqual(asked, ['a', 'b', 'c']);
  });

  it('"apply to all" answers the waiting and the later ones without asking', async () => {
    let questions = 0;
    const decider = new ConflictDecider(async (): Promise<ConflictAnswer> => {
      questions++;
      return { choice: 'keepBoth', applyToAll: true };
    });
    const choices = await Promise.all(['a', 'b', 'c'].map((n) => decider.decide(n)));
    assert.deepEqual(choices, ['keepBoth', 'keepBoth', 'keepBoth']);
    assert.equal(await decider.decide('d'), 'keepBoth');
    assert.equal(questions, 1);
  });

  it('tells how many are waiting', async () => {
    const remaining: number[] = [];
    const decider = new ConflictDecider(async (_name, waiting) => {
      remaining.push(waiting);
      return { choice: 'skip', applyToAll: false };
    });
    await Promise.all(['a', 'b', 'c'].map((n) => decider.decide(n)));
    assert.deepEqual(remaining, [2, 1, 0]);
  });

  it('a dismissed question cancels this and every later conflict', async () => {
    let questions = 0;
    const decider = new ConflictDecider(async () => {
      questions++;
      return undefined;
    });
    const results = await Promise.allSettled(['a', 'b'].map((n) => decider.decide(n)));
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      assert.ok(isCancellation((result as PromiseRejectedResult).reason));
    }
    assert.equal(questions, 1);
  });

  it('a preset choice never asks', async () => {
    const decider = new ConflictDecider(async () => assert.fail('asked'), 'overwrite');
    assert.equal(await decider.decide('x'), 'overwrite');
  });
});
