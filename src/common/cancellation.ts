/**
 * Cancellation between VS Code and the vscode-free modules: VS Code hands out
 * `CancellationToken`s, the network code takes an `AbortSignal`, and what the
 * person cancelled surfaces as one `CancelledError` (which nothing shows).
 * A `vscode.CancellationToken` fits `CancellationTokenLike`.
 */

import { CancelledError } from './errors';
import type { DisposableLike } from './lifecycle';

export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): DisposableLike;
}

/** Throws CancelledError once `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new CancelledError();
  }
}

/**
 * An AbortSignal that aborts when `token` is cancelled (at once if it already is).
 * `dispose()` stops listening to the token.
 */
export function abortSignalFor(token: CancellationTokenLike): DisposableLike & { readonly signal: AbortSignal } {
  const controller = new AbortController();
  if (token.isCancellationRequested) {
    controller.abort();
    return { signal: controller.signal, dispose: () => undefined };
  }
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => listener.dispose() };
}
