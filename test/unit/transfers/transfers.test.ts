import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitShareClient } from '../../../src/api/client';
import type { Entry } from '../../../src/api/types';
import { ConflictDecider, type ConflictChoice } from '../../../src/transfers/conflicts';
import { createRemoteFolders, downloadJob, uploadJob } from '../../../src/transfers/jobs';
import { planDownload, planUpload } from '../../../src/transfers/plan';
import { TransferQueue } from '../../../src/transfers/queue';
import type { RunningServer } from '../../server/index';
import { startSignedInClient } from '../../support/serverSession';
import { nodeLocalFiles } from '../../../src/node/localFiles';

function always(choice: ConflictChoice): ConflictDecider {
  return new ConflictDecider(async () => ({ choice, applyToAll: true }));
}

function entry(name: string, type: 'file' | 'dir', parent = '/evil'): Entry {
  return { name, path: `${parent}/x`, type, size: 1, modified: '', mtime: 0, etag: 'e' };
}

describe('transfers: plans and jobs against the local server', function () {
  this.timeout(30_000);
  let server: RunningServer;
  let client: GitShareClient;
  let tmp: string;
  const signal = new AbortController().signal;

  before(async () => {
    ({ server, client } = await startSignedInClient());
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-transfers-'));
  });
  after(async () => {
    await server?.close();
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  it('uploads a folder tree, empty folders included, then meets conflicts', async () => {
    const local = path.join(tmp, 'site');
    await fsp.mkdir(path.join(local, 'css'), { recursive: true });
    await fsp.mkdir(path.join(local, 'empty'), { recursive: true });
    await fsp.writeFile(path.join(local, 'index.html'), '<h1>hi</h1>');
    await fsp.writeFile(path.join(local, 'css', 'a.css'), 'a{}');
    const plan = await planUpload(nodeLocalFiles, [local], '/up');
    assert.deepEqual(plan.files.map((f) => f.remote).sort(), ['/up/site/css/a.css', '/up/site/index.html']);
    assert.deepEqual(plan.folders, ['/up/site', '/up/site/css', '/up/site/empty']);
    await createRemoteFolders(client, ['/up/site/empty']);
    const first = await new TransferQueue(4).run(
      plan.files.map((f) => uploadJob(client, nodeLocalFiles, f, always('skip'))),
      signal,
    );
    assert.equal(first.done, 2);
    assert.equal((await client.entry('/up/site/empty')).type, 'dir');

    // Again: Skip leaves the remote alone, Keep Both adds "(1)", Overwrite replaces.
    await fsp.writeFile(path.join(local, 'index.html'), '<h1>new</h1>');
    const skipped = await new TransferQueue(4).run(
      plan.files.map((f) => uploadJob(client, nodeLocalFiles, f, always('skip'))),
      signal,
    );
    assert.equal(skipped.skipped, 2);
    const kept = await new TransferQueue(4).run(
      plan.files.map((f) => uploadJob(client, nodeLocalFiles, f, always('keepBoth'))),
      signal,
    );
    assert.equal(kept.done, 2);
    assert.equal((await client.readFile('/up/site/index (1).html')).data.toString(), '<h1>new</h1>');
    assert.equal((await client.readFile('/up/site/index.html')).data.toString(), '<h1>hi</h1>');
    const replaced = await new TransferQueue(4).run(
      plan.files.map((f) => uploadJob(client, nodeLocalFiles, f, always('overwrite'))),
      signal,
    );
    assert.equal(replaced.done, 2);
    assert.equal((await client.readFile('/up/site/index.html')).data.toString(), '<h1>new</h1>');
  });

  it('downloads a folder tree and never replaces a local file without asking', async () => {
    const dest = path.join(tmp, 'down');
    await fsp.mkdir(dest);
    const projects = await client.entry('/projects');
    const plan = await planDownload(client, nodeLocalFiles, [projects], dest);
    assert.deepEqual(plan.refused, []);
    for (const folder of plan.folders) {
      await fsp.mkdir(folder, { recursive: true });
    }
    const summary = await new TransferQueue(2).run(
      plan.files.map((f) => downloadJob(client, nodeLocalFiles, f, always('skip'))),
      signal,
    );
    assert.equal(summary.done, 2);
    const index = path.join(dest, 'projects', 'website', 'index.html');
    assert.match(await fsp.readFile(index, 'utf8'), /Hello from GitShare/);

    await fsp.writeFile(index, 'mine');
    const again = await new TransferQueue(2).run(
      plan.files.map((f) => downloadJob(client, nodeLocalFiles, f, always('skip'))),
      signal,
    );
    assert.equal(again.skipped, 2);
    assert.equal(await fsp.readFile(index, 'utf8'), 'mine');
    const both = await new TransferQueue(2).run(
      plan.files.map((f) => downloadJob(client, nodeLocalFiles, f, always('keepBoth'))),
      signal,
    );
    assert.equal(both.done, 2);
    assert.equal(await fsp.readFile(index, 'utf8'), 'mine');
    assert.match(await fsp.readFile(path.join(dest, 'projects', 'website', 'index (1).html'), 'utf8'), /Hello/);
  });

  it('refuses hostile names from the server and reports them', async () => {
    const hostile = ['..', '../../escape.txt', '/etc/passwd', 'a/b', 'a\\b', 'nul\0.txt', ''];
    const fake = {
      async *iterateFolder() {
        for (const name of hostile) {
          yield entry(name, 'file');
        }
        yield entry('fine.txt', 'file');
      },
    } as unknown as GitShareClient;
    const dest = path.join(tmp, 'hostile');
    await fsp.mkdir(dest);
    const plan = await planDownload(fake, nodeLocalFiles, [entry('evil', 'dir', '')], dest);
    assert.deepEqual(
      plan.files.map((f) => path.relative(dest, f.local)),
      [path.join('evil', 'fine.txt')],
    );
    assert.equal(plan.refused.length, hostile.length);
    for (const outcome of plan.refused) {
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.reason ?? '', /Refused the name/);
    }
    // A hostile top-level name too.
    const top = await planDownload(fake, nodeLocalFiles, [entry('..', 'dir', '')], dest);
    assert.equal(top.files.length, 0);
    assert.equal(top.refused.length, 1);
    assert.deepEqual(await fsp.readdir(dest), []);
  });

  it("a host's size limit (the browser's) refuses bigger files in the plan, before any byte is read", async () => {
    const limited = { ...nodeLocalFiles, maxFileBytes: 10 };
    const local = path.join(tmp, 'limits');
    await fsp.mkdir(local, { recursive: true });
    await fsp.writeFile(path.join(local, 'small.txt'), '12345');
    await fsp.writeFile(path.join(local, 'big.bin'), 'x'.repeat(11));
    const up = await planUpload(limited, [local], '/up');
    assert.deepEqual(
      up.files.map((f) => f.label),
      ['limits/small.txt'],
    );
    assert.deepEqual(
      up.refused.map((r) => `${r.label}: ${r.reason}`),
      [
        'limits/big.bin: big.bin is 11 B: VS Code in the browser moves files of at most 10 B. Use desktop VS Code for larger files.',
      ],
    );
    const remote = (name: string, size: number) => ({ ...entry(name, 'file', ''), path: `/${name}`, size });
    const down = await planDownload(
      {} as GitShareClient,
      limited,
      [remote('ok.txt', 10), remote('huge.iso', 11)],
      local,
    );
    assert.deepEqual(
      down.files.map((f) => f.label),
      ['ok.txt'],
    );
    assert.deepEqual(
      down.refused.map((r) => r.label),
      ['huge.iso'],
    );
  });
});
