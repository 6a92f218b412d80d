/**
 * The web worker host's HTTP (src/browser/transport.ts) in plain Node, whose global fetch is the
 * WHATWG one a browser has: the API client and Check Connection over it against the local server,
 * and what a browser alone does, played by a fetch of our own (refusing an origin the way a browser
 * does: a TypeError, while a `no-cors` request to the same server gets an answer).
 */
import * as assert from 'node:assert/strict';
import type { UploadSource } from '../../../src/api/client';
import type { DownloadSink } from '../../../src/api/download';
import { browserNetwork } from '../../../src/browser/networkChecks';
import { browserTransport, readerStream, WholeBody } from '../../../src/browser/transport';
import { utf8 } from '../../../src/common/bytes';
import { GitShareError } from '../../../src/common/errors';
import { checkConnection } from '../../../src/connectionCheck/connectionCheck';
import { formatReport } from '../../../src/connectionCheck/connectionReport';
import { Logger, MemoryLogSink } from '../../../src/common/logger';
import { OAuthClient } from '../../../src/oauth/oauthClient';
import { useSignedInServer } from '../helpers/fixtures';
import { FAST_RETRY } from '../helpers/retry';
import { apiClient } from '../../support/serverSession';

type Init = RequestInit & { cache?: string; mode?: string };
interface Sent {
  readonly url: string;
  readonly init: Init;
}

/** The global fetch, noting every request. */
function recordingFetch(): { fetch: (url: string, init: Init) => Promise<Response>; sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    fetch: (url, init) => {
      sent.push({ url, init });
      return fetch(url, init as RequestInit);
    },
  };
}

/**
 * A browser meeting a server that does not answer for the page's origin (or, with `down`, no
 * server), with the Fetch standard's rule that a `no-cors` request follows redirects.
 */
function refusingFetch(down = false): { fetch: (url: string, init: Init) => Promise<Response>; modes: string[] } {
  const modes: string[] = [];
  return {
    modes,
    fetch: async (_url, init) => {
      modes.push(init.mode ?? 'cors');
      if (init.mode === 'no-cors' && init.redirect !== undefined && init.redirect !== 'follow') {
        // As Chromium does: a no-cors request must follow redirects, or it fails before it is sent.
        throw new TypeError('Failed to fetch');
      }
      if (init.mode === 'no-cors' && !down) {
        return new Response(null, { status: 200 });
      }
      throw new TypeError('Failed to fetch');
    },
  };
}

/** A download kept in memory, as the browser's sink keeps it (without VS Code's file system). */
function memorySink(): DownloadSink & { chunks: Uint8Array[]; committed: boolean } {
  const sink = {
    chunks: [] as Uint8Array[],
    committed: false,
    async write(body: AsyncIterable<Uint8Array>) {
      sink.chunks = [];
      for await (const chunk of body) {
        sink.chunks.push(chunk);
      }
    },
    written: async () => sink.chunks.reduce((sum, c) => sum + c.byteLength, 0),
    commit: async () => void (sink.committed = true),
    dispose: async () => undefined,
  };
  return sink;
}

function wholeFile(bytes: Uint8Array): UploadSource {
  return { size: bytes.byteLength, open: (onBytes) => new WholeBody(bytes, onBytes) };
}

