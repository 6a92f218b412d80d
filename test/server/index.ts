import express, { type NextFunction, type Request, type Response } from 'express';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { apiRouter } from './api';
import { ALL_EXTRAS, type ServerContext, type ServerExtras } from './context';
import { corsMiddleware, type CorsOrigins } from './cors';
import { HttpError, sendJsonError } from './errors';
import {
  FaultInjector,
  REQUEST_LOG_LIMIT,
  emptyStats,
  routeLabel,
  validateFault,
  type FaultSpec,
  type ServerControl,
  type ServerStats,
} from './faults';
import { DEFAULT_UPLOAD_IDLE_TIMEOUT_MS } from './fileBodies';
import { PathLocks } from './files';
import { FolderOrders } from './folderOrder';
import { oauthRouter } from './oauth';
import { createOAuthServer } from './oauthModel';
import { redirectUriProblem } from './redirectUris';
import { SessionStore } from './pages';
import { seedHostileFolder } from './hostile';
import { seedAccount } from './seed';
import { Store, type HandRegisteredClient } from './store';
import type { TlsMaterial } from './tls';

export { ALL_EXTRAS, SEED_ONLY, type ServerExtras } from './context';
export type { HandRegisteredClient } from './store';
export type { CorsOrigins } from './cors';
export type { FaultKind, FaultSpec, ServerControl, ServerStats } from './faults';
export { authorizeAsUser, authorizeAsUserDetailed, type AuthorizeAsUserOptions, type AuthorizeResult } from './browser';
export { spawnServer, type SpawnServerOptions, type SpawnedServer } from './spawn';

/**
 * The local GitShare server, in-process. Tests start it on port 0 with a temporary data folder;
 * the CLI (cli.ts) wraps the same function; `spawnServer` runs the CLI as a child process with the
 * system `node` (for callers that cannot load better-sqlite3 themselves, e.g. the extension host).
 */

export interface ServerAccount {
  readonly username: string;
  readonly password: string;
}

export interface ServerOptions {
  /** Default 0 (a free port) here; the CLI defaults to 8765. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /**
   * The origin clients reach the server at, when something sits in between (the bench's
   * shaping link): the OAuth issuer and every absolute URL. Default: the bound host and port.
   */
  readonly publicUrl?: string;
  /** Default: a new temporary folder, deleted by `close()`. A given folder is kept. */
  readonly dataDir?: string;
  /** Lifetime of access tokens, seconds. Default 3600. */
  readonly tokenTtlSeconds?: number;
  /** Default: one account demo / demo. Existing accounts get the given password. */
  readonly users?: readonly ServerAccount[];
  /** Upload limit in bytes (413 beyond). Default 5 GiB. */
  readonly maxUploadBytes?: number;
  /** An upload whose body sends nothing for this long fails with 408 and leaves no temp file (ms; 0 = never). Default 30 000. */
  readonly uploadIdleTimeoutMs?: number;
  /** Enables the test-control API under /__test__/ and `RunningServer.control`. Default false. */
  readonly faults?: boolean;
  /** Applications registered by hand (`--client`); an existing id gets the given secret and callback. */
  readonly clients?: readonly HandRegisteredClient[];
  /** Default: all extras (ALL_EXTRAS). */
  readonly extras?: Partial<ServerExtras>;
  /** Give a new account's empty tree the demo files. Default true. */
  readonly seed?: boolean;
  /** Receives one line per request (method, path without query, status, time). Default: silent. */
  readonly log?: (line: string) => void;
  /** Serve https with this certificate (see tls.ts). Default: plain http. */
  readonly tls?: TlsMaterial;
  /** Hostile mode (hostile.ts): lies about `/hostile`, for reviewers and tests. Default false. */
  readonly hostile?: boolean;
  /**
   * Answer CORS (contract section 4) for these origins, or for any (`true`), as a GitShare that
   * serves VS Code in the browser does. Default: off, no CORS header at all.
   */
  readonly cors?: CorsOrigins;
}

