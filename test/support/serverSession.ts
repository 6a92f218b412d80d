/**
 * A signed-in session against the local GitShare server, for tests in plain Node (unit, e2e, bench):
 * registers a client, plays the browser through sign-in and consent, and
 * exchanges the code for tokens. Returns a TokenSource that refreshes like the
 * real one (rotating the refresh token), and counts its refreshes.
 */

import { GitShareClient, type GitShareClientOptions } from '../../src/api/client';
import type { TokenSource } from '../../src/common/accounts';
import { GitShareError } from '../../src/common/errors';
import { Logger, MemoryLogSink } from '../../src/common/logger';
import type { RunningServer, ServerOptions } from '../server/index';
import { signInAsUser } from '../server/signIn';
import { startTestServer } from './testServer';
import { nodeTransport } from '../../src/node/transport';

interface TokenResponse {
  access_token: string;
  refresh_token: string;
}

export class TestTokenSource implements TokenSource {
  refreshes = 0;
  constructor(
    private readonly serverUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    public accessToken: string,
    private refreshToken: string,
  ) {}

  async getAccessToken(): Promise<string> {
    return this.accessToken;
  }

  async refreshAfterUnauthorized(failedToken: string): Promise<string> {
    if (failedToken !== this.accessToken) {
      return this.accessToken; // someone else refreshed already
    }
    this.refreshes++;
    const response = await fetch(`${this.serverUrl}/oauth2/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: this.refreshToken,
        client_id: this.clientId,
        client_secret: this.clientSecret,
      }).toString(),
    });
    if (!response.ok) {
      throw new GitShareError('signInRequired', 'Sign in again.', { status: response.status });
    }
    const body = (await response.json()) as TokenResponse;
    this.accessToken = body.access_token;
    this.refreshToken = body.refresh_token;
    return this.accessToken;
  }
}

export async function signIn(serverUrl: string, username = 'demo', password = 'demo'): Promise<TestTokenSource> {
  const client = await signInAsUser(serverUrl, username, password, 'GitShare unit tests');
  return new TestTokenSource(serverUrl, client.clientId, client.clientSecret, client.accessToken, client.refreshToken);
}

/** A running server (with the fault API) and a signed-in demo session; `close()` in `after`. */
export async function startSignedIn(
  options: ServerOptions = {},
): Promise<{ server: RunningServer; tokens: TestTokenSource }> {
  const server = await startTestServer(options);
  try {
    const tokens = await signIn(server.url);
    return { server, tokens };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/**
 * `startSignedIn`, plus an API client on that session (see `apiClient`); `server.close()` in `after`.
 */
export async function startSignedInClient(
  options: ServerOptions = {},
  clientOptions: Partial<GitShareClientOptions> = {},
): Promise<{ server: RunningServer; tokens: TestTokenSource; client: GitShareClient }> {
  const { server, tokens } = await startSignedIn(options);
  return { server, tokens, client: apiClient(server.url, tokens, clientOptions) };
}

/**
 * The User-Agent of a test's own API client where it must be told from the extension's: the e2e
 * worker phase leaves these requests out of its proof that the extension ran in the browser.
 */
export const TEST_CLIENT_USER_AGENT = 'GitShare tests';

/**
 * An API client on `tokens` with the extension's default settings (retries, timeouts) and a log
 * kept in memory, or what `clientOptions` sets instead (a counting fetch, say).
 */
export function apiClient(
  serverUrl: string,
  tokens: TokenSource,
  clientOptions: Partial<GitShareClientOptions> = {},
): GitShareClient {
  return new GitShareClient({
    transport: nodeTransport(),
    serverUrl,
    tokens,
    logger: Logger.create(new MemoryLogSink()),
    ...clientOptions,
  });
}
