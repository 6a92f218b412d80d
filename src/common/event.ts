/**
 * Events for the vscode-free modules: an emitter shaped like `vscode.EventEmitter`
 * whose `event` is assignable to `vscode.Event`, so a module can offer
 * `onDid*` events and still run in plain Node.
 */

import type { DisposableLike } from './lifecycle';

export type Listener<T> = (value: T) => unknown;

/** Minimal event shape, compatible with vscode.Event. */
export interface EventLike<T> {
  (listener: Listener<T>): DisposableLike;
}

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  readonly event: EventLike<T> = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // One listener's failure must not keep the others from hearing.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
