import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './errors';

/**
 * Opt-in fault injection and counters for reliability tests (`--faults`).
 *
 * A fault is queued with a `count`; each request that matches takes one. Kinds:
 * - `429`: answers 429 `{"error":"rate_limited"}` with `Retry-After: retryAfter` (default 1);
 * - `503`: answers 503 `{"error":"unavailable"}`, with `Retry-After` when `retryAfter` is given;
 * - `stall`: never answers; the connection stays open until the client gives up (or the server
 *   closes, which destroys it);
 * - `cut`: destroys the connection after `afterBytes` (default 0) body bytes. For a request that
 *   carries a body (`PUT`, `POST`, `PATCH` with a length) the request body is counted (the upload
 *   is cut after N bytes have reached the server); otherwise the response body is (the client
 *   receives the status, headers and N bytes of the body, then the connection is reset). Set
 *   `target: "request" | "response"` to choose explicitly.
 * `match` limits a fault to requests whose path starts with a prefix (`"/api/v1/files"`), or to one
 * method and prefix (`"PUT /api/v1/files"`). Requests under `/__test__/` are never faulted.
 */

export type FaultKind = '429' | '503' | 'stall' | 'cut';

export interface FaultSpec {
  readonly kind: FaultKind;
  readonly count?: number;
  readonly retryAfter?: number;
  readonly afterBytes?: number;
  readonly match?: string;
  readonly target?: 'request' | 'response';
}

/** One request the server answered, as the stats list it: where it came from. */
export interface RequestSeen {
  /** Its route (`routeLabel`). */
  route: string;
  /** Its `Origin` header: a browser's `fetch` (or form post) sends one, Node's requests do not. */
  origin: string | null;
  userAgent: string | null;
}

/** How many requests `requestLog` keeps (the oldest go first). */
export const REQUEST_LOG_LIMIT = 5000;

export interface ServerStats {
  requests: Record<string, number>;
  /** The requests since the last reset, oldest first, at most REQUEST_LOG_LIMIT. */
  requestLog: RequestSeen[];
  tokenRequests: { authorization_code: number; refresh_token: number; [grantType: string]: number };
  revocations: number;
  faultsInjected: number;
}

/** Mirrors the HTTP control API under `/__test__/`. */
export interface ServerControl {
  addFault(fault: FaultSpec): void;
  clearFaults(): void;
  stats(): ServerStats;
  resetStats(): void;
  setTokenTtl(seconds: number): void;
  expireAccessTokens(): void;
  /** Makes every unused authorization code expired now (to test `invalid_grant` for old codes). */
  expireAuthorizationCodes(): void;
  /** Hostile mode on or off (hostile.ts). */
  setHostile(on: boolean): Promise<void>;
}

export function emptyStats(): ServerStats {
  return {
    requests: {},
    requestLog: [],
    tokenRequests: { authorization_code: 0, refresh_token: 0 },
    revocations: 0,
    faultsInjected: 0,
  };
}

/** The route template a request belongs to, for counting (`GET /api/v1/files`). */
export function routeLabel(method: string, path: string): string {
  const prefixes = ['/api/v1/metadata', '/api/v1/folders', '/api/v1/files', '/oauth2/register'];
  for (const prefix of prefixes) {
    if (path === prefix || path.startsWith(prefix + '/')) {
      return `${method} ${prefix}`;
    }
  }
  return `${method} ${path}`;
}

interface QueuedFault {
  readonly spec: FaultSpec;
  remaining: number;
}

export function validateFault(body: unknown): FaultSpec {
  const bad = (message: string): HttpError => new HttpError(400, 'invalid_request', message);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad('Expected a JSON object.');
  }
  const b = body as Record<string, unknown>;
  if (b.kind !== '429' && b.kind !== '503' && b.kind !== 'stall' && b.kind !== 'cut') {
    throw bad('kind must be "429", "503", "stall" or "cut".');
  }
  const optionalCount = (name: string): number | undefined => {
    const value = b[name];
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw bad(`${name} must be a non-negative integer.`);
    }
    return value;
  };
  if (b.match !== undefined && typeof b.match !== 'string') {
    throw bad('match must be a string.');
  }
  if (b.target !== undefined && b.target !== 'request' && b.target !== 'response') {
    throw bad('target must be "request" or "response".');
  }
  return {
    kind: b.kind,
    count: optionalCount('count') ?? 1,
    retryAfter: optionalCount('retryAfter'),
    afterBytes: optionalCount('afterBytes'),
    match: b.match as string | undefined,
    target: b.target as 'request' | 'response' | undefined,
  };
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (!spec.match) {
    return true;
  }
  const m = /^([A-Z]+)\s+(.*)$/.exec(spec.match.trim());
  if (m) {
    return m[1] === method && path.startsWith(m[2]!);
  }
  return path.startsWith(spec.match.trim());
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

