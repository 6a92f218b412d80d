import * as assert from 'node:assert/strict';
import { FileIndex } from '../../../src/search/fileIndex';

const entry = (name: string, type: 'file' | 'dir' = 'file') => ({ name, type });

describe('search/FileIndex: names and paths for Go to File', () => {
  function demoIndex(): FileIndex {
    const index = new FileIndex('demo@host');
    index.setFolder('/', [entry('notes', 'dir'), entry('projects', 'dir'), entry('README.md')]);
    index.setFolder('/notes', [entry('todo.md'), entry('ideas.txt')]);
    index.setFolder('/projects', [entry('website', 'dir')]);
    index.setFolder('/projects/website', [entry('index.html'), entry('style.css'), entry('deep', 'dir')]);
    index.setFolder('/projects/website/deep', [entry('needle-report.txt')]);
    return index;
  }
  const paths = (items: { path: string }[]) => items.map((i) => i.path);

  it('finds a file by a part of its name, the file name before the folders', () => {
    const index = demoIndex();
    assert.deepEqual(paths(index.search('needle')), ['/projects/website/deep/needle-report.txt']);
    assert.equal(paths(index.search('web'))[0], '/projects/website', 'the folder whose name matches comes first');
    assert.ok(paths(index.search('idx')).includes('/projects/website/index.html'), 'scattered letters');
    assert.deepEqual(index.search('zzz'), []);
    assert.deepEqual(index.search('   '), []);
  });

  it('ranks a prefix over a substring over scattered letters', () => {
    const index = new FileIndex('k');
    index.setFolder('/', [entry('xtodo.md'), entry('t-o-d-o.md'), entry('todo.md'), entry('todolist.md')]);
    assert.deepEqual(paths(index.search('todo')), ['/todo.md', '/todolist.md', '/xtodo.md', '/t-o-d-o.md']);
  });

  it('a pasted path (Copy Path) finds exactly that file first; terms separated by spaces all match', () => {
    const index = demoIndex();
    assert.equal(paths(index.search('/projects/website/index.html'))[0], '/projects/website/index.html');
    assert.equal(paths(index.search('projects/website/deep'))[0], '/projects/website/deep');
    assert.equal(paths(index.search('web css'))[0], '/projects/website/style.css');
  });

  it('incremental: added and removed entries show at once; a vanished folder takes its contents', () => {
    const index = demoIndex();
    index.add('/notes/meeting.md', false);
    assert.deepEqual(paths(index.search('meeting')), ['/notes/meeting.md']);
    index.add('/unknown/folder/x.md', false); // its folder is not indexed: nothing to attach it to
    assert.deepEqual(index.search('x.md'), []);
    index.remove('/notes/meeting.md');
    assert.deepEqual(index.search('meeting'), []);

    // A re-listing of /projects without "website": everything below goes.
    assert.equal(index.search('needle').length, 1);
    index.setFolder('/projects', [entry('other', 'dir')]);
    assert.deepEqual(index.search('needle'), []);
    assert.deepEqual(index.search('style'), []);
    assert.deepEqual(index.counts, { files: 3, folders: 3 });
  });

  it('narrowing while typing gives the same answers as a fresh search', () => {
    const index = demoIndex();
    for (const q of ['n', 'ne', 'nee', 'needle', 'needle r']) {
      const typed = index.search(q);
      const fresh = FileIndex.deserialize(index.serialize(), 'demo@host')!.search(q);
      assert.deepEqual(typed, fresh, q);
    }
    index.add('/notes/needle2.txt', false);
    assert.ok(paths(index.search('needle')).includes('/notes/needle2.txt'), 'a change resets the narrowing');
  });

  it('saves names and paths only, and is read back only for the same account', () => {
    const index = demoIndex();
    index.walkedAt = 1234;
    const text = index.serialize();
    assert.ok(!/etag|size|modified|token/i.test(text), text);
    const back = FileIndex.deserialize(text, 'demo@host')!;
    assert.equal(back.walkedAt, 1234);
    assert.deepEqual(back.search('todo'), index.search('todo'));
    assert.equal(FileIndex.deserialize(text, 'alice@host'), undefined, 'another account');
    assert.equal(FileIndex.deserialize('{not json', 'demo@host'), undefined);
    assert.equal(FileIndex.deserialize('{"version":99}', 'demo@host'), undefined);
  });
});
