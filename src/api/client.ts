/**
 * GitShareClient: the one HTTP client of the extension. One instance per
 * signed-in account. Every request goes through `request()`, which adds the
 * bearer header and User-Agent, applies timeouts, logs, retries what is safe to
 * retry, refreshes the token once after a 401 and maps failures to
 * GitShareErrors. Trees, the file system and commands call the typed methods
 * below and never fetch themselves.
 *
 * This module imports no `vscode`, so it runs and is tested in plain Node.
 */

import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Headers, RequestInit, Response } from 'node-fetch';
import { fetch } from '../common/fetch';
import { isAllowedTransport } from '../common/transport';
import type { TokenSource } from '../common/accounts';
import { CancelledError, GitShareError } from '../common/errors';
import type { Logger } from '../common/logger';
import { errorFromResponse, networkError, parseServerErrorBody, timeoutError } from './errorMapping';
import { paginate } from './pagination';
import { encodePath, nameProblem, normalizePath } from './paths';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  sleep,
  type RetryMode,
  type RetryPolicy,
} from './retry';
import { parseEntry, parseFolderPage, parseUser, quoteEtag, type Entry, type FolderPage, type User } from './types';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface GitShareClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:8765`. */
  readonly serverUrl: string;
  readonly tokens: TokenSource;
  readonly logger: Logger;
  readonly userAgent?: string;
  readonly retry?: Partial<RetryPolicy>;
  /** Longest wait for response headers once the request is sent. */
  readonly responseTimeoutMs?: number;
  /** Longest silence while a body streams, either way. */
  readonly idleTimeoutMs?: number;
  /** For tests; defaults to node-fetch. */
  readonly fetch?: FetchLike;
}

/** Reports bytes done so far (absolute, for this transfer) and the total when known. */
export type ProgressCallback = (bytesDone: number, bytesTotal: number | undefined) => void;

export interface TransferOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressCallback;
}

/** What an upload may replace. */
export type WritePrecondition =
  /** Only if the file still has this ETag (the save of an opened file). */
  | { readonly ifMatch: string }
  /** Only if nothing is there yet. */
  | { readonly ifNoneMatch: '*' }
  /** Create or replace. */
  | undefined;

export interface DownloadOptions extends TransferOptions {
  /** Replace an existing local file. When false a file that appeared meanwhile is a conflict. */
  readonly overwrite?: boolean;
}

export interface DownloadResult {
  readonly bytes: number;
  readonly etag: string | undefined;
}

export interface ReadResult {
  readonly data: Uint8Array;
  readonly etag: string | undefined;
}

type BodySource = string | Buffer | Readable;

interface ApiRequest {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path below the origin, already encoded. */
  readonly apiPath: string;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly headers?: Record<string, string>;
  /** A fresh body for every attempt, so a replay never sends a half-read stream. */
  readonly body?: (watch: () => void) => BodySource;
  readonly retry: RetryMode;
  readonly signal?: AbortSignal;
  /** Non-2xx statuses the caller handles itself. */
  readonly accept?: readonly number[];
}

/** A response whose body is guarded by the idle timeout and the caller's signal. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Readable;
  /** The body as UTF-8, at most `maxBytes` of it (default MAX_JSON_BYTES); past that a `protocol` error. */
  text(maxBytes?: number, truncate?: boolean): Promise<string>;
  /** At most MAX_JSON_BYTES, parsed. */
  json(): Promise<unknown>;
  /** Drops the body (the connection may be closed). */
  discard(): void;
}

const MAX_REDIRECTS = 3;

/*
 * Bounds on what a server may make the extension host hold: a hostile or broken
 * server must not be able to exhaust its memory.
 */
/** A JSON answer (entry, listing page, user); a page of 1,000 entries is about 200 KiB. */
export const MAX_JSON_BYTES = 4 * 1024 * 1024;
/** The body of an error answer: only its `error` and `message` are used. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Entries of one listing page (the contract allows at most 1,000). */
export const MAX_PAGE_ENTRIES = 5_000;
/** A file read whole into memory to open it in an editor; larger files are downloaded instead. */
export const MAX_READ_BYTES = 50 * 1024 * 1024;

/** Buffer of the local file a download writes. */
const FILE_BUFFER_BYTES = 1024 * 1024;

export class GitShareClient {
  private readonly serverUrl: string;
  private readonly origin: string;
  private readonly tokens: TokenSource;
  private readonly logger: Logger;
  private readonly userAgent: string;
  private readonly policy: RetryPolicy;
  private readonly responseTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly fetchImpl: FetchLike;
  private readonly transportAllowed: boolean;

  constructor(options: GitShareClientOptions) {
    this.serverUrl = options.serverUrl.replace(/\/+$/, '');
    const url = new URL(this.serverUrl);
    this.origin = url.origin;
    this.transportAllowed = isAllowedTransport(url);
    this.tokens = options.tokens;
    this.logger = options.logger;
    this.userAgent = options.userAgent ?? 'GitShare-VSCode';
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.responseTimeoutMs = options.responseTimeoutMs ?? 30_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
  }

  // ---- the typed API (contract section 3)

  async user(signal?: AbortSignal): Promise<User> {
    const response = await this.request({ method: 'GET', apiPath: '/api/v1/user', retry: 'idempotent', signal });
    return parseUser(await response.json());
  }

  async metadata(path: string, signal?: AbortSignal): Promise<Entry> {
    const response = await this.request({
      method: 'GET',
      apiPath: '/api/v1/metadata' + encodePath(path),
      retry: 'idempotent',
      signal,
    });
    return parseEntry(await response.json());
  }

  /** Like `metadata`, but undefined when nothing is there. */
  async tryMetadata(path: string, signal?: AbortSignal): Promise<Entry | undefined> {
    try {
      return await this.metadata(path, signal);
    } catch (error) {
      if (error instanceof GitShareError && error.kind === 'notFound') {
        return undefined;
      }
      throw error;
    }
  }

  async listFolder(
    path: string,
    options: { cursor?: string; limit?: number; signal?: AbortSignal } = {},
  ): Promise<FolderPage> {
    const response = await this.request({
      method: 'GET',
      apiPath: '/api/v1/folders' + encodePath(path),
      query: { limit: options.limit, cursor: options.cursor },
      retry: 'idempotent',
      signal: options.signal,
    });
    const page = parseFolderPage(await response.json());
    if (page.entries.length > MAX_PAGE_ENTRIES) {
      throw new GitShareError('protocol', 'GitShare sent a folder listing page with far more entries than allowed.', {
        detail: `GET /api/v1/folders${encodePath(path)}: ${page.entries.length} entries on one page (at most ${MAX_PAGE_ENTRIES} accepted)`,
      });
    }
    // A child's path is its folder's path plus its name: anything else would make the tree,
    // the editor or a download act on a file elsewhere. (Names the contract forbids are
    // refused one by one by whoever shows or writes them.)
    const folder = normalizePath(path);
    for (const entry of page.entries) {
      if (nameProblem(entry.name) === undefined && entry.path !== (folder === '/' ? '' : folder) + '/' + entry.name) {
        throw new GitShareError(
          'protocol',
          `GitShare listed "${entry.name}" in ${folder} with a path outside that folder, so the listing was refused.`,
          {
            detail: `GET /api/v1/folders${encodePath(path)}: entry ${JSON.stringify(entry.name)} has path ${JSON.stringify(entry.path)}`,
          },
        );
      }
    }
    return page;
  }

  /** Every entry of a folder, page after page, fetched only as the caller consumes them. */
  iterateFolder(
    path: string,
    options: { pageSize?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<Entry, void, undefined> {
    return paginate(async (cursor) => {
      const page = await this.listFolder(path, { cursor, limit: options.pageSize, signal: options.signal });
      return { items: page.entries, nextCursor: page.nextCursor };
    }, options.signal);
  }

  async createFolder(path: string, signal?: AbortSignal): Promise<Entry> {
    const response = await this.request({
      method: 'POST',
      apiPath: '/api/v1/folders' + encodePath(path),
      retry: 'unprocessedOnly',
      signal,
    });
    return parseEntry(await response.json());
  }

  async delete(path: string, options: { recursive?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const response = await this.request({
      method: 'DELETE',
      apiPath: '/api/v1/files' + encodePath(path),
      query: { recursive: options.recursive ? 'true' : undefined },
      retry: 'idempotent',
      signal: options.signal,
    });
    response.discard();
  }

  async move(from: string, to: string, options: { overwrite?: boolean; signal?: AbortSignal } = {}): Promise<Entry> {
    const payload = JSON.stringify({
      from: normalizePath(from),
      to: normalizePath(to),
      overwrite: options.overwrite ?? false,
    });
    const response = await this.request({
      method: 'POST',
      apiPath: '/api/v1/move',
      headers: { 'Content-Type': 'application/json' },
      body: () => payload,
      retry: 'unprocessedOnly',
      signal: options.signal,
    });
    return parseEntry(await response.json());
  }

  /**
   * Reads a whole file into memory: for the editor, which needs the bytes anyway.
   * At most `maxBytes` (MAX_READ_BYTES): a larger file is refused with a
   * `tooLarge` error that says to download it, before its body is read when the
   * server announces the length.
   */
  async readFile(path: string, signal?: AbortSignal, maxBytes = MAX_READ_BYTES): Promise<ReadResult> {
    const response = await this.request({
      method: 'GET',
      apiPath: '/api/v1/files' + encodePath(path),
      retry: 'idempotent',
      signal,
    });
    const tooLarge = (size: string) =>
      new GitShareError(
        'tooLarge',
        `This file is larger than ${formatMiB(maxBytes)}, too large to open in an editor. Use Download… to save it to your computer.`,
        {
          detail: `GET ${path}: ${size} bytes, more than ${maxBytes}`,
          code: 'too_large_to_open',
        },
      );
    const announced = Number(response.headers.get('content-length') ?? NaN);
    if (announced > maxBytes) {
      response.discard();
      throw tooLarge(String(announced));
    }
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of response.body) {
      received += (chunk as Buffer).length;
      if (received > maxBytes) {
        response.discard();
        throw tooLarge(`over ${received}`);
      }
      chunks.push(chunk as Buffer);
    }
    const data = Buffer.concat(chunks);
    checkLength(response, data.length, path);
    return { data, etag: response.headers.get('etag') ?? undefined };
  }

  /** Writes bytes already in memory (the editor's save). */
  async writeFile(
    path: string,
    data: Uint8Array,
    precondition: WritePrecondition,
    signal?: AbortSignal,
  ): Promise<Entry> {
    const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const response = await this.request({
      method: 'PUT',
      apiPath: '/api/v1/files' + encodePath(path),
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(buffer.length),
        ...preconditionHeaders(precondition),
      },
      body: () => buffer,
      // The whole body is in memory, so a replay is exact; still, a PUT that reached
      // the server may have replaced the file, so only "not processed" is retried.
      retry: 'unprocessedOnly',
      signal,
    });
    return parseEntry(await response.json());
  }

  /** Streams a local file up; never holds it whole in memory. */
  async upload(
    path: string,
    localFile: string,
    precondition: WritePrecondition,
    options: TransferOptions = {},
  ): Promise<Entry> {
    const { size } = await fsp.stat(localFile);
    const response = await this.request({
      method: 'PUT',
      apiPath: '/api/v1/files' + encodePath(path),
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(size),
        ...preconditionHeaders(precondition),
      },
      body: (watch) => {
        let sent = 0;
        options.onProgress?.(0, size);
        return fs.createReadStream(localFile).pipe(
          new ActivityStream((chunk) => {
            sent += chunk.length;
            watch();
            options.onProgress?.(sent, size);
          }),
        );
      },
      retry: 'unprocessedOnly',
      signal: options.signal,
    });
    return parseEntry(await response.json());
  }

  /**
   * Streams a remote file to `destination` through a temporary file next to it,
   * renamed into place only when complete and of the announced size. A broken
   * connection resumes with `Range` + `If-Range`. Whatever happens, no partial
   * file is left behind.
   */
  async download(path: string, destination: string, options: DownloadOptions = {}): Promise<DownloadResult> {
    const apiPath = '/api/v1/files' + encodePath(path);
    const temp = nodePath.join(
      nodePath.dirname(destination),
      `.${nodePath.basename(destination)}.${randomBytes(4).toString('hex')}.gitshare-part`,
    );
    let written = 0;
    let total: number | undefined;
    let etag: string | undefined;
    try {
      for (let retry = 0; ; retry++) {
        const resuming = written > 0 && etag !== undefined;
        const response = await this.request({
          method: 'GET',
          apiPath,
          headers: resuming ? { Range: `bytes=${written}-`, 'If-Range': etag! } : undefined,
          retry: 'idempotent',
          signal: options.signal,
        });
        if (response.status === 206) {
          total = totalFromContentRange(response.headers.get('content-range')) ?? total;
        } else {
          // A full answer: start over (the file may have changed).
          written = 0;
          const length = response.headers.get('content-length');
          total = length !== null ? Number(length) : undefined;
        }
        etag = response.headers.get('etag') ?? undefined;
        options.onProgress?.(written, total);
        // A large buffer keeps the body flowing while a write is on disk: fewer pauses, and
        // the chunks waiting meanwhile go down in one writev.
        const sink = fs.createWriteStream(temp, {
          flags: response.status === 206 ? 'a' : 'w',
          highWaterMark: FILE_BUFFER_BYTES,
        });
        // Counted as the chunks pass (listener added before the pipe's, so it runs first),
        // without a stream of its own in between.
        response.body.on('data', (chunk: Buffer) => {
          written += chunk.length;
          options.onProgress?.(written, total);
        });
        try {
          await pipeline(response.body, sink, { signal: options.signal });
          break;
        } catch (error) {
          // Resume from what reached the disk, not from what passed by.
          if (!sink.closed) {
            await once(sink, 'close').catch(() => undefined);
          }
          written = (await fsp.stat(temp).catch(() => undefined))?.size ?? 0;
          const mapped = this.mapStreamError(error, `GET ${apiPath}`, options.signal);
          if (
            mapped.kind === 'cancelled' ||
            retry >= this.policy.maxRetries ||
            !(mapped.kind === 'network' || mapped.kind === 'timeout')
          ) {
            throw mapped;
          }
          this.logger.warn(`GET ${apiPath}: body broke after ${written} bytes; resuming`, mapped);
          await sleep(retryDelay(this.policy, retry + 1, undefined), options.signal);
        }
      }
      const { size } = await fsp.stat(temp);
      if (total !== undefined && size !== total) {
        throw new GitShareError('network', 'The download was incomplete.', {
          detail: `GET ${apiPath}: got ${size} of ${total} bytes`,
        });
      }
      await placeFile(temp, destination, options.overwrite ?? false);
      return { bytes: size, etag };
    } finally {
      await fsp.rm(temp, { force: true }).catch(() => undefined);
    }
  }

  // ---- the one request function

  async request(req: ApiRequest): Promise<ApiResponse> {
    if (!this.transportAllowed) {
      // Sign-in refuses such addresses already; this keeps the bearer token off plain http
      // whatever the address came from (e.g. a stored session edited by hand).
      throw new GitShareError(
        'invalidInput',
        'GitShare must be reached over https:// (plain http:// only on loopback addresses).',
        {
          detail: `refused ${this.origin}`,
        },
      );
    }
    const describe = `${req.method} ${req.apiPath}`;
    let token = await this.tokens.getAccessToken();
    let refreshed = false;
    let retries = 0;
    let url = this.buildUrl(req.apiPath, req.query);
    let redirects = 0;
    for (;;) {
      throwIfAborted(req.signal);
      const started = Date.now();
      let response: Response;
      const attempt = new Attempt(req.signal, this.responseTimeoutMs);
      try {
        response = await this.fetchImpl(url, {
          method: req.method,
          headers: {
            ...req.headers,
            Accept: 'application/json, */*',
            'User-Agent': this.userAgent,
            Authorization: `Bearer ${token}`,
            // Said explicitly because in the extension host VS Code's proxy support puts a fresh
            // agent without keepAlive under every request (@vscode/proxy-agent's PacProxyAgent),
            // and Node then sends `Connection: close`: one TCP connection, and one round trip
            // more, per request. With the header, a direct connection goes back to the pool of
            // the agent underneath (Node's global agent, which keeps connections alive), and
            // proxy resolution (http.proxy, system proxies) still decides every request.
            Connection: 'keep-alive',
          },
          body: req.body?.(() => attempt.touch(this.idleTimeoutMs)),
          redirect: 'manual',
          signal: attempt.signal,
        });
      } catch (error) {
        attempt.dispose();
        const mapped = this.mapStreamError(error, describe, req.signal, attempt);
        if (mapped.kind === 'cancelled') {
          throw mapped;
        }
        const code = mapped.code;
        // A refused certificate stays refused: no retry.
        if (
          mapped.kind !== 'certificate' &&
          retries < this.policy.maxRetries &&
          isRetryableNetworkError(code, req.retry)
        ) {
          retries++;
          const delay = retryDelay(this.policy, retries, undefined);
          this.logger.warn(`${describe} failed (${code ?? mapped.kind}); retry ${retries} in ${delay} ms`);
          await sleep(delay, req.signal);
          continue;
        }
        this.logger.error(`${describe} failed`, mapped);
        throw mapped;
      }
      const status = response.status;
      this.logger.debug(`${describe} → ${status} (${Date.now() - started} ms)`);
      const wrapped = attempt.wrap(response, this.idleTimeoutMs, (e) =>
        this.mapStreamError(e, describe, req.signal, attempt),
      );

      if (status === 401 && !refreshed) {
        // One refresh, then one replay; a second 401 is final.
        wrapped.discard();
        refreshed = true;
        this.logger.info(`${describe}: access token rejected; refreshing once`);
        token = await this.tokens.refreshAfterUnauthorized(token);
        continue;
      }
      if (status >= 300 && status < 400 && status !== 304) {
        wrapped.discard();
        url = this.followRedirect(url, response.headers.get('location'), req, describe, ++redirects);
        continue;
      }
      if ((status >= 200 && status < 300) || req.accept?.includes(status)) {
        return wrapped;
      }
      if (retries < this.policy.maxRetries && isRetryableStatus(status, req.retry)) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        if (retryAfter === undefined || retryAfter <= this.policy.maxRetryAfterMs) {
          wrapped.discard();
          retries++;
          const delay = retryDelay(this.policy, retries, retryAfter);
          this.logger.warn(`${describe} → ${status}; retry ${retries} in ${delay} ms`);
          await sleep(delay, req.signal);
          continue;
        }
      }
      // Only `error` and `message` are used: a bounded read, the rest is dropped.
      const text = await wrapped.text(MAX_ERROR_BODY_BYTES, true).catch(() => '');
      const error = errorFromResponse({
        status,
        body: parseServerErrorBody(text),
        wwwAuthenticate: response.headers.get('www-authenticate'),
        request: describe,
      });
      this.logger.warn(`${describe} failed`, error);
      throw error;
    }
  }

  private buildUrl(apiPath: string, query: ApiRequest['query']): string {
    const url = new URL(this.serverUrl + apiPath);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    return url.toString();
  }

  /** Follows only same-origin redirects of safe requests: the bearer token never leaves the origin. */
  private followRedirect(
    current: string,
    location: string | null,
    req: ApiRequest,
    describe: string,
    count: number,
  ): string {
    const target = location ? new URL(location, current) : undefined;
    if (!target || req.method !== 'GET' || target.origin !== this.origin || count > MAX_REDIRECTS) {
      throw new GitShareError('protocol', 'GitShare answered with an unexpected redirect.', {
        detail: `${describe} → redirect to ${target ? target.origin + target.pathname : '(none)'}`,
      });
    }
    return target.toString();
  }

  private mapStreamError(
    error: unknown,
    describe: string,
    signal: AbortSignal | undefined,
    attempt?: Attempt,
  ): GitShareError {
    if (signal?.aborted) {
      return new CancelledError();
    }
    if (attempt?.timedOut) {
      return timeoutError(this.serverUrl, describe, attempt.timedOutAfter);
    }
    if (error instanceof GitShareError) {
      return error;
    }
    return networkError(this.serverUrl, describe, error);
  }
}

// ---- helpers

function preconditionHeaders(precondition: WritePrecondition): Record<string, string> {
  if (!precondition) {
    return {};
  }
  if ('ifMatch' in precondition) {
    return { 'If-Match': quoteEtag(precondition.ifMatch) };
  }
  return { 'If-None-Match': '*' };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new CancelledError();
  }
}

function checkLength(response: ApiResponse, received: number, path: string): void {
  const length = response.headers.get('content-length');
  if (length !== null && Number(length) !== received) {
    throw new GitShareError('network', 'The download was incomplete.', {
      detail: `GET ${path}: got ${received} of ${length} bytes`,
    });
  }
}

function formatMiB(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function totalFromContentRange(value: string | null): number | undefined {
  const match = value ? /\/(\d+)\s*$/.exec(value) : null;
  return match ? Number(match[1]) : undefined;
}

/** Moves the finished temporary file into place; without `overwrite` an existing file is never replaced. */
async function placeFile(temp: string, destination: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await fsp.rename(temp, destination);
    return;
  }
  try {
    // link() fails with EEXIST instead of replacing: no window between a check and the rename.
    await fsp.link(temp, destination);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new GitShareError('conflict', `${nodePath.basename(destination)} already exists here.`, {
        detail: `download target exists: ${destination}`,
        code: 'already_exists',
      });
    }
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') {
      throw error;
    }
    // A file system without hard links: check, then rename.
    if (
      await fsp.stat(destination).then(
        () => true,
        () => false,
      )
    ) {
      throw new GitShareError('conflict', `${nodePath.basename(destination)} already exists here.`, {
        detail: `download target exists: ${destination}`,
        code: 'already_exists',
      });
    }
    await fsp.rename(temp, destination);
  }
}

/** Passes chunks through and reports each one. */
class ActivityStream extends Transform {
  constructor(private readonly onChunk: (chunk: Buffer) => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.onChunk(chunk);
    callback(null, chunk);
  }
}

/**
 * One attempt's abort controller: aborts when the caller's signal does, or
 * when nothing happened for too long (no headers yet, or a silent body).
 */
class Attempt {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timerMs = 0;
  /** False once cleared: a cleared timer cannot be refreshed, only made anew. */
  private armed = false;
  private readonly onCallerAbort = () => this.controller.abort();
  private readonly onTimeout = () => {
    this.timedOut = true;
    this.timedOutAfter = this.timerMs;
    this.controller.abort();
  };
  timedOut = false;
  timedOutAfter = 0;

  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    responseTimeoutMs: number,
  ) {
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.touch(responseTimeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Restarts the watchdog. Called for every chunk of a body, so the timer is
   * created once per duration and then only refreshed.
   */
  touch(ms: number): void {
    if (this.timer !== undefined && this.armed && ms === this.timerMs) {
      this.timer.refresh();
      return;
    }
    clearTimeout(this.timer);
    this.timerMs = ms;
    this.armed = true;
    this.timer = setTimeout(this.onTimeout, ms);
    this.timer.unref?.();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.armed = false;
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  wrap(response: Response, idleMs: number, mapError: (error: unknown) => GitShareError): ApiResponse {
    this.touch(idleMs);
    const source = response.body as unknown as Readable | null;
    const body = new ActivityStream(() => this.touch(idleMs));
    if (source) {
      source.on('error', (error) => body.destroy(mapError(error)));
      source.pipe(body);
    } else {
      body.end();
    }
    body.on('close', () => this.dispose());
    body.on('end', () => this.dispose());
    const discard = () => {
      this.dispose();
      source?.unpipe(body);
      source?.resume();
      body.destroy();
    };
    /** At most `maxBytes`; past that a protocol error, or with `truncate` what came so far. */
    const text = async (maxBytes = MAX_JSON_BYTES, truncate = false) => {
      const announced = Number(response.headers.get('content-length') ?? NaN);
      if (!truncate && announced > maxBytes) {
        discard();
        throw new GitShareError('protocol', 'GitShare sent an answer far larger than expected, so it was not read.', {
          detail: `HTTP ${response.status}: Content-Length ${announced}, more than ${maxBytes}`,
        });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          discard();
          if (truncate) {
            chunks.push((chunk as Buffer).subarray(0, maxBytes - (size - (chunk as Buffer).length)));
            break;
          }
          throw new GitShareError('protocol', 'GitShare sent an answer far larger than expected, so it was not read.', {
            detail: `HTTP ${response.status}: body over ${maxBytes} bytes`,
          });
        }
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    };
    return {
      status: response.status,
      headers: response.headers,
      body,
      text,
      json: async () => {
        const raw = await text(MAX_JSON_BYTES);
        try {
          return JSON.parse(raw) as unknown;
        } catch (cause) {
          throw new GitShareError('protocol', 'GitShare sent an answer this version cannot read.', {
            detail: `not JSON (HTTP ${response.status}): ${raw.slice(0, 200)}`,
            cause,
          });
        }
      },
      discard,
    };
  }
}
