import * as assert from 'node:assert/strict';
import { abortSignalFor, throwIfAborted, type CancellationTokenLike } from '../../../src/common/cancellation';
import { isCancellation } from '../../../src/common/errors';
import { Emitter } from '../../../src/common/event';

/** A token like VS Code's CancellationTokenSource hands out. */
function tokenSource() {
  const emitter = new Emitter<void>();
  const token = {
    isCancellationRequested: false as boolean,
    onCancellationRequested: (listener: () => unknown) => emitter.event(listener),
  } satisfies CancellationTokenLike;
  return {
    token,
    cancel() {
      token.isCancellationRequested = true;
      emitter.fire();
    },
  };
}

describe('common/cancellation: Cancel in VS Code stops the requests', () => {
  it('the signal aborts when the token is cancelled', () => {
    const source = tokenSource();
    const { signal } = abortSignalFor(source.token);
    assert.equal(signal.aborted, false);
    source.cancel();
    assert.equal(signal.aborted, true);
  });

  it('a token cancelled before gives a signal aborted from the start', () => {
    const source = tokenSource();
    source.cancel();
    assert.equal(abortSignalFor(source.token).signal.aborted, true);
  });

  it('after dispose the signal no longer follows the token', () => {
    const source = tokenSource();
    const cancellation = abortSignalFor(source.token);
    cancellation.dispose();
    source.cancel();
    assert.equal(cancellation.signal.aborted, false);
  });

  it('throwIfAborted throws a cancellation (shown to nobody) only once aborted', () => {
    const controller = new AbortController();
    throwIfAborted(controller.signal);
    throwIfAborted(undefined);
    controller.abort();
    assert.throws(
      () => throwIfAborted(controller.signal),
      (error) => isCancellation(error),
    );
  });
});