export interface RunningServer {
  /** The origin, e.g. `http://127.0.0.1:41234` (no trailing slash); also the OAuth issuer. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly users: readonly ServerAccount[];
  /** Present when started with `faults: true`; mirrors the HTTP API under /__test__/. */
  readonly control: ServerControl | undefined;
  /** With `tls` from generateTestCa: the CA certificate (PEM) a client must trust. */
  readonly ca?: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8765;
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 ** 3;
export { DEFAULT_UPLOAD_IDLE_TIMEOUT_MS };
export const DEFAULT_USERS: readonly ServerAccount[] = [{ username: 'demo', password: 'demo' }];

function originOf(host: string, port: number, secure = false): string {
  return `${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = path.resolve(options.dataDir ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-server-'))));
  const filesRoot = path.join(dataDir, 'files');
  await fsp.mkdir(filesRoot, { recursive: true });
  const store = new Store(dataDir);
  const users = options.users && options.users.length > 0 ? options.users : DEFAULT_USERS;
  const accountRoots: string[] = [];
  for (const account of users) {
    const row = store.upsertUser(account.username, account.password);
    accountRoots.push(path.join(filesRoot, String(row.id)));
    if (options.seed ?? true) {
      await seedAccount(path.join(filesRoot, String(row.id)));
    }
  }

  for (const client of options.clients ?? []) {
    const problem = client.callbackUrl === undefined ? undefined : redirectUriProblem(client.callbackUrl);
    if (problem) {
      store.close();
      throw new Error(`The callback URL ${client.callbackUrl} ${problem}.`);
    }
    store.upsertHandRegisteredClient(client);
  }

  const faults = options.faults ? new FaultInjector() : undefined;
  const ctx: ServerContext = {
    store,
    sessions: new SessionStore(),
    faults,
    dataDir,
    filesRoot,
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    uploadIdleTimeoutMs: options.uploadIdleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_TIMEOUT_MS,
    uploadLocks: new PathLocks(),
    folderOrders: new FolderOrders(),
    issuer: '',
    tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    stats: emptyStats(),
    extras: { ...ALL_EXTRAS, ...options.extras },
    hostile: false,
  };
  /** Hostile mode on or off; on, every account gets the honest files of the hostile folder. */
  const setHostile = async (on: boolean): Promise<void> => {
    if (on) {
      for (const accountRoot of accountRoots) {
        await seedHostileFolder(accountRoot);
      }
    }
    ctx.hostile = on;
  };
  await setHostile(options.hostile ?? false);
  const oauth = createOAuthServer(ctx);
  const control: ServerControl | undefined = faults && {
    addFault: (fault: FaultSpec) => faults.add(validateFault(fault)),
    clearFaults: () => faults.clear(),
    stats: (): ServerStats => structuredClone(ctx.stats),
    resetStats: () => {
      ctx.stats = emptyStats();
    },
    setTokenTtl: (seconds: number) => {
      if (!Number.isInteger(seconds) || seconds < 1) {
        throw new HttpError(400, 'invalid_request', 'seconds must be a positive integer.');
      }
      ctx.tokenTtlSeconds = seconds;
    },
    expireAccessTokens: () => store.expireAllAccessTokens(Date.now()),
    expireAuthorizationCodes: () => store.expireAllCodes(Date.now()),
    setHostile,
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    const started = Date.now();
    if (!req.path.startsWith('/__test__/')) {
      const label = routeLabel(req.method, req.path);
      ctx.stats.requests[label] = (ctx.stats.requests[label] ?? 0) + 1;
      ctx.stats.requestLog.push({
        route: label,
        origin: req.headers.origin ?? null,
        userAgent: req.headers['user-agent'] ?? null,
      });
      if (ctx.stats.requestLog.length > REQUEST_LOG_LIMIT) {
        ctx.stats.requestLog.shift();
      }
    }
    if (options.log) {
      const log = options.log;
      res.on('close', () =>
        log(`${req.method} ${req.path} ${res.headersSent ? res.statusCode : '---'} ${Date.now() - started}ms`),
      );
    }
    next();
  });
  if (options.cors) {
    // Before the faults: an injected error is an answer the browser must let the extension read too.
    app.use(corsMiddleware(options.cors));
  }
  if (faults && control) {
    app.use(faults.middleware(() => ctx.stats.faultsInjected++));
    app.use('/__test__', testControlRouter(control));
  }
  app.use(oauthRouter(ctx, oauth));
  app.use('/api/v1', apiRouter(ctx, oauth));
  app.get('/', (_req, res) => {
    res
      .type('text/plain')
      .send(
        ctx.extras.discovery
          ? `GitShare local server. Discovery: ${ctx.issuer}/.well-known/oauth-authorization-server\n`
          : `GitShare local server. Authorize: ${ctx.issuer}/oauth2/authorize/ Token: ${ctx.issuer}/oauth2/token/\n`,
      );
  });
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`)));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => renderError(err, req, res, options.log));

  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, app)
    : http.createServer(app);
  // `Expect: 100-continue` (curl sends it for large uploads): refuse an oversized declared body
  // before the client sends it; otherwise let it continue as usual.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (req.method === 'PUT' && declared > ctx.maxUploadBytes) {
      res
        .writeHead(413, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' })
        .end(JSON.stringify({ error: 'too_large', message: `Files are limited to ${ctx.maxUploadBytes} bytes.` }));
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  // Large uploads may take longer than Node's default 5-minute request timeout.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  ctx.issuer = options.publicUrl?.replace(/\/+$/, '') ?? originOf(host, port, options.tls !== undefined);

  let closing: Promise<void> | undefined;
  return {
    url: ctx.issuer,
    host,
    port,
    dataDir,
    users,
    control,
    ca: options.tls?.ca,
    close: () => {
      closing ??= (async () => {
        faults?.releaseStalled();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        store.close();
        if (ownsDataDir) {
          await fsp.rm(dataDir, { recursive: true, force: true });
        }
      })();
      return closing;
    },
  };
}