describe("browser/transport: the browser's fetch, against the local server", function () {
  this.timeout(30_000);
  const { server, tokens } = useSignedInServer();

  it('lists, uploads a file whole with progress and downloads it chunk by chunk; never from the cache, never with cookies', async () => {
    const recording = recordingFetch();
    const client = apiClient(server.url, tokens, {
      transport: browserTransport({ fetch: recording.fetch, origin: 'https://0123.vscode-cdn.net' }),
      retry: FAST_RETRY,
    });
    const page = await client.listFolder('/');
    assert.ok(page.entries.some((e) => e.name === 'README.md'));

    const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    const progress: number[] = [];
    const entry = await client.upload('/browser/big.bin', wholeFile(bytes), undefined, {
      onProgress: (done) => progress.push(done),
    });
    assert.equal(entry.size, bytes.byteLength);
    assert.equal(progress.at(-1), bytes.byteLength);

    const sink = memorySink();
    const result = await client.download('/browser/big.bin', sink);
    assert.equal(result.bytes, bytes.byteLength);
    assert.ok(sink.committed);
    assert.ok(sink.chunks.length > 1, 'the body arrived in pieces, not at once');
    assert.deepEqual(Buffer.concat(sink.chunks), Buffer.from(bytes));

    const methods = new Set(recording.sent.map(({ init }) => init.method));
    assert.ok(methods.has('GET') && methods.has('PUT'), [...methods].join());
    for (const { init } of recording.sent) {
      // A GET never from the browser's cache; a PUT, which no cache answers, in the default mode
      // that keeps the browser's cache of CORS preflights.
      assert.equal(init.cache, init.method === 'GET' ? 'no-store' : 'default', init.method);
      assert.equal(init.credentials, 'omit');
      assert.equal(init.redirect, 'manual');
      const names = Object.keys(init.headers as Record<string, string>).map((n) => n.toLowerCase());
      // Set by the browser itself, or only more for a GitShare's preflight to allow.
      for (const name of ['user-agent', 'connection', 'content-length']) {
        assert.ok(!names.includes(name), `${name} sent`);
      }
    }
  });

  it("runs on a browser's timers (no Node Timeout object: no refresh, no ref)", async () => {
    // The local server runs in this process and unrefs its own timers: each fake timer has only
    // that, a number to the rest, so the core may not lean on a Node Timeout's methods.
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    // Extra arguments go on to the callback, as a browser's setTimeout passes them (undici's own
    // timers in this process rely on it).
    const browserSet = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const timer = realSet(callback, ms, ...args);
      return { unref: () => timer.unref(), [Symbol.toPrimitive]: () => timer[Symbol.toPrimitive](), timer };
    };
    const browserClear = (id?: { timer?: ReturnType<typeof setTimeout> }) => realClear(id?.timer ?? (id as never));
    Object.assign(globalThis, { setTimeout: browserSet, clearTimeout: browserClear });
    try {
      const client = apiClient(server.url, tokens, { transport: browserTransport(), retry: FAST_RETRY });
      const bytes = utf8('x'.repeat(100_000));
      await client.upload('/browser/timers.txt', wholeFile(bytes), undefined);
      const sink = memorySink();
      assert.equal((await client.download('/browser/timers.txt', sink)).bytes, bytes.byteLength);
      assert.equal((await client.readFile('/browser/timers.txt')).data.byteLength, bytes.byteLength);
    } finally {
      Object.assign(globalThis, { setTimeout: realSet, clearTimeout: realClear });
    }
  });

  it('sends a file through sendWhole (an XMLHttpRequest in the browser), whose progress drives the progress bar', async () => {
    const whole: string[] = [];
    const transport = browserTransport({
      sendWhole: async (url, request, body) => {
        whole.push(`${request.method} ${new URL(url).pathname}`);
        body.onSent(1);
        body.onSent(body.bytes.byteLength - 1);
        const r = await fetch(url, { method: request.method, headers: request.headers, body: body.bytes });
        return { status: r.status, statusText: r.statusText, headers: r.headers, body: r.body && readerStream(r.body) };
      },
    });
    const client = apiClient(server.url, tokens, { transport, retry: FAST_RETRY });
    const progress: number[] = [];
    const entry = await client.upload('/browser/small.txt', wholeFile(utf8('hello')), undefined, {
      onProgress: (done) => progress.push(done),
    });
    assert.equal(entry.size, 5);
    assert.deepEqual(whole, ['PUT /api/v1/files/browser/small.txt']);
    assert.deepEqual(progress, [0, 1, 5]);
  });

  it('a server that does not allow the origin: one message that says so, never "cannot reach", not retried', async () => {
    const browser = refusingFetch();
    const client = apiClient(server.url, tokens, {
      transport: browserTransport({ fetch: browser.fetch, origin: 'https://0123.vscode-cdn.net' }),
      retry: FAST_RETRY,
    });
    await assert.rejects(client.entry('/README.md'), (error: unknown) => {
      assert.ok(error instanceof GitShareError);
      assert.equal(error.kind, 'cors');
      assert.equal(
        error.message,
        `GitShare at ${new URL(server.url).host} does not allow requests from VS Code in the browser (https://0123.vscode-cdn.net). Use desktop VS Code, or ask the administrator of the server to allow this origin (CORS).`,
      );
      return true;
    });
    assert.deepEqual(browser.modes, ['cors', 'no-cors'], 'one request, one probe, no retry');
  });

  it('signing in against a server that does not allow the origin: the same one message, from the first request', async () => {
    const browser = refusingFetch();
    const oauth = new OAuthClient(Logger.create(new MemoryLogSink()), {
      transport: browserTransport({ fetch: browser.fetch, origin: 'https://0123.vscode-cdn.net' }),
      timeoutMs: 5_000,
    });
    await assert.rejects(oauth.discover(server.url), (error: unknown) => {
      assert.ok(error instanceof GitShareError, String(error));
      assert.equal(error.kind, 'cors');
      assert.match(
        error.message,
        /does not allow requests from VS Code in the browser .*Use desktop VS Code, or ask the administrator of the server/,
      );
      assert.doesNotMatch(error.message, /network|Cannot reach/i);
      return true;
    });
    assert.deepEqual(browser.modes, ['cors', 'no-cors']);
  });

  it('a server that does not answer at all stays a network error (and is retried)', async () => {
    const browser = refusingFetch(true);
    const client = apiClient(server.url, tokens, {
      transport: browserTransport({ fetch: browser.fetch }),
      retry: { ...FAST_RETRY, maxRetries: 1 },
    });
    await assert.rejects(
      client.entry('/README.md'),
      (error: unknown) =>
        error instanceof GitShareError && error.kind === 'network' && /Cannot reach GitShare/.test(error.message),
    );
    assert.deepEqual(browser.modes, ['cors', 'no-cors', 'cors', 'no-cors']);
  });

  it('Check Connection in the browser: DNS, proxy and TLS are the browser’s, the CORS step runs', async () => {
    const session = [{ label: 'demo', accessToken: tokens.accessToken, scopes: ['files:read', 'files:write'] }];
    const allowed = await checkConnection({
      serverUrl: server.url,
      sessions: session,
      transport: browserTransport(),
      hostNetwork: browserNetwork,
    });
    const byId = new Map(allowed.steps.map((s) => [s.id, s]));
    for (const id of ['dns', 'proxy', 'tls'] as const) {
      assert.equal(byId.get(id)?.status, 'skipped', id);
    }
    assert.match(byId.get('dns')!.lines[0]!, /the browser looks up 127\.0\.0\.1 itself/);
    assert.equal(byId.get('cors')?.status, 'ok', JSON.stringify(byId.get('cors')));
    assert.equal(byId.get('cors')?.title, 'Requests from the browser (CORS)');
    assert.equal(allowed.ok, true, JSON.stringify(allowed.steps, null, 1));

    const refused = await checkConnection({
      serverUrl: server.url,
      sessions: session,
      transport: browserTransport({ fetch: refusingFetch().fetch, origin: 'http://127.0.0.1:8080' }),
      hostNetwork: browserNetwork,
    });
    const first = refused.steps.find((s) => s.status === 'failed');
    assert.equal(first?.id, 'cors');
    assert.match(
      first!.lines.join('\n'),
      /does not allow requests from VS Code in the browser \(http:\/\/127\.0\.0\.1:8080\)/,
    );
    assert.ok(!/Cannot reach/.test(JSON.stringify(refused.steps)), 'never "cannot reach"');

    // The report says it once, in the step that found it; the later steps were not run for it.
    const report = formatReport(refused);
    assert.equal(report.split('does not allow requests from VS Code in the browser (http').length - 1, 1, report);
    for (const id of ['endpoints', 'session', 'api'] as const) {
      const step = refused.steps.find((s) => s.id === id);
      assert.equal(step?.status, 'skipped', id);
      assert.deepEqual(step?.lines, [
        'Not checked: GitShare does not allow requests from VS Code in the browser (see "Requests from the browser (CORS)").',
      ]);
    }
    assert.deepEqual(
      refused.steps.map((s) => s.id),
      ['address', 'dns', 'proxy', 'tls', 'cors', 'endpoints', 'session', 'api'],
    );
  });
});
