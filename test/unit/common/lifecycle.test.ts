import * as assert from 'node:assert/strict';
import { Disposable, DisposableStore, toDisposable } from '../../../src/common/lifecycle';

describe('common/lifecycle: what an object registers goes with it', () => {
  it('toDisposable runs its function once, however often it is disposed', () => {
    let calls = 0;
    const disposable = toDisposable(() => calls++);
    disposable.dispose();
    disposable.dispose();
    assert.equal(calls, 1);
  });

  it('a store disposes what it holds in the order it was added, once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('listener')));
    store.add(toDisposable(() => order.push('command')));
    store.dispose();
    store.dispose();
    assert.deepEqual(order, ['listener', 'command']);
  });

  it('something added to a disposed store is disposed at once (nothing outlives its owner)', () => {
    const store = new DisposableStore();
    store.dispose();
    let disposed = false;
    store.add(toDisposable(() => (disposed = true)));
    assert.equal(disposed, true);
  });

  it('a Disposable subclass disposes what it registered, also after its own clean-up', () => {
    const order: string[] = [];
    class Owner extends Disposable {
      constructor() {
        super();
        this._register(toDisposable(() => order.push('registered')));
      }
      override dispose(): void {
        order.push('own clean-up');
        super.dispose();
      }
    }
    new Owner().dispose();
    assert.deepEqual(order, ['own clean-up', 'registered']);
  });
});