function renderError(err: unknown, req: Request, res: Response, log: ((line: string) => void) | undefined): void {
  if (err instanceof HttpError) {
    sendJsonError(res, err.status, err.code, err.message, err.headers);
    return;
  }
  // body-parser errors carry `type` and `status`.
  const e = err as { type?: string; status?: number; message?: string };
  const isRegistration = req.path.startsWith('/oauth2/register');
  if (e.type === 'entity.parse.failed') {
    sendJsonError(
      res,
      400,
      isRegistration ? 'invalid_client_metadata' : 'invalid_request',
      'The request body is not valid JSON.',
    );
    return;
  }
  if (e.type === 'entity.too.large') {
    sendJsonError(res, 413, 'too_large', 'The request body is too large.');
    return;
  }
  if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
    sendJsonError(res, 415, 'unsupported_media_type', e.message ?? 'Unsupported request encoding.');
    return;
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    sendJsonError(res, e.status, 'invalid_request', e.message ?? 'Bad request.');
    return;
  }
  (log ?? console.error)(
    `error on ${req.method} ${req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  sendJsonError(res, 500, 'server_error', 'The server failed; see its log.');
}

function testControlRouter(control: ServerControl): express.Router {
  const router = express.Router();
  const json = express.json({ limit: '16kb', strict: true, type: () => true });
  router.post('/faults', json, (req, res) => {
    control.addFault(validateFault(req.body));
    res.status(204).end();
  });
  router.delete('/faults', (_req, res) => {
    control.clearFaults();
    res.status(204).end();
  });
  router.get('/stats', (_req, res) => {
    res.json(control.stats());
  });
  router.post('/reset-stats', (_req, res) => {
    control.resetStats();
    res.status(204).end();
  });
  router.post('/token-ttl', json, (req, res) => {
    const seconds = (req.body as { seconds?: unknown } | undefined)?.seconds;
    control.setTokenTtl(typeof seconds === 'number' ? seconds : NaN);
    res.status(204).end();
  });
  router.post('/expire-access-tokens', (_req, res) => {
    control.expireAccessTokens();
    res.status(204).end();
  });
  router.post('/expire-codes', (_req, res) => {
    control.expireAuthorizationCodes();
    res.status(204).end();
  });
  router.post('/hostile', json, async (req, res) => {
    const on = (req.body as { on?: unknown } | undefined)?.on;
    if (typeof on !== 'boolean') {
      throw new HttpError(400, 'invalid_request', 'on must be true or false.');
    }
    await control.setHostile(on);
    res.status(204).end();
  });
  return router;
}
