import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { localNameProblem, refusedNameMessage, safeLocalPath } from '../../../src/transfers/localPaths';
import { GitShareError } from '../../../src/common/errors';
import { nodeLocalFiles } from '../../../src/node/localFiles';

describe('transfers/localPaths: names from the server', () => {
  const hostile = [
    '',
    '.',
    '..',
    '../etc',
    'a/b',
    'a\\b',
    '/etc/passwd',
    '\\\\server\\share',
    'C:\\Windows',
    'nul\0byte',
  ];
  for (const name of hostile) {
    it(`refuses ${JSON.stringify(name)} on every platform`, () => {
      assert.ok(localNameProblem(name, 'linux'), 'linux');
      assert.ok(localNameProblem(name, 'win32'), 'win32');
      assert.throws(
        () => safeLocalPath(nodeLocalFiles, '/dest', ['ok', name]),
        (e: unknown) => e instanceof GitShareError && e.code === 'unsafe_name',
      );
    });
  }
  const windowsOnly = ['C:evil', 'CON', 'nul.txt', 'a:b', 'what?', 'trailing.', 'trailing ', 'tab\there'];
  for (const name of windowsOnly) {
    it(`refuses ${JSON.stringify(name)} on Windows only`, () => {
      assert.ok(localNameProblem(name, 'win32'));
      assert.equal(localNameProblem(name, 'linux'), undefined);
    });
  }
  it('accepts ordinary names and joins them below the root', () => {
    for (const name of ['a.txt', '.hidden', '...', 'with space', 'ü']) {
      assert.equal(localNameProblem(name, 'linux'), undefined, name);
    }
    assert.equal(
      safeLocalPath({ ...nodeLocalFiles, platform: 'linux' }, '/dest', ['a', 'b.txt']),
      path.resolve('/dest', 'a', 'b.txt'),
    );
  });
  it('says why in a sentence a person can read', () => {
    const read = (name: string, platform: NodeJS.Platform) =>
      refusedNameMessage(name, localNameProblem(name, platform)!);
    assert.equal(read('', 'linux'), 'Refused the name "" from GitShare: it is empty.');
    assert.equal(read('..', 'linux'), 'Refused the name ".." from GitShare: it would leave the destination folder.');
    assert.equal(read('a/b', 'linux'), 'Refused the name "a/b" from GitShare: it contains a path separator.');
    assert.equal(read('CON', 'win32'), 'Refused the name "CON" from GitShare: it is a reserved name on Windows.');
    assert.throws(
      () => safeLocalPath(nodeLocalFiles, '/dest', ['ok', '']),
      (e: unknown) => e instanceof GitShareError && e.message === 'Refused the name "" from GitShare: it is empty.',
    );
  });
  it('refuses an empty path (the root itself)', () => {
    assert.throws(() => safeLocalPath(nodeLocalFiles, '/dest', []));
  });
});
