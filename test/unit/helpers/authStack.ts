/**
 * Shared set-up for the sign-in tests (oauth/, sessions/, reliability/): an in-memory secret storage shaped
 * like `vscode.SecretStorage`, the auth stack wired as the extension wires it,
 * a fetch that records what went over the wire, and the local server.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Response as NodeFetchResponse } from 'node-fetch';
import { fetch as nodeFetch, type FetchLike } from '../../../src/node/fetch';
import { Emitter, Listener } from '../../../src/common/event';
import { Logger, MemoryLogSink } from '../../../src/common/logger';
import { AuthorizationServers } from '../../../src/oauth/authorizationServers';
import { OAuthRegistrations } from '../../../src/sessions/oauthRegistrations';
import { OAuthClient } from '../../../src/oauth/oauthClient';
import type { FetchInit } from '../../../src/oauth/oauthHttp';
import { PendingSignIns } from '../../../src/oauth/pendingSignIns';
import { SessionManager, SessionManagerOptions } from '../../../src/sessions/sessionManager';
import { SignInFlow } from '../../../src/sessions/signInFlow';
import { SecretStorageLike, TokenStore } from '../../../src/sessions/tokenStore';
import { authorizeAsUser, RunningServer, ServerOptions } from '../../server/index';
import { standIn } from './fixtures';
import { startTestServer } from '../../support/testServer';
import { nodeTransport } from '../../../src/node/transport';

/** Like VS Code's SecretStorage: every write fires onDidChange, in every "window" sharing it. */
export class MemorySecretStorage implements SecretStorageLike {
  /**
   * `values` may be shared with another instance: then the two see the same
   * data but not each other's change events, like two windows a moment before
   * VS Code delivers the event.
   */
  constructor(readonly values = new Map<string, string>()) {}
  private readonly emitter = new Emitter<{ key: string }>();
  readonly onDidChange = (listener: Listener<{ readonly key: string }>) => this.emitter.event(listener);

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.emitter.fire({ key });
  }
  async delete(key: string): Promise<void> {
    if (this.values.delete(key)) {
      this.emitter.fire({ key });
    }
  }
}

export interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/**
 * The extension's own network stack (node-fetch), recording each request (header
 * names in lower case), with an optional interceptor for answers the local server
 * never gives; it answers with a WHATWG Response, handed on in node-fetch's shape.
 */
export class RecordingFetch {
  readonly requests: RecordedRequest[] = [];
  intercept: ((url: string, init: FetchInit) => Promise<Response> | undefined) | undefined;

  readonly fetch: FetchLike = async (url, init) => {
    const sent = init as FetchInit;
    this.requests.push({
      url,
      method: sent.method,
      headers: Object.fromEntries(
        Object.entries(sent.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      ),
      body: typeof sent.body === 'string' ? sent.body : sent.body?.toString(),
    });
    const intercepted = this.intercept?.(url, sent);
    if (intercepted) {
      return asNodeFetchResponse(await intercepted);
    }
    return nodeFetch(url, init);
  };

  /** The recording fetch as the extension's Node transport. */
  readonly transport = nodeTransport(this.fetch);

  /** Every token sent to the revocation endpoint, in order. */
  revokedTokens(): string[] {
    return this.requests
      .filter((r) => r.url.endsWith('/oauth2/revoke_token/'))
      .map((r) => new URLSearchParams(r.body).get('token') ?? '');
  }

  /**
   * Holds the answers of refresh requests: each request reaches the server (which
   * issues and rotates tokens at once) but its answer is handed over only after
   * `release()`. `served` resolves with the first answer's tokens as soon as the
   * server gave them.
   */
  holdRefreshAnswers(): { served: Promise<{ access_token: string; refresh_token: string }>; release(): void } {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let served!: (body: { access_token: string; refresh_token: string }) => void;
    const first = new Promise<{ access_token: string; refresh_token: string }>((resolve) => (served = resolve));
    this.intercept = (url, init) => {
      if (!url.endsWith('/oauth2/token/') || !String(init.body).includes('grant_type=refresh_token')) {
        return undefined;
      }
      return (async () => {
        const response = await fetch(url, {
          method: init.method,
          headers: init.headers,
          body: init.body as string | undefined,
          redirect: 'manual',
        });
        const text = await response.text();
        if (response.status === 200) {
          served(JSON.parse(text));
        }
        await released;
        return new Response(text, { status: response.status, headers: response.headers });
      })();
    };
    return { served: first, release };
  }

  tokenRequests(): URLSearchParams[] {
    return this.requests.filter((r) => r.url.endsWith('/oauth2/token/')).map((r) => new URLSearchParams(r.body));
  }
}

/** A WHATWG answer in node-fetch's shape (status, headers, a Node stream as body), as the extension's fetch returns it. */
function asNodeFetchResponse(response: Response): NodeFetchResponse {
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: response.headers,
    body: response.body ? Readable.fromWeb(response.body as never) : null,
  } as unknown as NodeFetchResponse;
}