export class FaultInjector {
  private queue: QueuedFault[] = [];
  private readonly stalled = new Set<Response>();

  add(spec: FaultSpec): void {
    this.queue.push({ spec, remaining: spec.count ?? 1 });
  }

  clear(): void {
    this.queue = [];
  }

  /** Destroys stalled connections (on server close). */
  releaseStalled(): void {
    for (const res of this.stalled) {
      res.destroy();
    }
    this.stalled.clear();
  }

  private take(method: string, path: string): FaultSpec | undefined {
    const index = this.queue.findIndex((q) => q.remaining > 0 && matches(q.spec, method, path));
    if (index < 0) {
      return undefined;
    }
    const queued = this.queue[index]!;
    queued.remaining--;
    if (queued.remaining <= 0) {
      this.queue.splice(index, 1);
    }
    return queued.spec;
  }

  middleware(onInjected: () => void) {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (req.path.startsWith('/__test__/')) {
        next();
        return;
      }
      const spec = this.take(req.method, req.path);
      if (!spec) {
        next();
        return;
      }
      onInjected();
      switch (spec.kind) {
        case '429':
          res
            .status(429)
            .set('Retry-After', String(spec.retryAfter ?? 1))
            .set('Connection', 'close')
            .json({ error: 'rate_limited', message: 'Too many requests (injected fault).' });
          return;
        case '503':
          if (spec.retryAfter !== undefined) {
            res.set('Retry-After', String(spec.retryAfter));
          }
          res
            .status(503)
            .set('Connection', 'close')
            .json({ error: 'unavailable', message: 'Service unavailable (injected fault).' });
          return;
        case 'stall':
          this.stalled.add(res);
          res.on('close', () => this.stalled.delete(res));
          return;
        case 'cut': {
          const afterBytes = spec.afterBytes ?? 0;
          const target = spec.target ?? (hasBody(req) ? 'request' : 'response');
          if (afterBytes === 0) {
            req.socket.destroy();
            return;
          }
          if (target === 'request') {
            cutRequestAfter(req, afterBytes);
          } else {
            cutResponseAfter(res, afterBytes);
          }
          next();
          return;
        }
      }
    };
  }
}

/**
 * Destroys the connection once `limit` request-body bytes have been read. Wraps `push` rather than
 * listening for 'data', so the handler still consumes the body with backpressure.
 */
function cutRequestAfter(req: Request, limit: number): void {
  let seen = 0;
  let cut = false;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (cut) {
      // The connection is going: nothing more arrives, not even the end of the body. (Passing the
      // end on, once the rest had come in before the socket was destroyed, ended a body that was
      // short of its Content-Length cleanly, and the server committed it: seen once under load.)
      return false;
    }
    if (chunk === null || req.destroyed) {
      return push(chunk, encoding);
    }
    const buf = chunk as Buffer;
    if (seen + buf.length >= limit) {
      const keep = buf.subarray(0, limit - seen);
      seen = limit;
      cut = true;
      if (keep.length > 0) {
        push(keep);
      }
      setImmediate(() => req.socket.destroy());
      return false;
    }
    seen += buf.length;
    return push(chunk, encoding);
  };
}

/** Sends at most `limit` response-body bytes, then destroys the connection. */
function cutResponseAfter(res: Response, limit: number): void {
  let sent = 0;
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  const cut = (): void => {
    // Let the bytes already written reach the socket, then reset.
    setImmediate(() => res.socket?.destroy());
  };
  const clip = (chunk: unknown): Buffer | undefined => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') {
      return undefined;
    }
    return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
  };
  (res as unknown as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const buf = clip(chunk);
    if (!buf) {
      return write(chunk, ...rest);
    }
    if (sent + buf.length >= limit) {
      const keep = buf.subarray(0, limit - sent);
      sent = limit;
      if (keep.length > 0) {
        write(keep);
      }
      cut();
      return false;
    }
    sent += buf.length;
    return write(buf, ...rest);
  };
  (res as unknown as { end: unknown }).end = (chunk?: unknown, ...rest: unknown[]): Response => {
    const buf = clip(chunk);
    if (buf) {
      if (sent + buf.length >= limit) {
        const keep = buf.subarray(0, limit - sent);
        sent = limit;
        if (!res.headersSent) {
          res.flushHeaders();
        }
        if (keep.length > 0) {
          write(keep);
        }
        cut();
        return res;
      }
      sent += buf.length;
    }
    return end(chunk, ...rest);
  };
}
