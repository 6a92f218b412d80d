/**
 * Signs a user in to a GitShare server the way any OAuth client would, with no
 * dependency beyond Node: registers a client (RFC 7591), plays the browser
 * through the real sign-in and consent pages (browser.ts), and exchanges the
 * code with PKCE. Tests use the tokens to check the server's side without the
 * code under test (the extension never hands its tokens to a test).
 */

import { createHash, randomBytes } from 'node:crypto';
import { authorizeAsUser } from './browser';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export interface SignedInClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

export async function signInAsUser(
  serverUrl: string,
  username = 'demo',
  password = 'demo',
  clientName = 'GitShare tests',
): Promise<SignedInClient> {
  const registration = await fetch(`${serverUrl}/oauth2/register/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: clientName,
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'client_secret_post',
    }),
  });
  if (registration.status !== 201) {
    throw new Error(`register: HTTP ${registration.status} ${await registration.text()}`);
  }
  const client = (await registration.json()) as { client_id: string; client_secret: string };
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL(`${serverUrl}/oauth2/authorize/`);
  authorize.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    state: randomBytes(8).toString('hex'),
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
  const body = (await token.json()) as { access_token: string; refresh_token: string };
  return {
    clientId: client.client_id,
    clientSecret: client.client_secret,
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
  };
}
