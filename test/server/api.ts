import OAuth2Server from '@node-oauth/oauth2-server';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import * as path from 'node:path';
import type { ServerContext } from './context';
import { HttpError } from './errors';
import { hostileEntry, hostileListing } from './hostile';
import { receiveFile, sendFile } from './fileBodies';
import { AccountFiles } from './files';
import { segmentsFromString, segmentsFromUrl } from './paths';
import type { UserRow } from './store';

/**
 * `/api/v1`: the user and the files API (contract §2, §3). Every request is authenticated by the
 * OAuth library (header, `access_token` query parameter or form-body parameter; more than one →
 * 400); reads need `files:read`, writes `files:write`, `/user` any valid token.
 */

const READ = 'files:read';
const WRITE = 'files:write';
const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 1000;

async function authenticate(
  ctx: ServerContext,
  server: OAuth2Server,
  req: Request,
  _res: Response,
  scope: string | undefined,
): Promise<UserRow> {
  const request = new OAuth2Server.Request({
    headers: req.headers as Record<string, string>,
    method: req.method,
    query: req.query as Record<string, string>,
    body: (req.body ?? {}) as Record<string, unknown>,
  });
  const response = new OAuth2Server.Response({ headers: {} });
  const bearer = (error: string, extra = ''): Record<string, string> => ({
    'WWW-Authenticate': `Bearer realm="GitShare", error="${error}"${extra}`,
  });
  const queryToken = (req.query as Record<string, unknown>).access_token;
  const bodyToken = (req.body as Record<string, unknown> | undefined)?.access_token;
  if (
    (queryToken !== undefined && typeof queryToken !== 'string') ||
    (bodyToken !== undefined && typeof bodyToken !== 'string')
  ) {
    throw new HttpError(400, 'invalid_request', 'access_token appears more than once.', bearer('invalid_request'));
  }
  let token: OAuth2Server.Token;
  try {
    token = await server.authenticate(
      request,
      response,
      scope === undefined ? {} : { scope: [scope], addAcceptedScopesHeader: true, addAuthorizedScopesHeader: true },
    );
  } catch (err) {
    const e = err as OAuth2Server.OAuthError;
    switch (e.name) {
      case 'insufficient_scope':
        throw new HttpError(
          403,
          'insufficient_scope',
          `This token lacks the scope ${scope}.`,
          bearer('insufficient_scope', `, scope="${scope}"`),
        );
      case 'invalid_request':
        throw new HttpError(400, 'invalid_request', e.message, bearer('invalid_request'));
      case 'unauthorized_request':
        throw new HttpError(
          401,
          'invalid_token',
          'An access token is required.',
          bearer('invalid_token', ', error_description="No access token"'),
        );
      case 'invalid_token':
        throw new HttpError(
          401,
          'invalid_token',
          'The access token is invalid, expired or revoked.',
          bearer('invalid_token'),
        );
      default:
        throw err;
    }
  }
  const user = ctx.store.userById((token.user as { id: number }).id);
  if (!user) {
    throw new HttpError(401, 'invalid_token', 'The account of this token no longer exists.', bearer('invalid_token'));
  }
  return user;
}

function singleQuery(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new HttpError(400, 'invalid_request', `The parameter ${name} appears more than once.`);
  }
  return value;
}

/** The raw, still percent-encoded path after a route prefix (Express would decode `%2F`). */
function rawTail(req: Request, prefix: string): string {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  const pathname = q >= 0 ? url.slice(0, q) : url;
  return pathname.slice(prefix.length);
}

