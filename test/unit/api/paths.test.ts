import * as assert from 'node:assert/strict';
import {
  baseName,
  encodePath,
  isEqualOrDescendant,
  isValidName,
  joinPath,
  keepBothName,
  nameProblem,
  normalizePath,
  parentPath,
} from '../../../src/api/paths';
import { GitShareError } from '../../../src/common/errors';

describe('api/paths', () => {
  describe('names', () => {
    const table: [string, boolean][] = [
      ['a.txt', true],
      ['with space', true],
      ['Ünïcödé ✓', true],
      ['.hidden', true],
      ['...', true],
      ['', false],
      ['.', false],
      ['..', false],
      ['a/b', false],
      ['a\\b', false],
      ['nul\0byte', false],
      ['x'.repeat(255), true],
      ['x'.repeat(256), false],
      ['é'.repeat(127), true], // 254 bytes
      ['é'.repeat(128), false], // 256 bytes
    ];
    for (const [name, ok] of table) {
      it(`${JSON.stringify(name.length > 20 ? name.slice(0, 8) + '…' + name.length : name)} is ${ok ? 'accepted' : 'refused'}`, () => {
        assert.equal(isValidName(name), ok);
        assert.equal(nameProblem(name) === undefined, ok);
      });
    }
  });

  describe('paths', () => {
    const valid: [string, string][] = [
      ['/', '/'],
      ['/a', '/a'],
      ['/a/b/', '/a/b'],
      ['/a b/c', '/a b/c'],
    ];
    for (const [input, normal] of valid) {
      it(`normalizes ${input}`, () => assert.equal(normalizePath(input), normal));
    }
    const invalid = ['', 'a', 'a/b', '//', '/a//b', '/a/./b', '/a/../b', '/..', '/a\\b', '/a\0'];
    for (const input of invalid) {
      it(`refuses ${JSON.stringify(input)}`, () =>
        assert.throws(
          () => normalizePath(input),
          (e: unknown) => e instanceof GitShareError && e.kind === 'invalidInput',
        ));
    }
  });

  it('joins, splits and relates', () => {
    assert.equal(joinPath('/', 'a'), '/a');
    assert.equal(joinPath('/a', 'b', 'c'), '/a/b/c');
    assert.throws(() => joinPath('/a', '..'));
    assert.throws(() => joinPath('/a', 'b/c'));
    assert.equal(parentPath('/a/b'), '/a');
    assert.equal(parentPath('/a'), '/');
    assert.equal(parentPath('/'), '/');
    assert.equal(baseName('/a/b.txt'), 'b.txt');
    assert.equal(baseName('/'), '');
    assert.ok(isEqualOrDescendant('/a/b', '/a'));
    assert.ok(isEqualOrDescendant('/a', '/a'));
    assert.ok(isEqualOrDescendant('/a', '/'));
    assert.ok(!isEqualOrDescendant('/ab', '/a'));
  });

  describe('encoding', () => {
    const table: [string, string][] = [
      ['/', '/'],
      ['/a b/c.txt', '/a%20b/c.txt'],
      ['/100%/#1?x', '/100%25/%231%3Fx'],
      ["/it's (1)*!", '/it%27s%20%281%29%2A%21'],
      ['/ü', '/%C3%BC'],
      ['/a+b&c=d', '/a%2Bb%26c%3Dd'],
    ];
    for (const [input, encoded] of table) {
      it(`encodes ${input}`, () => assert.equal(encodePath(input), encoded));
    }
  });

  it('finds a free "keep both" name', () => {
    const taken = new Set(['a (1).txt']);
    assert.equal(
      keepBothName('a.txt', (c) => taken.has(c)),
      'a (2).txt',
    );
    assert.equal(
      keepBothName('README', () => false),
      'README (1)',
    );
    assert.equal(
      keepBothName('.env', () => false),
      '.env (1)',
    );
    assert.equal(
      keepBothName('x.tar.gz', () => false),
      'x.tar (1).gz',
    );
  });
});
