/**
 * A minimal event emitter shaped like `vscode.EventEmitter`, for the
 * vscode-free modules. Its `event` is assignable to `vscode.Event`.
 */
import { EventLike, Listener } from '../common/accounts';

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
