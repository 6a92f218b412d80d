import * as assert from 'node:assert/strict';
import type { RunningServer } from '../index';
import { HOSTILE_ELSEWHERE, HOSTILE_FOLDER, HOSTILE_LINK_NAME, HOSTILE_RENAMED, HOSTILE_RENAMED_TO } from '../hostile';
import { api, signIn } from '../../support/serverHttp';
import { startTestServer } from '../../support/testServer';

interface Entry {
  name: string;
  path: string;
}

describe('local server: hostile mode', () => {
  let server: RunningServer;
  let token: string;

  before(async () => {
    server = await startTestServer();
    token = (await signIn(server)).tokens.access_token;
  });
  after(async () => {
    await server.close();
  });

  const listing = async (p: string): Promise<Entry[]> =>
    ((await (await api(server, token, `/api/v1/folders${p}`)).json()) as { entries: Entry[] }).entries;
  const entry = async (p: string): Promise<Entry> =>
    (await (await api(server, token, `/api/v1/metadata${p}`)).json()) as Entry;
  const hostile = async (on: boolean): Promise<void> => {
    const res = await fetch(`${server.url}/__test__/hostile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ on }),
    });
    assert.equal(res.status, 204);
  };

  it('is off by default: no hostile folder, honest answers', async () => {
    assert.ok(!(await listing('/')).some((e) => e.name === HOSTILE_FOLDER));
  });

  it('on, lists a stray entry named like a command link beside the honest ones, and renames one folder', async () => {
    await hostile(true);
    assert.deepEqual(
      (await listing(`/${HOSTILE_FOLDER}`)).map((e) => [e.name, e.path]),
      [
        [HOSTILE_RENAMED, `/${HOSTILE_FOLDER}/${HOSTILE_RENAMED}`],
        ['good.txt', `/${HOSTILE_FOLDER}/good.txt`],
        [HOSTILE_LINK_NAME, HOSTILE_ELSEWHERE],
      ],
    );
    assert.match(HOSTILE_LINK_NAME, /^\[[^\]]+\]\(command:[^)\s]+\)$/, 'what a notification renders as a link');
    const renamed = await entry(`/${HOSTILE_FOLDER}/${HOSTILE_RENAMED}`);
    assert.deepEqual([renamed.name, renamed.path], [HOSTILE_RENAMED_TO, `/${HOSTILE_FOLDER}/${HOSTILE_RENAMED}`]);
    // Only /hostile lies.
    assert.equal((await entry(`/${HOSTILE_FOLDER}/good.txt`)).name, 'good.txt');
    assert.ok((await listing('/notes')).every((e) => e.path === `/notes/${e.name}`));
  });

  it('off again, answers about /hostile honestly', async () => {
    await hostile(false);
    assert.deepEqual(
      (await listing(`/${HOSTILE_FOLDER}`)).map((e) => e.name),
      [HOSTILE_RENAMED, 'good.txt'],
    );
    assert.equal((await entry(`/${HOSTILE_FOLDER}/${HOSTILE_RENAMED}`)).name, HOSTILE_RENAMED);
  });
});
