import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import { GitShareClient } from '../../../src/api/client';
import { OAuthClient } from '../../../src/oauth/oauthClient';
import { GitShareError } from '../../../src/common/errors';
import { fetch as nodeFetch } from '../../../src/node/fetch';
import { Logger, MemoryLogSink } from '../../../src/common/logger';
import { startServer, type RunningServer } from '../../server/index';
import { generateTestCa } from '../../server/tls';
import { nodeTransport } from '../../../src/node/transport';

/**
 * A GitShare behind a certificate this computer does not trust: the person gets one message that
 * names the server and the problem and says what to do (never "turn verification off"), and the
 * server receives no request at all (the handshake fails before anything is sent).
 */
describe('api/errorMapping: certificates, against the local server over https', function () {
  this.timeout(30_000);
  const servers: RunningServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  async function httpsServer(
    options: { hosts?: string[]; notBefore?: Date; notAfter?: Date } = {},
  ): Promise<RunningServer> {
    const server = await startServer({
      host: '127.0.0.1',
      faults: true,
      tls: generateTestCa({
        hosts: options.hosts ?? ['127.0.0.1'],
        notBefore: options.notBefore,
        notAfter: options.notAfter,
      }),
    });
    servers.push(server);
    return server;
  }

  const tokens = {
    getAccessToken: async () => 'not-a-real-token',
    refreshAfterUnauthorized: async () => 'not-a-real-token',
  };

  let sink: MemoryLogSink;
  beforeEach(() => {
    sink = new MemoryLogSink();
  });

  function client(server: RunningServer, ca?: string): GitShareClient {
    const agent = ca ? new https.Agent({ ca }) : undefined;
    return new GitShareClient({
      serverUrl: server.url,
      tokens,
      logger: Logger.create(sink),
      retry: { baseDelayMs: 10, maxDelayMs: 20, maxRetries: 3 },
      transport: nodeTransport(agent ? (url, init) => nodeFetch(url, { ...init, agent }) : undefined),
    });
  }

  function assertClearCertificateError(error: unknown, server: RunningServer, problem: RegExp): true {
    assert.ok(error instanceof GitShareError, String(error));
    assert.equal(error.kind, 'certificate');
    const host = new URL(server.url).host;
    assert.ok(error.message.includes(host), `names the server: ${error.message}`);
    assert.match(error.message, problem);
    assert.doesNotMatch(
      error.message,
      /strictSSL|rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED|disable|turn off|ignore/i,
    );
    return true;
  }

  it('an unknown certificate authority: the listing fails with one clear message, not retried, and nothing reaches the server', async () => {
    const server = await httpsServer();
    server.control!.resetStats();
    await assert.rejects(client(server).listFolder('/'), (e) =>
      assertClearCertificateError(
        e,
        server,
        /certificate authority this computer does not trust.*trusted certificates of this computer/,
      ),
    );
    assert.deepEqual(server.control!.stats().requests, {});
    assert.ok(!sink.lines.some((line) => /retry/i.test(line)), sink.lines.join('\n'));
  });

  it('an unknown certificate authority at sign-in (discovery): the same message, nothing sent', async () => {
    const server = await httpsServer();
    server.control!.resetStats();
    const oauth = new OAuthClient(Logger.create(new MemoryLogSink()), { transport: nodeTransport() });
    await assert.rejects(oauth.discover(server.url), (e) => assertClearCertificateError(e, server, /does not trust/));
    // Sign-in then asks who signed in through the API client: the same message there.
    await assert.rejects(client(server).user(), (e) => assertClearCertificateError(e, server, /does not trust/));
    assert.deepEqual(server.control!.stats().requests, {});
  });

  it('with the CA trusted, the same server answers', async () => {
    const server = await httpsServer();
    // A wrong token, but a real HTTP answer over a verified connection.
    await assert.rejects(
      client(server, server.ca).listFolder('/'),
      (e) => e instanceof GitShareError && e.kind === 'signInRequired',
    );
    assert.ok(Object.keys(server.control!.stats().requests).length > 0, 'the server saw the request');
  });

  it('an expired certificate says so and asks for renewal', async () => {
    const server = await httpsServer({
      notBefore: new Date(Date.now() - 10 * 86400_000),
      notAfter: new Date(Date.now() - 86400_000),
    });
    await assert.rejects(client(server, server.ca).listFolder('/'), (e) =>
      assertClearCertificateError(e, server, /has expired.*renew/),
    );
    assert.deepEqual(server.control!.stats().requests, {});
  });

  it('a certificate for another name says so and points at gitshare.serverUrl', async () => {
    const server = await httpsServer({ hosts: ['gitshare.example'] });
    await assert.rejects(client(server, server.ca).listFolder('/'), (e) =>
      assertClearCertificateError(e, server, /another name.*gitshare\.serverUrl/),
    );
    assert.deepEqual(server.control!.stats().requests, {});
  });
});
