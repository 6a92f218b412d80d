/**
 * A signed-in session against the local GitShare server, for plain-Node tests:
 * registers a client, plays the browser through sign-in and consent, and
 * exchanges the code for tokens. Returns a TokenSource that refreshes like the
 * real one (rotating the refresh token), and counts its refreshes.
 */

import { createHash, randomBytes } from 'node:crypto';
import type { TokenSource } from '../../../src/common/accounts';
import { GitShareError } from '../../../src/common/errors';
import { authorizeAsUser } from '../../server/browser';
import { startServer, type RunningServer, type ServerOptions } from '../../server/index';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

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
  const registration = await fetch(`${serverUrl}/oauth2/register/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'GitShare unit tests', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'client_secret_post' }),
  });
  if (registration.status !== 201) {
    throw new Error(`register: HTTP ${registration.status} ${await registration.text()}`);
  }
  const client = (await registration.json()) as { client_id: string; client_secret: string };
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(8).toString('hex');
  const authorize = new URL(`${serverUrl}/oauth2/authorize/`);
  authorize.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    state,
    scope: 'files:read files:write',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const location = await authorizeAsUser(authorize.toString(), { username, password, decision: 'allow' });
  const code = new URL(location).searchParams.get('code');
  if (!code) {
    throw new Error(`no code in ${location}`);
  }
  const token = await fetch(`${serverUrl}/oauth2/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: client.client_id,
      client_secret: client.client_secret,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }).toString(),
  });
  if (token.status !== 200) {
    throw new Error(`token: HTTP ${token.status} ${await token.text()}`);
  }
  const body = (await token.json()) as TokenResponse;
  return new TestTokenSource(serverUrl, client.client_id, client.client_secret, body.access_token, body.refresh_token);
}

/** A running server (with the fault API) and a signed-in demo session; `close()` in `after`. */
export async function startSignedIn(options: ServerOptions = {}): Promise<{ server: RunningServer; tokens: TestTokenSource }> {
  const server = await startServer({ port: 0, faults: true, ...options });
  try {
    const tokens = await signIn(server.url);
    return { server, tokens };
  } catch (error) {
    await server.close();
    throw error;
  }
}
