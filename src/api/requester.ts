/**
 * The one request function of the API client: it adds the bearer header and
 * User-Agent, applies the transport rule and timeouts, logs, retries what is
 * safe to retry, refreshes the token once after a 401, follows same-origin
 * redirects and maps failures to GitShareErrors. The stream plumbing below it
 * (the per-attempt watchdog, the guarded response body and its capped reads)
 * lives here too, because only this loop creates and ends attempts.
 */

import * as l10n from '@vscode/l10n';
import { concatBytes, fromUtf8 } from '../common/bytes';
import type { ByteStream, HttpHeaders, HttpResponse, HttpTransport, RequestBody } from '../common/http';
import { assertAllowedTransport } from '../common/transport';
import type { TokenSource } from '../common/accounts';
import { throwIfAborted } from '../common/cancellation';
import { CancelledError, GitShareError } from '../common/errors';
import type { Logger } from '../common/logger';
import { errorFromResponse, networkError, parseServerErrorBody, timeoutError, unreadableAnswer } from './errorMapping';
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

export interface ApiRequesterOptions {
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
  /** The extension host's HTTP (node/transport.ts, browser/transport.ts). */
  readonly transport: HttpTransport;
}

export interface ApiRequest {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path below the origin, already encoded. */
  readonly apiPath: string;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly headers?: Record<string, string>;
  /**
   * A fresh body for every attempt, so a replay never sends a half-read stream. `watch` is called
   * as the body is sent: the idle timeout counts from the last call.
   */
  readonly body?: (watch: () => void) => RequestBody | Promise<RequestBody>;
  readonly retry: RetryMode;
  readonly signal?: AbortSignal;
  /** Non-2xx statuses the caller handles itself. */
  readonly accept?: readonly number[];
}

/** A response whose body is guarded by the idle timeout and the caller's signal. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: HttpHeaders;
  /** Read once; a silence longer than the idle timeout, or the caller's cancel, ends it with a GitShareError. */
  readonly body: ByteStream;
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

export class ApiRequester {
  private readonly serverUrl: string;
  private readonly origin: string;
  private readonly tokens: TokenSource;
  readonly logger: Logger;
  private readonly userAgent: string;
  readonly policy: RetryPolicy;
  private readonly responseTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly transport: HttpTransport;

  constructor(options: ApiRequesterOptions) {
    this.serverUrl = options.serverUrl.replace(/\/+$/, '');
    const url = new URL(this.serverUrl);
    this.origin = url.origin;
    this.tokens = options.tokens;
    this.logger = options.logger;
    this.userAgent = options.userAgent ?? 'GitShare-VSCode';
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.responseTimeoutMs = options.responseTimeoutMs ?? 30_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.transport = options.transport;
  }