/**
 * callbackPathFor's answer, at once: the tests hand it to handleCallback in places that cannot
 * wait. pendingSignIns.test.ts checks that both agree.
 */
export function callbackPathOf(serverUrl: string): string {
  const origin = new URL(serverUrl).origin;
  return `/did-authenticate/${createHash('sha256').update(origin).digest('base64url').slice(0, 12)}`;
}

/**
 * A redirect URI shaped like the one code-server hands out (see vscode-testing.md),
 * leading to the callback path of `serverUrl`.
 */
export function codeServerRedirectUri(reqId: number, serverUrl: string): string {
  return `http://127.0.0.1:9/stable-0123abcd/callback?vscode-reqid=${reqId}&vscode-scheme=code-oss&vscode-authority=gitshare.gitshare-vscode&vscode-path=${encodeURIComponent(callbackPathOf(serverUrl))}`;
}

/**
 * What the UriHandler receives when the browser lands on `location` (a code-server
 * shaped callback): the query and the path code-server opens (its `vscode-path`).
 */
export function callbackOf(location: string): { query: URLSearchParams; path: string } {
  const url = new URL(location);
  return { query: url.searchParams, path: url.searchParams.get('vscode-path') ?? url.pathname };
}

export interface AuthStackOptions {
  readonly secrets?: MemorySecretStorage;
  readonly sessions?: SessionManagerOptions;
  readonly sink?: MemoryLogSink;
  /** The OAuth request timeout; 5 s by default here (the extension uses 30 s). */
  readonly oauthTimeoutMs?: number;
}

/** The auth stack as `GitShareAuthentication` wires it, minus VS Code. */
export class AuthStack {
  readonly sink: MemoryLogSink;
  readonly logger: Logger;
  readonly secrets: MemorySecretStorage;
  readonly http = new RecordingFetch();
  readonly store: TokenStore;
  readonly oauth: OAuthClient;
  readonly authorizationServers: AuthorizationServers;
  readonly sessions: SessionManager;
  readonly pending: PendingSignIns;
  readonly registrations: OAuthRegistrations;
  readonly flow: SignInFlow;

  constructor(options: AuthStackOptions = {}) {
    this.sink = options.sink ?? new MemoryLogSink();
    this.logger = Logger.create(this.sink).child('auth');
    this.secrets = options.secrets ?? new MemorySecretStorage();
    this.store = new TokenStore(this.secrets, this.logger);
    this.oauth = new OAuthClient(this.logger, {
      transport: this.http.transport,
      timeoutMs: options.oauthTimeoutMs ?? 5_000,
      now: options.sessions?.now,
    });
    this.authorizationServers = new AuthorizationServers(this.oauth);
    this.sessions = new SessionManager(this.store, this.oauth, this.authorizationServers, this.logger, {
      rereadDelaysMs: [20, 50],
      ...options.sessions,
    });
    this.pending = new PendingSignIns(this.logger);
    this.registrations = new OAuthRegistrations(this.store, this.oauth, this.logger, async (serverUrl) => {
      const stored = await this.store.readSessions();
      return new Set(stored.filter((s) => s.serverUrl === serverUrl).map((s) => s.client.clientId));
    });
    this.flow = new SignInFlow(
      this.oauth,
      this.authorizationServers,
      this.sessions,
      this.registrations,
      this.pending,
      this.logger,
      this.http.transport,
    );
  }

  /** A complete callback-mode sign-in, playing the browser as `demo`. */
  async signIn(
    server: RunningServer,
    redirectUri = codeServerRedirectUri(1, server.url),
    username = 'demo',
    password = 'demo',
  ) {
    return this.flow.signIn({
      serverUrl: server.url,
      scopes: ['files:read', 'files:write'],
      redirectUri,
      openBrowser: async (url) => {
        const location = await authorizeAsUser(url, { username, password, decision: 'allow' });
        assert.ok(location.startsWith(redirectUri + '&'), 'the browser came back to the redirect URI');
        const { query, path } = callbackOf(location);
        assert.ok(this.pending.handleCallback(query, path));
      },
    });
  }

