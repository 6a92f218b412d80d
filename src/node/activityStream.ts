/**
 * The upload body's plumbing in the Node host: a Transform that reports every chunk it passes on
 * (progress, and the idle timeout's watch) and hands the socket small pieces.
 */
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes chunks through and reports each one. With `pieceBytes`, hands a bigger chunk on in
 * pieces of at most that size (views of the same memory, no copy), one per turn of the event
 * loop: between two socket writes Node looks at the socket, so an early answer from the server
 * (a 429 before it read the body) is read before a broken pipe hides it, as with small reads.
 */
export class ActivityStream extends Transform {
  constructor(
    private readonly onChunk: (chunk: Buffer) => void,
    private readonly pieceBytes = Infinity,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.onChunk(chunk);
    if (chunk.length <= this.pieceBytes) {
      callback(null, chunk);
      return;
    }
    const next = (at: number): void => {
      if (this.destroyed) {
        callback();
        return;
      }
      const end = Math.min(at + this.pieceBytes, chunk.length);
      if (end === chunk.length) {
        callback(null, chunk.subarray(at, end));
        return;
      }
      this.push(chunk.subarray(at, end));
      setImmediate(next, end);
    };
    next(0);
  }
}
