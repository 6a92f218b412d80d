import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { authorizeAsUser, authorizeAsUserDetailed } from '../server/browser';
import type { RunningServer } from '../server/index';

/**
 * The local server spoken to over HTTP as a client would, without the extension: registration,
 * authorize and token requests, raw requests, a listing of a folder on its disk. For the server's
 * own tests (test/server/test/) and the unit tests that go through the server.
 */

export async function tempDir(): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-test-'));
}

export interface RegisteredClient {
  readonly client_id: string;
  readonly client_secret?: string;
  readonly redirect_uris: string[];
  readonly registration_access_token: string;
  readonly [key: string]: unknown;
}

export async function register(server: RunningServer, metadata: Record<string, unknown>): Promise<RegisteredClient> {
  const res = await fetch(`${server.url}/oauth2/register/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  if (res.status !== 201) {
    throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  }
  return (await res.json()) as RegisteredClient;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(server: RunningServer, params: Record<string, string | undefined>): string {
  const url = new URL(`${server.url}/oauth2/authorize/`);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) {
      url.searchParams.set(k, v);
    }
  }
  return url.toString();
}

export const REDIRECT = 'http://127.0.0.1:9/callback';

/** Runs the whole flow for a fresh confidential client; returns the client, the code's redirect and the token response. */
export async function getCode(
  server: RunningServer,
  client: RegisteredClient,
  extra: Record<string, string | undefined> = {},
): Promise<{ code: string; verifier: string; location: string }> {
  const { verifier, challenge } = pkcePair();
  const location = await authorizeAsUser(
    authorizeUrl(server, {
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: client.redirect_uris[0],
      state: 'st-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    }),
    { username: 'demo', password: 'demo', decision: 'allow' },
  );
  const code = new URL(location).searchParams.get('code');
  if (!code) {
    throw new Error(`no code in ${location}`);
  }
  return { code, verifier, location };
}

/**
 * Demo signs in and allows a client that is not sent back (no callback URL, or the oob one in
 * `params`): the page must show the code. Returns it with the PKCE verifier it needs.
 */
export async function codeShown(
  server: RunningServer,
  params: Record<string, string | undefined>,
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const result = await authorizeAsUserDetailed(
    authorizeUrl(server, {
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...params,
    }),
    { username: 'demo', password: 'demo', decision: 'allow' },
  );
  assert.equal(result.kind, 'code', 'the page shows the code');
  return { code: result.kind === 'code' ? result.code : '', verifier };
}

/**
 * The token request that redeems `code` for a registered confidential client sent back to
 * REDIRECT; `extra` adds parameters or replaces them (undefined leaves one out).
 */
export function exchangeCode(
  server: RunningServer,
  client: RegisteredClient,
  code: string,
  extra: Record<string, string | undefined> = {},
): ReturnType<typeof tokenRequest> {
  return tokenRequest(server, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    client_id: client.client_id,
    client_secret: client.client_secret,
    ...extra,
  });
}

export async function tokenRequest(
  server: RunningServer,
  params: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) {
      form.set(k, v);
    }
  }
  const res = await fetch(`${server.url}/oauth2/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form.toString(),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

export interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
  readonly scope: string;
  readonly token_type: string;
}

export async function signIn(
  server: RunningServer,
  scope?: string,
): Promise<{ client: RegisteredClient; tokens: Tokens }> {
  const client = await register(server, { client_name: 'Test App', redirect_uris: [REDIRECT] });
  const { code, verifier } = await getCode(server, client, { scope });
  const res = await exchangeCode(server, client, code, { code_verifier: verifier });
  if (res.status !== 200) {
    throw new Error(`token request failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { client, tokens: res.body as unknown as Tokens };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  json(): Record<string, unknown>;
}

/** A request whose path is sent byte for byte (fetch would normalise `..` and `%2e%2e`). */
export function raw(
  server: RunningServer,
  method: string,
  rawPath: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: server.host, port: server.port, method, path: rawPath, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: buf,
            json: () => JSON.parse(buf.toString('utf8')) as Record<string, unknown>,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** fetch against the API with a bearer token. */
export function api(server: RunningServer, token: string, apiPath: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${apiPath}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
  });
}

/** Every file under `dir` with its size and mtime, to prove nothing changed. */
export async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  // The server may remove a temp file between readdir and lstat (the tests wait for exactly that):
  // what is gone by then is not there.
  const gone = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';
  const walk = async (d: string): Promise<void> => {
    const entries = await fsp
      .readdir(d, { withFileTypes: true })
      .catch((error) => (gone(error) ? [] : Promise.reject(error)));
    for (const e of entries) {
      const p = path.join(d, e.name);
      const st = await fsp.lstat(p).catch((error) => (gone(error) ? undefined : Promise.reject(error)));
      if (!st) {
        continue;
      }
      // Folders are listed without mtime: a rejected upload's temp file touches its folder.
      out.push(e.isDirectory() ? `${path.relative(dir, p)}/` : `${path.relative(dir, p)} ${st.size} ${st.mtimeMs}`);
      if (e.isDirectory()) {
        await walk(p);
      }
    }
  };
  await walk(dir);
  return out.sort();
}