  /**
   * A sign-in (scope files:read) whose browser allows as demo but never comes back: resolves with
   * the callback's query as the browser would have delivered it, and the sign-in, still waiting
   * for a callback the test hands in (or forges) itself.
   */
  async signInHeldAtCallback(
    server: RunningServer,
  ): Promise<{ callback: URLSearchParams; signIn: ReturnType<SignInFlow['signIn']> }> {
    let arrived!: (location: string) => void;
    const location = new Promise<string>((resolve) => (arrived = resolve));
    const signIn = this.flow.signIn({
      serverUrl: server.url,
      scopes: ['files:read'],
      redirectUri: codeServerRedirectUri(1, server.url),
      openBrowser: async (url) => {
        arrived(await authorizeAsUser(url, { username: 'demo', password: 'demo', decision: 'allow' }));
      },
    });
    // A sign-in that fails before the browser step fails the test at once, not at its timeout.
    const callback = new URL(await Promise.race([location, signIn.then(() => location)])).searchParams;
    return { callback, signIn };
  }

  dispose(): void {
    this.pending.dispose();
    this.sessions.dispose();
    this.store.dispose();
  }
}

// The one way the plain-Node suites start the local server; re-exported so the auth suites keep one import line.
export { startTestServer };

/** The local server for the whole suite, closed after it (a stand-in until the suite's `before` ran). */
function useSuiteServer(options: ServerOptions = {}): RunningServer {
  const server = standIn<RunningServer>("the suite's server");
  let running: RunningServer | undefined;
  before(async () => {
    running = await startTestServer(options);
    server.set(running);
  });
  after(async () => {
    await running?.close();
    server.set(undefined);
  });
  return server.value;
}

/**
 * A server for the whole suite, and a fresh AuthStack for each test (disposed
 * after it); the server's counters are zero before each test.
 */
export function useAuthServer(options: ServerOptions = {}): { server: RunningServer; stack: AuthStack } {
  const server = useSuiteServer(options);
  const stack = standIn<AuthStack>("the test's AuthStack");
  let current: AuthStack | undefined;
  beforeEach(() => {
    server.control!.resetStats();
    current = new AuthStack();
    stack.set(current);
  });
  afterEach(() => {
    current?.dispose();
    stack.set(undefined);
  });
  return { server, stack: stack.value };
}

/**
 * A server for the whole suite, and for each test a fresh OAuthClient (the extension's settings,
 * a 5 s timeout) whose requests `http` records: the OAuth client and client-registration suites.
 */
export function useOAuthClient(): { server: RunningServer; http: RecordingFetch; oauth: OAuthClient } {
  const server = useSuiteServer();
  const http = standIn<RecordingFetch>("the test's recording fetch");
  const oauth = standIn<OAuthClient>("the test's OAuthClient");
  beforeEach(() => {
    const recording = new RecordingFetch();
    http.set(recording);
    oauth.set(
      new OAuthClient(Logger.create(new MemoryLogSink()), { transport: recording.transport, timeoutMs: 5_000 }),
    );
  });
  return { server, http: http.value, oauth: oauth.value };
}

/**
 * A server for the whole suite, and the AuthStacks a test makes — one per VS Code
 * window, sharing a MemorySecretStorage when they stand for windows of one VS Code —
 * each disposed after its test; the server's counters are zero before each test.
 */
export function useAuthWindows(): {
  server: RunningServer;
  newStack: (...args: ConstructorParameters<typeof AuthStack>) => AuthStack;
} {
  const server = useSuiteServer();
  const stacks: AuthStack[] = [];
  beforeEach(() => server.control!.resetStats());
  afterEach(() => {
    stacks.splice(0).forEach((s) => s.dispose());
  });
  return {
    server,
    newStack: (...args) => {
      const stack = new AuthStack(...args);
      stacks.push(stack);
      return stack;
    },
  };
}

/** A clock the test moves: `later(ms)` jumps ahead, as if time had passed. */
export function clock() {
  let offset = 0;
  return { now: () => Date.now() + offset, later: (ms: number) => (offset += ms) };
}

/** The status GitShare gives an API call with `token`. */
export async function callApi(server: RunningServer, token: string): Promise<number> {
  const response = await fetch(`${server.url}/api/v1/user`, { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status;
}

/** Counts token requests at the server, by grant type. */
export function tokenRequestCount(server: RunningServer, grant: 'authorization_code' | 'refresh_token'): number {
  return server.control!.stats().tokenRequests[grant] ?? 0;
}

/** Compares secrets without ever printing them in a failure message. */
export function assertSameSecret(actual: string | undefined, expected: string | undefined, message: string): void {
  assert.ok(actual !== undefined && actual === expected, message);
}

export function assertDifferentSecret(actual: string | undefined, other: string | undefined, message: string): void {
  assert.ok(actual !== undefined && actual !== other, message);
}
