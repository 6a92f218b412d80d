import * as assert from 'node:assert/strict';
import type { RunningServer } from '../index';
import { raw, register, REDIRECT, signIn } from '../../support/serverHttp';
import { startTestServer } from '../../support/testServer';

/** Garbage of every kind: each gets a JSON (or, for pages, HTML) 4xx, never a 5xx, and the server stays up. */
describe('local server: bad input never breaks it', () => {
  let server: RunningServer;
  let token: string;
  let clientId: string;
  before(async () => {
    server = await startTestServer();
    token = (await signIn(server)).tokens.access_token;
    clientId = (await register(server, { client_name: 'x', redirect_uris: [REDIRECT] })).client_id;
  });
  after(async () => {
    await server.close();
  });

  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const json = { 'content-type': 'application/json' };
  const cases = (): Array<[string, string, Record<string, string>, string | undefined]> => [
    ['POST', '/oauth2/token/', form, 'grant_type=nope&client_id=x&client_secret=y'],
    ['POST', '/oauth2/token/', form, ''],
    ['POST', '/oauth2/token/', form, 'grant_type=authorization_code&client_id=%00&client_secret=%01&code=%02'],
    [
      'POST',
      '/oauth2/token/',
      { ...form, authorization: 'Basic !!!notbase64' },
      'grant_type=authorization_code&code=x',
    ],
    [
      'POST',
      '/oauth2/token/',
      { ...form, authorization: 'Basic ' + Buffer.from('nocolon').toString('base64') },
      'grant_type=refresh_token&refresh_token=x',
    ],
    ['POST', '/oauth2/token/', { ...form, authorization: 'Bearer x' }, 'grant_type=refresh_token&refresh_token=x'],
    [
      'POST',
      '/oauth2/token/',
      form,
      `grant_type=refresh_token&client_id=${clientId}&client_secret=wrong&refresh_token=${'a'.repeat(5000)}`,
    ],
    ['POST', '/oauth2/token/', { 'content-type': 'text/plain' }, 'grant_type=x'],
    ['POST', '/oauth2/token/', form, 'a[b]=c&grant_type[]=x'],
    ['GET', '/oauth2/token/', {}, undefined],
    ['POST', '/oauth2/revoke_token/', form, 'token=x'],
    ['POST', '/oauth2/revoke_token/', form, `client_id=${clientId}`],
    ['POST', '/oauth2/revoke_token/', json, '{"token":"x"}'],
    ['POST', '/oauth2/register/', json, '{"redirect_uris":[null]}'],
    ['POST', '/oauth2/register/', json, JSON.stringify({ client_name: 'x'.repeat(100_000) })],
    ['POST', '/oauth2/register/', json, 'null'],
    ['POST', '/oauth2/register/', json, '"string"'],
    ['DELETE', '/oauth2/register/nope', {}, undefined],
    ['GET', '/oauth2/authorize/', {}, undefined],
    ['GET', `/oauth2/authorize/?client_id=${clientId}&client_id=${clientId}`, {}, undefined],
    ['GET', `/oauth2/authorize/?client_id=${clientId}&redirect_uri=%ZZ`, {}, undefined],
    ['GET', `/oauth2/authorize/?client_id=${clientId}&redirect_uri=javascript:alert(1)`, {}, undefined],
    [
      'POST',
      `/oauth2/authorize/?client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}`,
      form,
      'decision=allow&csrf=x',
    ],
    [
      'POST',
      `/oauth2/authorize/?client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}`,
      json,
      '{"decision":"allow"}',
    ],
    ['GET', '/api/v1/user', { authorization: 'Bearer' }, undefined],
    ['GET', '/api/v1/user', { authorization: 'Bearer a b c' }, undefined],
    ['GET', '/api/v1/user', { authorization: 'Basic eDp5' }, undefined],
    ['GET', '/api/v1/user?access_token=a&access_token=b', {}, undefined],
    ['GET', '/api/v1/folders/?limit=1e3', { authorization: `Bearer ${token}` }, undefined],
    [
      'GET',
      '/api/v1/folders/?cursor=' + Buffer.from('[2,"x"]').toString('base64url'),
      { authorization: `Bearer ${token}` },
      undefined,
    ],
    ['POST', '/api/v1/move', { ...json, authorization: `Bearer ${token}` }, '{"from":"/README.md"'],
    ['POST', '/api/v1/move', { ...json, authorization: `Bearer ${token}` }, '[1,2]'],
    ['POST', '/api/v1/move', { ...json, authorization: `Bearer ${token}` }, '{"from":"/","to":"/x"}'],
    ['POST', '/api/v1/move', { ...json, authorization: `Bearer ${token}` }, '{"from":"/README.md","to":"/"}'],
    [
      'POST',
      '/api/v1/move',
      { ...json, authorization: `Bearer ${token}` },
      JSON.stringify({ from: '/README.md', to: '/x'.repeat(100) }),
    ],
    [
      'POST',
      '/api/v1/move',
      { ...json, authorization: `Bearer ${token}` },
      JSON.stringify({ from: '/notes', to: '/README.md/x' }),
    ],
    [
      'POST',
      '/api/v1/move',
      { ...json, authorization: `Bearer ${token}` },
      JSON.stringify({ from: '/notes', to: '/projects', overwrite: true }),
    ],
    [
      'POST',
      '/api/v1/move',
      { ...json, authorization: `Bearer ${token}` },
      '{"from":"/a","to":"/b"}'.padEnd(70_000, ' '),
    ],
    ['PUT', '/api/v1/files/', { authorization: `Bearer ${token}` }, 'x'],
    [
      'PUT',
      '/api/v1/files/x?recursive=true&recursive=false',
      { authorization: `Bearer ${token}`, 'if-match': 'garbage' },
      'x',
    ],
    ['DELETE', '/api/v1/files/notes?recursive=maybe', { authorization: `Bearer ${token}` }, undefined],
    ['DELETE', '/api/v1/files/notes?recursive=true&recursive=true', { authorization: `Bearer ${token}` }, undefined],
    [
      'GET',
      '/api/v1/files/README.md',
      { authorization: `Bearer ${token}`, range: 'bytes=99999999999999999999-' },
      undefined,
    ],
    ['POST', '/__test__/faults', json, '{"kind":"429","count":-1}'],
    ['POST', '/__test__/faults', json, '{'],
    ['POST', '/__test__/token-ttl', json, '{"seconds":"x"}'],
    ['GET', '/%', {}, undefined],
    ['GET', '/api/v1/%', { authorization: `Bearer ${token}` }, undefined],
  ];

  it('answers every malformed request with a 4xx and a body, and stays up', async () => {
    for (const [method, p, headers, body] of cases()) {
      const res = await raw(server, method, p, headers, body);
      assert.ok(
        res.status >= 400 && res.status < 500,
        `${method} ${p.slice(0, 80)} ${body?.slice(0, 60) ?? ''} → ${res.status} ${res.body.toString().slice(0, 200)}`,
      );
      const type = String(res.headers['content-type'] ?? '');
      assert.ok(/json|html/.test(type), `${method} ${p}: content-type ${type}`);
      if (type.includes('json')) {
        assert.equal(typeof res.json().error, 'string', `${method} ${p}`);
      }
    }
    const alive = await raw(server, 'GET', '/api/v1/metadata/README.md', { authorization: `Bearer ${token}` });
    assert.equal(alive.status, 200);
  });
});
