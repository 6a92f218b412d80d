import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkConnection } from '../../../src/connectionCheck/connectionCheck';
import type { ConnectionReport } from '../../../src/connectionCheck/connectionReport';
import { fetch as nodeFetch, type FetchLike } from '../../../src/node/fetch';
import { nodeHost } from './helpers';
import { startServer, type RunningServer } from '../../server/index';
import { generateTestCa } from '../../server/tls';
import { startRecordingProxy, type RecordingProxy } from '../../proxy/recordingProxy';
import { signIn } from '../../support/serverSession';

const SCOPES = ['files:read', 'files:write'];

function step(report: ConnectionReport, title: string) {
  const found = report.steps.find((s) => s.title === title);
  assert.ok(found, `no step ${title} in ${report.steps.map((s) => s.title).join(', ')}`);
  return found;
}

function trusting(ca: string): FetchLike {
  const agent = new https.Agent({ ca });
  return (url, init) => nodeFetch(url, { ...init, agent });
}

describe('connectionCheck/connectionCheck against the local server', function () {
  this.timeout(60_000);
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => undefined);
    }
  });

  /** An https server with a signed-in token: signed in over http, then the same data served over https. */
  async function signedInHttps(host = '127.0.0.2'): Promise<{ server: RunningServer; token: string }> {
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-check-'));
    cleanups.push(() => fsp.rm(dataDir, { recursive: true, force: true }));
    const plain = await startServer({ host, dataDir });
    const token = (await signIn(plain.url)).accessToken;
    await plain.close();
    const server = await startServer({ host, dataDir, faults: true, tls: generateTestCa({ hosts: [host] }) });
    cleanups.push(() => server.close());
    return { server, token };
  }

  it('plain http on loopback, signed in: every step passes and the report holds no token', async () => {
    const server = await startServer({ host: '127.0.0.1' });
    cleanups.push(() => server.close());
    const tokens = await signIn(server.url);
    const input = {
      serverUrl: server.url,
      sessions: [{ label: 'demo', accessToken: tokens.accessToken, scopes: SCOPES }],
      network: { proxy: '', env: {} },
      ...nodeHost(),
    };
    const report = await checkConnection(input);
    assert.equal(report.ok, true, JSON.stringify(report.steps, null, 1));
    assert.equal(step(report, 'TLS').status, 'skipped');
    assert.match(step(report, 'Sign-in endpoints').lines[0]!, /OAuth metadata .* issuer http:\/\/127\.0\.0\.1:/);
    assert.match(step(report, 'Session').lines.join('\n'), /token is valid.*for demo/);
    assert.match(step(report, 'API call').lines[0]!, /answered 200/);
    assert.ok(!JSON.stringify(report).includes(tokens.accessToken), 'the token is not in the report');
  });

  it('https with the CA trusted: the chain is shown and trusted, sign-in endpoints and the token work', async () => {
    const { server, token } = await signedInHttps();
    const report = await checkConnection({
      serverUrl: server.url,
      ca: server.ca,
      ...nodeHost(trusting(server.ca!)),
      sessions: [{ label: 'demo', accessToken: token, scopes: SCOPES }],
    });
    assert.equal(report.ok, true, JSON.stringify(report.steps, null, 1));
    const tlsLines = step(report, 'TLS').lines.join('\n');
    assert.match(tlsLines, /TLSv1\.[23]/);
    assert.match(tlsLines, /Certificate: 127\.0\.0\.2, for 127\.0\.0\.2/);
    assert.match(tlsLines, /issuer GitShare Test CA/);
    assert.match(tlsLines, /Trusted/);
    assert.equal(step(report, 'Session').status, 'ok');
  });

  it('https with the CA not trusted: TLS fails with the clear certificate message, and no HTTP request reaches the server', async () => {
    const { server, token } = await signedInHttps();
    server.control!.resetStats();
    const report = await checkConnection({
      serverUrl: server.url,
      sessions: [{ label: 'demo', accessToken: token, scopes: SCOPES }],
      ...nodeHost(),
    });
    assert.equal(report.ok, false);
    const tlsStep = step(report, 'TLS');
    assert.equal(tlsStep.status, 'failed');
    assert.match(tlsStep.lines.join('\n'), /issuer GitShare Test CA/);
    assert.match(
      tlsStep.lines.join('\n'),
      new RegExp(
        `certificate of the GitShare server ${new URL(server.url).host} is signed by a certificate authority this computer does not trust`,
      ),
    );
    assert.equal(report.steps.find((s) => s.status === 'failed')?.title, 'TLS', 'the first failed step is TLS');
    assert.deepEqual(server.control!.stats().requests, {});
  });

  it('an expired or revoked token: the Session step says so and the API call is not tried', async () => {
    const server = await startServer({ host: '127.0.0.1' });
    cleanups.push(() => server.close());
    const report = await checkConnection({
      serverUrl: server.url,
      sessions: [{ label: 'demo', accessToken: 'gs_not_a_token', scopes: ['files:read'] }],
      ...nodeHost(),
    });
    const session = step(report, 'Session');
    assert.equal(session.status, 'failed');
    assert.match(session.lines.join('\n'), /not valid any more \(401/);
    assert.match(session.lines.join('\n'), /missing files:write/);
    assert.equal(step(report, 'API call').status, 'skipped');
    assert.ok(!JSON.stringify(report).includes('gs_not_a_token'));
  });

  it('an empty or plain-http non-loopback address stops at the first step with what to do', async () => {
    const empty = await checkConnection({ serverUrl: '', ...nodeHost() });
    assert.equal(empty.steps[0]!.status, 'failed');
    assert.match(empty.steps[0]!.lines[0]!, /gitshare\.serverUrl is empty/);
    assert.ok(empty.steps.slice(1).every((s) => s.status === 'skipped'));
    const plain = await checkConnection({ serverUrl: 'http://gitshare.example', ...nodeHost() });
    assert.match(plain.steps[0]!.lines[0]!, /plain http.*Use https:\/\/gitshare\.example/);
  });

  describe('through a proxy', () => {
    let proxy: RecordingProxy;
    afterEach(async () => proxy?.close());

    it('https reached through CONNECT: the proxy step opens the tunnel and TLS is read through it; its password is not in the report', async () => {
      const { server } = await signedInHttps();
      proxy = await startRecordingProxy();
      const withPassword = proxy.url.replace('http://', 'http://alice:s3cret-pw@');
      const network = { proxy: withPassword, env: {} };
      const report = await checkConnection({
        serverUrl: server.url,
        ca: server.ca,
        ...nodeHost(trusting(server.ca!)),
        network,
      });
      const proxyStep = step(report, 'Proxy');
      assert.equal(proxyStep.status, 'ok', proxyStep.lines.join('\n'));
      assert.match(proxyStep.lines.join('\n'), /opened a tunnel \(CONNECT\) to 127\.0\.0\.2:/);
      assert.deepEqual(
        proxy.requests.map((r) => `${r.method} ${r.target} ${r.status}`),
        [`CONNECT ${new URL(server.url).host} 200`],
      );
      assert.match(step(report, 'TLS').lines.join('\n'), /issuer GitShare Test CA/);
      const steps = JSON.stringify(report.steps);
      assert.ok(!steps.includes('s3cret-pw') && !steps.includes('alice'), steps);
    });

    it('plain http to a loopback address VS Code proxies (127.0.0.2): the proxy step warns that the proxy sees everything', async () => {
      const server = await startServer({ host: '127.0.0.2' });
      cleanups.push(() => server.close());
      proxy = await startRecordingProxy();
      const report = await checkConnection({
        serverUrl: server.url,
        network: { proxy: proxy.url, env: {} },
        ...nodeHost(),
      });
      const proxyStep = step(report, 'Proxy');
      assert.equal(proxyStep.status, 'warning', proxyStep.lines.join('\n'));
      assert.equal(
        proxyStep.lines.at(-1),
        `Plain http to ${new URL(server.url).host} goes through the proxy ${proxy.url.replace(/\/$/, '')} unencrypted: the proxy sees your token and your files. Add 127.0.0.2 to http.noProxy, or reach GitShare at localhost or 127.0.0.1, which VS Code never sends through a proxy.`,
      );
      assert.ok(proxy.requests.length > 0, 'the requests did go through the proxy');
      // With the address in http.noProxy, nothing crosses the proxy and nothing is said.
      const direct = await checkConnection({
        serverUrl: server.url,
        network: { proxy: proxy.url, noProxy: ['127.0.0.2'], env: {} },
        ...nodeHost(),
      });
      assert.equal(step(direct, 'Proxy').status, 'ok');
      assert.ok(!step(direct, 'Proxy').lines.join('\n').includes('unencrypted'));
    });

    it('a proxy that answers 407: one clear message naming the proxy', async () => {
      const server = await startServer({ host: '127.0.0.2' });
      cleanups.push(() => server.close());
      proxy = await startRecordingProxy({ requireAuth: 'Basic dGVzdDp0ZXN0' });
      const report = await checkConnection({ serverUrl: server.url, network: { proxy: proxy.url }, ...nodeHost() });
      const proxyStep = step(report, 'Proxy');
      assert.equal(proxyStep.status, 'failed');
      assert.match(
        proxyStep.lines.join('\n'),
        new RegExp(
          `The proxy ${proxy.url.replace(/[.]/g, '\\.')} asks for credentials \\(407 Proxy Authentication Required\\)`,
        ),
      );
      assert.equal(proxy.requests[0]?.status, 407);
    });
  });
});