export function apiRouter(ctx: ServerContext, server: OAuth2Server): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const json = express.json({ limit: '64kb', strict: true });
  const filesOf = (user: UserRow): AccountFiles =>
    new AccountFiles(path.join(ctx.filesRoot, String(user.id)), ctx.uploadLocks, ctx.folderOrders);

  /** Express 5 forwards rejected promises to the error handler. */
  type Handler = (req: Request, res: Response, next: NextFunction) => Promise<void>;
  const route = (prefix: string, methods: Record<string, Handler>): void => {
    router.use(prefix, (req, res, next) => {
      const handler = methods[req.method] ?? (req.method === 'HEAD' ? methods.GET : undefined);
      if (!handler) {
        res.set('Allow', Object.keys(methods).join(', '));
        next(new HttpError(405, 'method_not_allowed', `${req.method} is not supported here.`));
        return;
      }
      return handler(req, res, next);
    });
  };
  const tail = (req: Request, prefix: string): string[] => segmentsFromUrl(rawTail(req, `/api/v1${prefix}`));

  router.get('/user', async (req, res) => {
    const user = await authenticate(ctx, server, req, res, undefined);
    res.json({ id: String(user.id), username: user.username, name: user.name, email: user.email });
  });

  route('/metadata', {
    GET: async (req, res) => {
      const user = await authenticate(ctx, server, req, res, READ);
      const segments = tail(req, '/metadata');
      const entry = await filesOf(user).entry(segments);
      res.json(ctx.hostile ? hostileEntry(segments, entry) : entry);
    },
  });

  route('/folders', {
    GET: async (req, res) => {
      const user = await authenticate(ctx, server, req, res, READ);
      const segments = tail(req, '/folders');
      const limitText = singleQuery(req, 'limit');
      const cursor = singleQuery(req, 'cursor');
      let limit = DEFAULT_LIMIT;
      if (limitText !== undefined) {
        if (!/^\d{1,7}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_LIMIT) {
          throw new HttpError(400, 'invalid_request', `limit must be an integer from 1 to ${MAX_LIMIT}.`);
        }
        limit = Number(limitText);
      }
      const after = cursor === '' ? undefined : cursor;
      const page = await filesOf(user).list(segments, limit, after);
      res.json(ctx.hostile ? hostileListing(segments, after, page) : page);
    },
    POST: async (req, res) => {
      await new Promise<void>((resolve, reject) => form(req, res, (err) => (err ? reject(err as Error) : resolve())));
      const user = await authenticate(ctx, server, req, res, WRITE);
      const segments = tail(req, '/folders');
      if (segments.length === 0) {
        throw new HttpError(409, 'already_exists', 'The root folder already exists.');
      }
      res.status(201).json(await filesOf(user).createFolder(segments));
    },
  });

  route('/files', {
    GET: async (req, res) => {
      const user = await authenticate(ctx, server, req, res, READ);
      await sendFile(filesOf(user), tail(req, '/files'), req, res);
    },
    PUT: async (req, res) => {
      // The body is the file: never parsed, so the token comes from the header or query string.
      const user = await authenticate(ctx, server, req, res, WRITE);
      const segments = tail(req, '/files');
      await receiveFile(filesOf(user), segments, req, res, {
        maxBytes: ctx.maxUploadBytes,
        idleTimeoutMs: ctx.uploadIdleTimeoutMs,
      });
    },
    DELETE: async (req, res) => {
      await new Promise<void>((resolve, reject) => form(req, res, (err) => (err ? reject(err as Error) : resolve())));
      const user = await authenticate(ctx, server, req, res, WRITE);
      const segments = tail(req, '/files');
      const recursive = singleQuery(req, 'recursive');
      if (recursive !== undefined && recursive !== 'true' && recursive !== 'false') {
        throw new HttpError(400, 'invalid_request', 'recursive must be true or false.');
      }
      await filesOf(user).remove(segments, recursive === 'true');
      res.status(204).end();
    },
  });

  router.post('/move', async (req, res) => {
    if (req.is('application/json') !== 'application/json') {
      await authenticate(ctx, server, req, res, WRITE);
      throw new HttpError(415, 'unsupported_media_type', 'The move request must be application/json.');
    }
    await new Promise<void>((resolve, reject) => json(req, res, (err) => (err ? reject(err as Error) : resolve())));
    const user = await authenticate(ctx, server, req, res, WRITE);
    const body = req.body as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'invalid_request', 'Expected a JSON object {"from", "to", "overwrite"}.');
    }
    const { from, to, overwrite } = body as Record<string, unknown>;
    if (overwrite !== undefined && typeof overwrite !== 'boolean') {
      throw new HttpError(400, 'invalid_request', 'overwrite must be true or false.');
    }
    const entry = await filesOf(user).move(segmentsFromString(from), segmentsFromString(to), overwrite === true);
    res.status(200).json(entry);
  });

  return router;
}