  async request(req: ApiRequest): Promise<ApiResponse> {
    // Sign-in refuses such addresses already; this keeps the bearer token off plain http
    // whatever the address came from (e.g. a stored session edited by hand).
    assertAllowedTransport(new URL(this.origin));
    const describe = `${req.method} ${req.apiPath}`;
    let token = await this.tokens.getAccessToken();
    let refreshed = false;
    let retries = 0;
    let url = this.buildUrl(req.apiPath, req.query);
    let redirects = 0;
    for (;;) {
      throwIfAborted(req.signal);
      const started = Date.now();
      let response: HttpResponse;
      const attempt = new Attempt(req.signal, this.responseTimeoutMs);
      // Made before the request: a local file that cannot be read fails the upload with its own
      // error, not as a network failure.
      let body: RequestBody | undefined;
      try {
        body = await req.body?.(() => attempt.touch(this.idleTimeoutMs));
      } catch (error) {
        attempt.dispose();
        throw error;
      }
      try {
        response = await this.transport(url, {
          method: req.method,
          headers: {
            ...req.headers,
            Accept: 'application/json, */*',
            'User-Agent': this.userAgent,
            Authorization: `Bearer ${token}`,
          },
          body,
          signal: attempt.signal,
        });
      } catch (error) {
        attempt.dispose();
        const mapped = this.mapStreamError(error, describe, req.signal, attempt);
        if (mapped.kind === 'cancelled') {
          throw mapped;
        }
        const code = mapped.code;
        // A refused certificate, or an origin the server does not allow, stays refused: no retry.
        if (
          mapped.kind !== 'certificate' &&
          mapped.kind !== 'cors' &&
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
      throw new GitShareError('protocol', l10n.t('GitShare answered with an unexpected redirect.'), {
        detail: `${describe} → redirect to ${target ? target.origin + target.pathname : '(none)'}`,
      });
    }
    return target.toString();
  }

  /** The typed error for a failure while sending or streaming: cancelled, timed out or a network error. */
  mapStreamError(error: unknown, describe: string, signal: AbortSignal | undefined, attempt?: Attempt): GitShareError {
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

/**
 * One attempt's abort controller: aborts when the caller's signal does, or
 * when nothing happened for too long (no headers yet, or a silent body).
 */
class Attempt {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerMs = 0;
  /** When the watchdog fires, unless touched again: moved forward by every chunk, without a new timer. */
  private deadline = 0;
  private readonly onCallerAbort = () => this.controller.abort();
  private readonly onTimer = () => {
    this.timer = undefined;
    const left = this.deadline - performance.now();
    if (left > 0) {
      // Touched since the timer was set: wait out the rest.
      this.arm(left);
      return;
    }
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
   * Restarts the watchdog: `ms` from now. Called for every chunk of a body, so it only moves the
   * deadline; the one timer, when it fires early, waits out the rest (timers of both hosts).
   */
  touch(ms: number): void {
    const deadline = performance.now() + ms;
    if (this.timer !== undefined && deadline >= this.deadline) {
      this.deadline = deadline;
      this.timerMs = ms;
      return;
    }
    clearTimeout(this.timer);
    this.deadline = deadline;
    this.timerMs = ms;
    this.arm(ms);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.onTimer, ms);
    (this.timer as { unref?: () => void }).unref?.();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  wrap(response: HttpResponse, idleMs: number, mapError: (error: unknown) => GitShareError): ApiResponse {
    this.touch(idleMs);
    const source = response.body;
    const guarded = async function* (attempt: Attempt): AsyncGenerator<Uint8Array, void, undefined> {
      try {
        if (source) {
          for await (const chunk of source) {
            attempt.touch(idleMs);
            yield chunk;
          }
        }
      } catch (error) {
        throw mapError(error);
      } finally {
        attempt.dispose();
      }
    };
    const chunks = guarded(this);
    const discard = () => {
      this.dispose();
      source?.cancel();
      void chunks.return(undefined);
    };
    const body: ByteStream = { [Symbol.asyncIterator]: () => chunks, cancel: discard };
    /** At most `maxBytes`; past that a protocol error, or with `truncate` what came so far. */
    const text = async (maxBytes = MAX_JSON_BYTES, truncate = false) => {
      const announced = Number(response.headers.get('content-length') ?? NaN);
      if (!truncate && announced > maxBytes) {
        discard();
        throw new GitShareError(
          'protocol',
          l10n.t('GitShare sent an answer far larger than expected, so it was not read.'),
          {
            detail: `HTTP ${response.status}: Content-Length ${announced}, more than ${maxBytes}`,
          },
        );
      }
      const parts: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          discard();
          if (truncate) {
            parts.push(chunk.subarray(0, maxBytes - (size - chunk.byteLength)));
            break;
          }
          throw new GitShareError(
            'protocol',
            l10n.t('GitShare sent an answer far larger than expected, so it was not read.'),
            {
              detail: `HTTP ${response.status}: body over ${maxBytes} bytes`,
            },
          );
        }
        parts.push(chunk);
      }
      return fromUtf8(concatBytes(parts));
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
          throw new GitShareError('protocol', unreadableAnswer(), {
            detail: `not JSON (HTTP ${response.status}): ${raw.slice(0, 200)}`,
            cause,
          });
        }
      },
      discard,
    };
  }
}
