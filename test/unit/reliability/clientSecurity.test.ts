/**
 * The client's security promises, against the real local server: forged
 * callbacks make no token request, no secret reaches a log line, an error
 * message or the test output, the bearer token goes only to the configured
 * origin, plain http goes only to loopback, and names from the server cannot
 * leave a download folder.
 */

import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Entry } from '../../../src/api/types';
import { OOB_REDIRECT_URI } from '../../../src/oauth/oauthClient';
import { downloadJob } from '../../../src/transfers/jobs';
import { planDownload } from '../../../src/transfers/plan';
import { ConflictDecider } from '../../../src/transfers/conflicts';
import { GitShareError } from '../../../src/common/errors';
import { watchIntervalMs } from '../../../src/common/poller';
import { authorizeAsUser } from '../../server/index';
import { AuthStack, callbackPathOf, codeServerRedirectUri, MemorySecretStorage } from '../helpers/authStack';
import { useSignedInServer } from '../helpers/fixtures';
import { filesBelow } from '../../support/files';
import { count } from '../../support/tally';
import { pause } from '../../support/wait';
import { failure, newClient } from './helpers';
import { TestProxy } from './proxy';
import { downloadTo, uploadFrom } from '../helpers/localFiles';
import { nodeLocalFiles } from '../../../src/node/localFiles';

