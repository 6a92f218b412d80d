/**
 * Lifetimes: one way to turn a function into a disposable, and one base class
 * for the long-lived objects that own what they register (listeners, commands,
 * emitters, timers), so none of them keeps its own array and loop.
 * A `vscode.Disposable` is a `DisposableLike`.
 */

export interface DisposableLike {
  dispose(): unknown;
}

/** A disposable that calls `dispose` once, however often it is disposed. */
export function toDisposable(dispose: () => unknown): DisposableLike {
  let disposed = false;
  return {
    dispose: () => {
      if (!disposed) {
        disposed = true;
        dispose();
      }
    },
  };
}

/** Disposables disposed together, in the order they were added. */
export class DisposableStore implements DisposableLike {
  private readonly items: DisposableLike[] = [];
  private disposed = false;

  /** Adds `disposable`; once the store is disposed, disposes it at once instead (nothing outlives its owner). */
  add<T extends DisposableLike>(disposable: T): T {
    if (this.disposed) {
      disposable.dispose();
    } else {
      this.items.push(disposable);
    }
    return disposable;
  }

  dispose(): void {
    this.disposed = true;
    for (const item of this.items.splice(0)) {
      item.dispose();
    }
  }
}

/** The base of a long-lived object: `_register` what it creates, and `dispose()` disposes all of it. */
export abstract class Disposable implements DisposableLike {
  private readonly store = new DisposableStore();

  protected _register<T extends DisposableLike>(disposable: T): T {
    return this.store.add(disposable);
  }

  dispose(): void {
    this.store.dispose();
  }
}
