/**
 * Promise helpers.
 */

/**
 * Runs the work handed to it one piece at a time, in the order handed in. A piece
 * that fails fails only its own caller: the next piece still runs.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
