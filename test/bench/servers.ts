/**
 * The servers the bench talks to, each a child process of its own so that
 * neither competes with the measured client for an event loop: the local
 * GitShare server (test/server, via spawnServer) and the plain static file
 * server (staticServer.ts). Also a bearer token for the demo account, got the
 * way the extension gets one: register, authorize (played by the server's
 * browser helper), exchange the code with PKCE.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { authorizeAsUser } from '../server/browser';
import { spawnServer, type SpawnedServer } from '../server/spawn';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export async function startGitShare(dataDir: string): Promise<SpawnedServer> {
  return spawnServer(['--host', '127.0.0.1', '--data', dataDir, '--max-upload-bytes', String(64 * 1024 ** 3), '--quiet']);
}

export async function bearerToken(serverUrl: string): Promise<string> {
  const post = async (url: string, body: string, type: string) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`POST ${url}: HTTP ${response.status} ${text}`);
    }
    return JSON.parse(text) as Record<string, string>;
  };
  const client = await post(
    `${serverUrl}/oauth2/register/`,
    JSON.stringify({ client_name: 'GitShare bench', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'client_secret_post' }),
    'application/json',
  );
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${serverUrl}/oauth2/authorize/`);
  authorize.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    state: randomBytes(8).toString('hex'),
    scope: 'files:read files:write',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const location = await authorizeAsUser(authorize.toString(), { username: 'demo', password: 'demo', decision: 'allow' });
  const code = new URL(location).searchParams.get('code');
  if (!code) {
    throw new Error(`no code in ${location}`);
  }
  const token = await post(
    `${serverUrl}/oauth2/token/`,
    new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: client.client_id,
      client_secret: client.client_secret,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }).toString(),
    'application/x-www-form-urlencoded',
  );
  return token.access_token;
}

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

export function startStatic(root: string): Promise<StaticServer> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'staticServer.js'), root], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        resolve({ url: m[1], close });
      }
    });
    child.once('exit', (code) => reject(new Error(`static server exited (${code})`)));
    child.once('error', reject);
  });
}
