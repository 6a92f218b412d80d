/**
 * The local server against hostile and malformed requests: PKCE downgrades the
 * existing OAuth tests do not try, and a generated set (deterministic seed) of
 * more than 500 requests with hostile paths, headers, bodies and parameters.
 * Never a 500, never a crash, never a byte written outside the account's
 * folder, and a sibling account's files untouched.
 */

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { startServer, type RunningServer } from '../index';
import { authorizeAsUser } from '../browser';
import {
  authorizeUrl,
  exchangeCode,
  getCode,
  pkcePair,
  raw,
  register,
  REDIRECT,
  signIn,
  tokenRequest,
} from '../../support/serverHttp';
import { filesBelow } from '../../support/files';
import { count } from '../../support/tally';

/** mulberry32: a small deterministic generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every file below `dir` with a hash of its bytes, skipping `skip` (an absolute folder). */
async function fingerprint(dir: string, skip: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const rel of await filesBelow(dir)) {
    const abs = path.join(dir, rel);
    if (skip.some((s) => abs === s || abs.startsWith(s + path.sep))) {
      continue;
    }
    out.push(
      `${rel} ${createHash('sha256')
        .update(await fsp.readFile(abs))
        .digest('hex')}`,
    );
  }
  return out;
}

/** Sends bytes as they are (a broken request line, a lying Content-Length) and returns the status line, or '' when the server just closed. */
function rawSocket(server: RunningServer, bytes: string, waitMs = 1_500): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, server.host);
    let answer = '';
    const done = () => {
      socket.destroy();
      resolve(answer.split('\r\n')[0] ?? '');
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      done();
    });
    socket.on('error', () => undefined);
    socket.end(bytes);
  });
}

