import * as assert from 'node:assert/strict';
import { Emitter } from '../../../src/common/event';

describe('common/Emitter: events for the vscode-free modules', () => {
  it('every listener hears, even when one of them throws', () => {
    const emitter = new Emitter<number>();
    const heard: number[] = [];
    emitter.event(() => {
      throw new Error('a broken listener');
    });
    emitter.event((value) => heard.push(value));
    emitter.fire(1);
    assert.deepEqual(heard, [1]);
  });

  it('a disposed listener hears nothing more; a disposed emitter tells no one', () => {
    const emitter = new Emitter<string>();
    const heard: string[] = [];
    const first = emitter.event((value) => heard.push(`first ${value}`));
    emitter.event((value) => heard.push(`second ${value}`));
    emitter.fire('a');
    first.dispose();
    emitter.fire('b');
    emitter.dispose();
    emitter.fire('c');
    assert.deepEqual(heard, ['first a', 'second a', 'second b']);
  });
});
