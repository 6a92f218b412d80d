import * as assert from 'node:assert/strict';
import { checkJoin, PENDING_JOIN_LIFETIME_MS, type PendingJoin } from '../../../src/filesView/workspaceJoinCheck';

describe('filesView/workspaceJoinCheck: does a window that starts after "Add Folder to Workspace…" show its folders?', () => {
  const local = 'vscode-remote://127.0.0.1:8080/home/me/project';
  const gitshare = 'gitshare://demo@example.com/projects';
  const pending: PendingJoin = {
    folders: [{ uri: local }, { uri: gitshare, name: 'projects (GitShare)' }],
    since: 1_000_000,
  };
  const now = pending.since + 10_000;

  it('nothing remembered: nothing to do', () => {
    assert.deepEqual(checkJoin(undefined, now, { untitledWorkspace: true, folders: [] }), { kind: 'none' });
  });

  it('the new workspace shows both folders: the add is forgotten', () => {
    assert.deepEqual(checkJoin(pending, now, { untitledWorkspace: true, folders: [local, gitshare] }), {
      kind: 'forget',
    });
  });

  it('the new workspace came back with no folder: both are added back once, with their names', () => {
    assert.deepEqual(checkJoin(pending, now, { untitledWorkspace: true, folders: [] }), {
      kind: 'addBack',
      missing: pending.folders,
    });
    assert.deepEqual(checkJoin(pending, now, { untitledWorkspace: true, folders: [local] }), {
      kind: 'addBack',
      missing: [{ uri: gitshare, name: 'projects (GitShare)' }],
    });
  });

  it('still without them after adding back: the person is told (no second try, no reload loop)', () => {
    assert.deepEqual(checkJoin({ ...pending, repaired: true }, now, { untitledWorkspace: true, folders: [] }), {
      kind: 'tell',
    });
  });

  it('another window (a tab on a folder) leaves the add to the window it made', () => {
    assert.deepEqual(checkJoin(pending, now, { untitledWorkspace: false, folders: [local] }), { kind: 'none' });
  });

  it('an add older than its lifetime, or from the future (a clock change), is forgotten', () => {
    const window = { untitledWorkspace: true, folders: [] };
    assert.deepEqual(checkJoin(pending, pending.since + PENDING_JOIN_LIFETIME_MS + 1, window), { kind: 'forget' });
    assert.deepEqual(checkJoin(pending, pending.since - 1, window), { kind: 'forget' });
  });
});