describe('reliability: the local server against hostile requests', function () {
  this.timeout(60_000);
  let server: RunningServer;

  before(async () => {
    server = await startServer({
      port: 0,
      faults: true,
      users: [
        { username: 'demo', password: 'demo' },
        { username: 'eve', password: 'eve' },
      ],
    });
  });
  after(async () => {
    await server?.close();
  });

  describe('PKCE downgrades', () => {
    it('a code issued with an S256 challenge cannot be redeemed without the verifier (confidential client)', async () => {
      const client = await register(server, {
        client_name: 'pkce',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'client_secret_post',
      });
      const { code } = await getCode(server, client);
      const res = await exchangeCode(server, client, code);
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'invalid_grant');
      count('badInputs', 'OAuth downgrade and replay attempts');
    });

    it('a challenge without a method (which RFC 7636 reads as plain) is refused at authorization', async () => {
      const client = await register(server, { client_name: 'pkce', redirect_uris: [REDIRECT] });
      const { verifier } = pkcePair();
      const url = authorizeUrl(server, {
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT,
        state: 's',
        code_challenge: verifier,
      });
      const location = await authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' }).catch(
        (e: Error) => `refused: ${e.message}`,
      );
      if (location.startsWith('refused')) {
        return; // an error page: no code was issued
      }
      // Either no code, or a code that the plain "verifier" (the challenge itself) cannot redeem.
      const code = new URL(location).searchParams.get('code');
      if (code) {
        const res = await exchangeCode(server, client, code, { code_verifier: verifier });
        assert.equal(res.status, 400, 'a plain verifier redeemed the code: PKCE downgraded to plain');
      } else {
        assert.equal(new URL(location).searchParams.get('error'), 'invalid_request');
      }
      count('badInputs', 'OAuth downgrade and replay attempts');
    });
  });

  it('500+ generated hostile requests: never a 5xx, never a crash, nothing written outside the account folder', async () => {
    const demo = await signIn(server);
    const token = demo.tokens.access_token;
    // The sibling account gets files of its own, through the API.
    const eveClient = await register(server, {
      client_name: 'eve',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'client_secret_post',
    });
    const { verifier, challenge } = pkcePair();
    const eveLocation = await authorizeAsUser(
      authorizeUrl(server, {
        client_id: eveClient.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
      { username: 'eve', password: 'eve', decision: 'allow' },
    );
    const eveTokens = await tokenRequest(server, {
      grant_type: 'authorization_code',
      client_id: eveClient.client_id,
      client_secret: eveClient.client_secret,
      code: new URL(eveLocation).searchParams.get('code')!,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    const eveToken = String(eveTokens.body.access_token);
    for (const p of ['secret.txt', 'deep/er/secret.txt']) {
      assert.equal(
        (await raw(server, 'PUT', `/api/v1/files/${p}`, { authorization: `Bearer ${eveToken}` }, `eve's ${p}`)).status,
        201,
      );
    }
    const demoUser = (await (
      await fetch(`${server.url}/api/v1/user`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { id: string };
    const demoFolder = path.join(server.dataDir, 'files', demoUser.id);
    // Outside the demo folder: everything but the database (tokens are issued while we run).
    const db = path.join(server.dataDir, 'gitshare.sqlite');
    const before = await fingerprint(server.dataDir, [demoFolder, db, db + '-wal', db + '-shm', db + '-journal']);
    assert.ok(
      before.some((f) => f.includes('secret.txt')),
      'the sibling account has files',
    );

    const random = generator(20240606);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const segments = [
      '..',
      '.',
      '%2e%2e',
      '%2E%2e',
      '.%2e',
      '%2e.',
      '...',
      '%2F',
      'a%2Fb',
      '%5C',
      'a%5c..%5c..',
      '%00',
      'a%00b',
      '%0a',
      '%0d%0a',
      '%ff',
      '%c0%ae%c0%ae',
      '%e2%80%ae',
      '%',
      '%%',
      '%zz',
      '%2',
      ';',
      'a;b=c',
      '~',
      '~root',
      'CON',
      'nul.txt',
      '.gitshare-upload-x',
      '.gitshare-upload-',
      'x'.repeat(256),
      'é'.repeat(130),
      '%F0%9F%98%80',
      'normal',
      'notes',
      'README.md',
      'a b',
      '%20',
      '+',
      '..%2f..%2f',
      '..\\..',
      '/..',
      '*',
      '?',
      '#',
      "'",
      '"',
      '<script>',
      String(Number(demoUser.id) + 1),
      `../${Number(demoUser.id) + 1}`,
      '%2e%2e%2f' + String(Number(demoUser.id) + 1),
    ];
    const hostilePath = (): string => {
      const n = 1 + Math.floor(random() * 4);
      return Array.from({ length: n }, () => pick(segments)).join(pick(['/', '/', '/', '//', '/./', '\\']));
    };
    const routes = [
      '/api/v1/metadata/',
      '/api/v1/folders/',
      '/api/v1/files/',
      '/api/v1/move',
      '/api/v1/user',
      '/api/v1/',
      '/oauth2/token/',
      '/oauth2/authorize/',
      '/oauth2/register/',
      '/oauth2/revoke_token/',
      '/.well-known/oauth-authorization-server',
      '/__test__/faults',
      '/',
    ];
    const methods = ['GET', 'GET', 'PUT', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND'];
    const authHeaders = (): Record<string, string> => {
      switch (Math.floor(random() * 9)) {
        case 0:
          return {};
        case 1:
          return { authorization: 'Bearer' };
        case 2:
          return { authorization: `Bearer ${token}x` };
        case 3:
          return { authorization: `bearer ${token}` };
        case 4:
          return { authorization: `Basic ${Buffer.from(':').toString('base64')}` };
        case 5:
          return { authorization: `Bearer ${'A'.repeat(8000)}` };
        case 6:
          return { authorization: `Bearer ${eveToken}` };
        default:
          return { authorization: `Bearer ${token}` };
      }
    };
    const extraHeaders = (): Record<string, string> => {
      const h: Record<string, string> = {};
      if (random() < 0.3) {
        h.range = pick([
          'bytes=0-0',
          'bytes=-0',
          'bytes=9999999999999999999-',
          'bytes=5-2',
          'bytes=0-1,1-2,2-3',
          'lines=1-2',
          'bytes=',
          'bytes=-',
          'bytes=abc',
        ]);
      }
      if (random() < 0.3) {
        h['if-match'] = pick(['*', '"x"', 'garbage', '', '"' + 'a'.repeat(5000) + '"', 'W/"x"']);
      }
      if (random() < 0.2) {
        h['if-none-match'] = pick(['*', '"x"', ',,,']);
      }
      if (random() < 0.3) {
        h['content-type'] = pick([
          'application/json',
          'application/x-www-form-urlencoded',
          'text/plain',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          '',
        ]);
      }
      if (random() < 0.1) {
        h['if-range'] = pick(['"x"', 'Mon, 01 Jan 1990 00:00:00 GMT', 'garbage']);
      }
      if (random() < 0.1) {
        h['x-forwarded-for'] = '127.0.0.1';
      }
      if (random() < 0.1) {
        h['transfer-encoding'] = 'chunked';
      }
      return h;
    };
    const body = (): string | Buffer | undefined => {
      switch (Math.floor(random() * 10)) {
        case 0:
          return undefined;
        case 1:
          return '';
        case 2:
          return JSON.stringify({ from: '/' + hostilePath(), to: '/' + hostilePath(), overwrite: random() < 0.5 });
        case 3:
          return JSON.stringify({ from: '/README.md', to: `/../${Number(demoUser.id) + 1}/stolen.txt` });
        case 4:
          return '{"from":' + '['.repeat(5000);
        case 5:
          return (
            'grant_type=refresh_token&refresh_token=' +
            encodeURIComponent(hostilePath()) +
            '&client_id=' +
            eveClient.client_id
          );
        case 6:
          return Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256)));
        case 7:
          return JSON.stringify({
            client_name: hostilePath(),
            redirect_uris: [pick(['javascript:alert(1)', 'http://evil.example/cb', 'file:///etc/passwd', REDIRECT])],
          });
        case 8:
          return `access_token=${token}&recursive=true`;
        default:
          return 'x'.repeat(Math.floor(random() * 2000));
      }
    };
    const query = (): string => {
      if (random() < 0.6) {
        return '';
      }
      return (
        '?' +
        Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
          pick([
            'limit=-1',
            'limit=0',
            'limit=1e9',
            'limit=abc',
            'cursor=%%%',
            'cursor=' + 'A'.repeat(3000),
            'recursive=true',
            'recursive=1',
            `access_token=${token}`,
            'access_token=',
            'client_id=%00',
            'redirect_uri=javascript:x',
            'a[b]=c',
            '__proto__=x',
            'constructor[prototype][x]=1',
          ]),
        ).join('&')
      );
    };

    const N = 600;
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    for (let i = 0; i < N; i++) {
      const method = pick(methods);
      const route = pick(routes);
      const target = (route.endsWith('/') && random() < 0.85 ? route + hostilePath() : route) + query();
      const headers = { ...authHeaders(), ...extraHeaders() };
      const payload = method === 'GET' || method === 'HEAD' ? undefined : body();
      if (payload === undefined) {
        delete headers['transfer-encoding'];
      }
      const described = `#${i} ${method} ${target.slice(0, 120)} ${JSON.stringify(Object.keys(headers))}`;
      try {
        const res = await raw(server, method, target, headers, payload);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status >= 500 || res.status === 0) {
          failures.push(`${described} → ${res.status} ${res.body.toString().slice(0, 160)}`);
        }
      } catch (error) {
        // A path Node's own client refuses to send (control characters) is no test of the server.
        if (
          (error as NodeJS.ErrnoException).code === 'ERR_UNESCAPED_CHARACTERS' ||
          (error as NodeJS.ErrnoException).code === 'ERR_INVALID_CHAR'
        ) {
          i--;
          continue;
        }
        failures.push(`${described} → ${(error as Error).message}`);
      }
    }
    // Broken framing, sent byte for byte. (A PUT body cut short by a clean close, or a broken chunk,
    // and the temp file it must not leave: tempFiles.test.ts.)
    const framing = [
      'GARBAGE\r\n\r\n',
      'GET /api/v1/user HTTP/1.1\r\nHost: x\r\nNoColonHeader\r\n\r\n',
      `GET /api/v1/files/README.md HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nX: ${'y'.repeat(20_000)}\r\n\r\n`,
      `PUT /api/v1/files/both.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
      'GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n',
      `GET /api/v1/files/..%2f..%2fgitshare.sqlite HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      'GET /api/v1/user HTTP/9.9\r\nHost: x\r\n\r\n',
      `GET /api/v1/user HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`,
    ];
    for (const bytes of framing) {
      const line = await rawSocket(server, bytes);
      const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(line)?.[1] ?? 0);
      if (status >= 500) {
        failures.push(`framing ${JSON.stringify(bytes.slice(0, 60))} → ${line}`);
      }
    }
    count('badInputs', 'generated hostile requests to the server', N);
    count('badInputs', 'malformed HTTP framing', framing.length);

    assert.deepEqual(failures, [], `${failures.length} request(s) got a 5xx or broke the connection`);
    // Still up, and still correct.
    const alive = await raw(server, 'GET', '/api/v1/metadata/README.md', { authorization: `Bearer ${token}` });
    assert.equal(alive.status, 200);
    const after = await fingerprint(server.dataDir, [demoFolder, db, db + '-wal', db + '-shm', db + '-journal']);
    assert.deepEqual(after, before, 'nothing written outside the account folder; the sibling account is untouched');
    // Interrupted uploads are cleaned up once the server notices the connection is gone.
    const temps = async () =>
      (await filesBelow(demoFolder)).filter((f) => path.basename(f).startsWith('.gitshare-upload-'));
    for (let i = 0; i < 50 && (await temps()).length; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(await temps(), [], 'no temp file left');
    assert.ok(Object.keys(statuses).length >= 5, `a spread of answers: ${JSON.stringify(statuses)}`);
  });
});