/** A tiny HTTP server on another loopback address that records every request's headers. */
async function recorder(
  host: string,
): Promise<{ url: string; seen: http.IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"name":"stolen","path":"/stolen","type":"file","size":0,"modified":"2020-01-01T00:00:00Z","etag":"x"}');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('reliability: client security', function () {
  this.timeout(30_000);
  const { server, tokens } = useSignedInServer();
  const tokenRequests = () => server.control!.stats().tokenRequests;

  it('forged callbacks (no pending sign-in, unknown, missing, reused state, error=…) make no token request and store nothing', async () => {
    const stack = new AuthStack();
    try {
      const forged = (q: Record<string, string>) => new URLSearchParams(q);
      const bogus = { code: 'forged-code-0123456789', state: 'forged-state-0123456789abcdef' };
      // Nothing pending.
      assert.equal(stack.pending.handleCallback(forged(bogus), callbackPathOf(server.url)), false);
      assert.equal(
        stack.pending.handleCallback(
          forged({ error: 'access_denied', state: bogus.state }),
          callbackPathOf(server.url),
        ),
        false,
      );

      const { callback: real, signIn } = await stack.signInHeldAtCallback(server);
      const cases: URLSearchParams[] = [
        forged(bogus),
        forged({ code: real.get('code')!, state: bogus.state }),
        forged({ code: real.get('code')! }),
        forged({ code: real.get('code')!, state: '' }),
        forged({ error: 'access_denied', state: bogus.state }),
        forged({ error: 'server_error', error_description: '<script>x</script>', state: bogus.state }),
        forged({ code: real.get('code')!, state: real.get('state')!.toUpperCase() }),
        forged({ code: real.get('code')!, state: real.get('state')! + 'x' }),
      ];
      for (const query of cases) {
        assert.equal(stack.pending.handleCallback(query, callbackPathOf(server.url)), false, query.toString());
      }
      // Nothing happening has no moment to wait for: a wrongly started exchange gets 50 ms to arrive.
      await pause(50);
      assert.equal(tokenRequests().authorization_code, 0, 'no token request for a forged callback');
      assert.deepEqual(await stack.store.readSessions(), [], 'no session stored');

      assert.equal(stack.pending.handleCallback(real, callbackPathOf(server.url)), true);
      await signIn;
      assert.equal(stack.pending.handleCallback(real, callbackPathOf(server.url)), false, 'a reused state');
      await pause(50);
      assert.equal(tokenRequests().authorization_code, 1);
      count('badInputs', 'forged sign-in callbacks', cases.length + 3);

      // error= with the right state ends that sign-in: no token request, nothing new stored.
      const storedBefore = [...stack.secrets.values.keys()].sort();
      await assert.rejects(
        stack.flow.signIn({
          serverUrl: server.url,
          scopes: ['files:read'],
          redirectUri: codeServerRedirectUri(2, server.url),
          openBrowser: async (url) => {
            const state = new URL(url).searchParams.get('state')!;
            stack.pending.handleCallback(forged({ error: 'server_error', state }), callbackPathOf(server.url));
          },
        }),
        (e: unknown) => e instanceof GitShareError,
      );
      count('badInputs', 'forged sign-in callbacks');
      assert.equal(tokenRequests().authorization_code, 1);
      assert.deepEqual(
        [...stack.secrets.values.keys()].sort().filter((k) => !storedBefore.includes(k) && !/client/i.test(k)),
        [],
        'no new session stored',
      );
      assert.equal(stack.sessions.accounts.length, 1);
    } finally {
      stack.dispose();
    }
  });

  it('after a full verbose run no secret is in the log, an error message or the test output', async () => {
    // Every value ever written to the secret storage is collected, not only what is left at the end.
    const storage = new MemorySecretStorage();
    const stored: string[] = [];
    const store = storage.store.bind(storage);
    storage.store = async (key, value) => {
      stored.push(value);
      return store(key, value);
    };
    const stack = new AuthStack({ secrets: storage });
    const output: string[] = [];
    const errors: unknown[] = [];
    const originalOut = process.stdout.write.bind(process.stdout);
    const originalErr = process.stderr.write.bind(process.stderr);
    const capture = (original: typeof process.stdout.write) =>
      ((chunk: unknown, ...rest: unknown[]) => {
        output.push(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof process.stdout.write;
    process.stdout.write = capture(originalOut);
    process.stderr.write = capture(originalErr);
    const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-reliability-secrets-'));
    const secrets = new Set<string>();
    try {
      const codes: string[] = [];
      const browse = async (url: string) => {
        const location = await authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' });
        codes.push(location.startsWith('http') ? new URL(location).searchParams.get('code')! : location);
        return location;
      };
      // Sign in (callback mode, then the pasted-code mode).
      const session = await stack.flow.signIn({
        serverUrl: server.url,
        scopes: ['files:read', 'files:write'],
        redirectUri: codeServerRedirectUri(1, server.url),
        openBrowser: async (url) =>
          void stack.pending.handleCallback(new URL(await browse(url)).searchParams, callbackPathOf(server.url)),
      });
      let pasted = '';
      await stack.flow.signIn({
        serverUrl: server.url,
        scopes: ['files:read', 'files:write'],
        redirectUri: OOB_REDIRECT_URI,
        openBrowser: async (url) => void (pasted = await browse(url)),
        promptForCode: async () => pasted,
      });
      const account = stack.sessions.accounts.find((a) => a.id === session.id)!;
      const { client } = newClient(server.url, account.tokens, {}, stack.sink);
      const trap = async (p: Promise<unknown>) => p.catch((e: unknown) => void errors.push(e));

      // Transfers, with faults and failures on the way.
      const local = path.join(tmp, 'up.bin');
      await fsp.writeFile(local, Buffer.alloc(600_000, 1));
      await uploadFrom(client, '/rel/secrets/up.bin', local, undefined);
      server.control!.addFault({ kind: 'cut', afterBytes: 100_000, count: 1, match: 'GET /api/v1/files' });
      await downloadTo(client, '/rel/secrets/up.bin', path.join(tmp, 'down.bin'));
      server.control!.expireAccessTokens();
      await client.listFolder('/rel');
      await trap(client.entry('/no/such/file'));
      server.control!.addFault({ kind: 'cut', afterBytes: 1000, count: 2, match: 'PUT /api/v1/files' });
      await trap(uploadFrom(client, '/rel/secrets/cut.bin', local, undefined));
      server.control!.addFault({ kind: '503', count: 10, match: 'GET /api/v1/metadata' });
      await trap(client.entry('/README.md'));
      server.control!.clearFaults();
      await trap(
        newClient(server.url, account.tokens, { responseTimeoutMs: 100, retry: { maxRetries: 0 } }, stack.sink)
          .client.entry('/README.md')
          .then(() => undefined),
      );
      server.control!.addFault({ kind: 'stall', count: 1, match: 'GET /api/v1/metadata' });
      await trap(
        newClient(
          server.url,
          account.tokens,
          { responseTimeoutMs: 100, retry: { maxRetries: 0 } },
          stack.sink,
        ).client.entry('/README.md'),
      );
      // A refresh that fails: the refresh token is revoked at the server, then the access token expires.
      const latest = (await stack.store.readSession(session.id))!;
      secrets.add(latest.accessToken).add(latest.refreshToken!);
      const as = await stack.authorizationServers.get(server.url);
      await stack.oauth.revoke(as, latest.client, latest.refreshToken!);
      server.control!.expireAccessTokens();
      await trap(client.entry('/README.md'));
      await trap(stack.sessions.getAccessToken(session.id));
      // Sign out what is left.
      for (const s of stack.sessions.getSessions()) {
        secrets
          .add(s.accessToken)
          .add(s.refreshToken ?? '')
          .add(s.client.clientSecret ?? '');
        await stack.sessions.signOut(s.id);
      }

      // Every secret value that crossed the wire or the storage.
      for (const code of codes) {
        secrets.add(code);
      }
      for (const request of stack.http.requests) {
        const form = new URLSearchParams(request.body ?? '');
        for (const key of ['code', 'code_verifier', 'client_secret', 'refresh_token', 'token']) {
          secrets.add(form.get(key) ?? '');
        }
        secrets.add(request.headers.authorization?.replace(/^(Bearer|Basic) /, '') ?? '');
        try {
          const body = JSON.parse(request.body ?? '') as Record<string, unknown>;
          secrets.add(String(body.client_secret ?? ''));
        } catch {
          // a form body
        }
      }
      for (const value of stored) {
        try {
          const walk = (v: unknown, key = ''): void => {
            if (typeof v === 'string' && /token|secret|verifier/i.test(key)) {
              secrets.add(v);
            } else if (v && typeof v === 'object') {
              Object.entries(v).forEach(([k, x]) => walk(x, k));
            }
          };
          walk(JSON.parse(value));
        } catch {
          secrets.add(value);
        }
      }
    } finally {
      process.stdout.write = originalOut;
      process.stderr.write = originalErr;
      stack.dispose();
      await fsp.rm(tmp, { recursive: true, force: true });
    }
    secrets.delete('');
    for (const s of [...secrets]) {
      if (s.length < 16) {
        secrets.delete(s);
      }
    }
    assert.ok(secrets.size >= 10, `searched for ${secrets.size} secret values`);
    assert.ok(errors.length >= 5, `${errors.length} failures on the way`);
    const errorText = errors
      .map((e) => {
        const g = e as GitShareError;
        return [g.message, g.detail, g.stack, String(g.cause), g.cause instanceof Error ? g.cause.stack : ''].join(
          '\n',
        );
      })
      .join('\n');
    const places: Array<[string, string]> = [
      ['log', stack.sink.lines.join('\n')],
      ['thrown errors', errorText],
      ['test output', output.join('')],
    ];
    assert.ok(stack.sink.lines.length >= 30, `${stack.sink.lines.length} log lines`);
    for (const [where, text] of places) {
      const leaked = [...secrets].filter((s) => text.includes(s)).length;
      // Say how many, never which: the values must not reach the test output either.
      assert.equal(leaked, 0, `${leaked} secret value(s) found in the ${where}`);
    }
    count('secrets', 'secret values searched for', secrets.size);
    count('secrets', 'log lines searched', stack.sink.lines.length);
    count('secrets', 'thrown errors searched', errors.length);
  });

  it('the bearer token goes only to the configured origin: a redirect elsewhere is refused and the other server sees nothing', async () => {
    const elsewhere = await recorder('127.0.0.3');
    const otherPort = await recorder('127.0.0.1');
    const proxy = await TestProxy.start(server.url);
    try {
      const targets: Record<string, string> = {
        '/api/v1/metadata/other-host': `${elsewhere.url}/api/v1/metadata/README.md`,
        '/api/v1/metadata/other-port': `${otherPort.url}/api/v1/metadata/README.md`,
        '/api/v1/metadata/protocol-relative': `//${new URL(elsewhere.url).host}/api/v1/metadata/README.md`,
      };
      proxy.plan = (req) => {
        const to = targets[req.url ?? ''];
        return to
          ? { kind: 'respond', status: req.url!.endsWith('other-port') ? 307 : 302, headers: { location: to } }
          : { kind: 'pass' };
      };
      const { client } = newClient(proxy.url, tokens);
      for (const name of ['other-host', 'other-port', 'protocol-relative']) {
        const error = await failure(client.entry(`/${name}`));
        assert.equal(error.kind, 'protocol', name);
        assert.match(error.message, /unexpected redirect/);
      }
      const plan = proxy.plan;
      proxy.plan = (req) =>
        req.method === 'PUT'
          ? { kind: 'respond', status: 307, headers: { location: `${elsewhere.url}/api/v1/files/x` } }
          : plan(req);
      const put = await failure(client.writeFile('/redirected.txt', Buffer.from('x'), undefined));
      assert.equal(put.kind, 'protocol');
      count('badInputs', 'redirects to another origin', 4);
      assert.equal(elsewhere.seen.length + otherPort.seen.length, 0, 'the other servers were never asked');

      // The control: a same-origin redirect is followed, with the token, and works. (A file's
      // bytes: an entry that answers for another path is refused, redirected or not.)
      proxy.plan = (req) =>
        req.url === '/api/v1/files/same-origin'
          ? { kind: 'respond', status: 302, headers: { location: '/api/v1/files/README.md' } }
          : { kind: 'pass' };
      assert.deepEqual((await client.readFile('/same-origin')).data, (await client.readFile('/README.md')).data);
    } finally {
      await Promise.all([elsewhere.close(), otherPort.close(), proxy.close()]);
    }
  });

  it('plain http to a host that is not loopback is refused before any request', async () => {
    const hosts = [
      'http://gitshare.example',
      'http://10.0.0.1:8765',
      'http://127.0.0.1.nip.io',
      'http://[::ffff:7f00:1]',
      'http://0.0.0.0:8765',
    ];
    for (const serverUrl of hosts) {
      const stack = new AuthStack();
      try {
        await assert.rejects(
          stack.flow.signIn({
            serverUrl,
            scopes: ['files:read'],
            redirectUri: codeServerRedirectUri(1, server.url),
            openBrowser: async () => undefined,
          }),
          (e: unknown) => e instanceof GitShareError,
          serverUrl,
        );
        assert.equal(stack.http.requests.length, 0, `no request to ${serverUrl}`);
      } finally {
        stack.dispose();
      }
    }
    count('badInputs', 'plain-http non-loopback server addresses', hosts.length);
  });

  it('the server address setting is application-scoped and restricted, so a workspace cannot change it', async () => {
    const pkg = JSON.parse(await fsp.readFile(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
      contributes: {
        configuration:
          { properties: Record<string, { scope?: string }> } | { properties: Record<string, { scope?: string }> }[];
      };
      capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } };
    };
    const configs = Array.isArray(pkg.contributes.configuration)
      ? pkg.contributes.configuration
      : [pkg.contributes.configuration];
    const setting = configs.map((c) => c.properties['gitshare.serverUrl']).find(Boolean);
    assert.equal(setting?.scope, 'application');
    assert.ok(pkg.capabilities?.untrustedWorkspaces?.restrictedConfigurations?.includes('gitshare.serverUrl'));
  });

  it('the watch interval is application-scoped and at least 1 s, so a workspace cannot make this computer poll back to back', async () => {
    const pkg = JSON.parse(await fsp.readFile(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { scope?: string; anyOf?: unknown[] }> } };
    };
    const setting = pkg.contributes.configuration.properties['gitshare.watch.interval'];
    assert.equal(setting?.scope, 'application');
    // 0 stays "off"; anything else is at least 1 (the Settings editor and settings.json say so).
    assert.deepEqual(setting?.anyOf, [{ enum: [0] }, { minimum: 1 }]);
    // And whatever value arrives (a settings.json written by hand, an old workspace file), never less than 1 s.
    assert.equal(watchIntervalMs(0.001), 1_000);
    count('badInputs', 'watch intervals under 1 s');
  });

  it('an entry answered for another path or under another name is refused, so it cannot name a download', async () => {
    const proxy = await TestProxy.start(server.url);
    try {
      const { client: direct } = newClient(server.url, tokens);
      await direct.createFolder('/rel/asked').catch(() => undefined);
      const answers: Array<[string, Partial<Entry>]> = [
        ['another name', { name: '.vscode' }],
        ['another name', { name: '.git' }],
        ['another path', { path: '/rel/.git' }],
        ['another path and name', { name: '.git', path: '/.git' }],
        ['a path that is no path', { path: 'rel/asked/../..' }],
      ];
      for (const [what, forged] of answers) {
        proxy.plan = (req) =>
          req.url === '/api/v1/metadata/rel/asked'
            ? { kind: 'rewriteJson', rewrite: (body) => ({ ...(body as Entry), ...forged }) }
            : { kind: 'pass' };
        const error = await failure(newClient(proxy.url, tokens).client.entry('/rel/asked'));
        assert.equal(error.kind, 'protocol', what);
        assert.equal(
          error.message,
          'GitShare answered with another file or folder than the one asked for, so the answer was refused.',
        );
        count('badInputs', 'entries answered for another path or name');
      }
      // The control: the true answer, and a trailing slash asked for, pass.
      proxy.plan = () => ({ kind: 'pass' });
      const { client } = newClient(proxy.url, tokens);
      assert.equal((await client.entry('/rel/asked')).name, 'asked');
      assert.equal((await client.entry('/rel/asked/')).path, '/rel/asked');
      assert.equal((await client.entry('/')).path, '/');
    } finally {
      await proxy.close();
    }
  });

  it('names from the server cannot escape a download folder', async () => {
    const proxy = await TestProxy.start(server.url);
    const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-reliability-names-'));
    try {
      const { client: direct } = newClient(server.url, tokens);
      await direct.writeFile('/rel/names/ok.txt', Buffer.from('fine'), undefined);
      const hostile = [
        '..',
        '.',
        '../escape.txt',
        '../../escape.txt',
        '/etc/escape.txt',
        'a/../../escape.txt',
        'sub\\..\\..\\escape.txt',
        '',
        'nul\0byte.txt',
        '..\\escape.txt',
      ];
      proxy.plan = (req) =>
        req.method === 'GET' && req.url?.startsWith('/api/v1/folders/rel/names')
          ? {
              kind: 'rewriteJson',
              rewrite: (body) => {
                const page = body as { entries: Entry[] };
                const real = page.entries[0] as unknown as Record<string, unknown>;
                // Each hostile name points at a real file, so a mistake would really write bytes.
                page.entries.push(...hostile.map((name) => ({ ...real, name }) as unknown as Entry));
                page.entries.push({ ...real, name: '..', type: 'dir', path: '/rel' } as unknown as Entry);
                return page;
              },
            }
          : { kind: 'pass' };
      const { client } = newClient(proxy.url, tokens);
      const dest = path.join(tmp, 'inside', 'dest');
      await fsp.mkdir(dest, { recursive: true });
      const folder = await client.entry('/rel/names');
      const plan = await planDownload(client, nodeLocalFiles, [folder], dest);
      assert.equal(plan.refused.length, hostile.length + 1, plan.refused.map((r) => r.reason).join('\n'));
      for (const item of plan.files) {
        assert.ok(path.resolve(item.local).startsWith(path.resolve(dest) + path.sep), item.local);
      }
      for (const folderPath of plan.folders) {
        assert.ok(path.resolve(folderPath).startsWith(path.resolve(dest) + path.sep), folderPath);
      }
      const decider = new ConflictDecider(async () => ({ choice: 'skip', applyToAll: true }));
      for (const dir of plan.folders) {
        await fsp.mkdir(dir, { recursive: true });
      }
      for (const item of plan.files) {
        await downloadJob(client, nodeLocalFiles, item, decider).run(() => undefined, new AbortController().signal);
      }
      count('badInputs', 'hostile names from the server', hostile.length + 1);
      assert.deepEqual(
        await filesBelow(tmp),
        [path.join('inside', 'dest', 'names', 'ok.txt')],
        'nothing outside, nothing hostile inside',
      );
    } finally {
      await proxy.close();
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  });
});
