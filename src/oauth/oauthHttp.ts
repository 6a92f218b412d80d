/**
 * Sign-in's HTTP: every OAuth request (discovery, registration, token, refresh,
 * revocation) goes out here, under the rule the API client follows too (https,
 * plain http only to a loopback address), with one timeout per request and the
 * same wording for the same failures (api/errorMapping.ts: "Cannot reach
 * GitShare at …", "… did not answer in time"). oauth4webapi wants WHATWG
 * answers, so the transport's are turned into them here, their bodies capped.
 */
import * as oauth from 'oauth4webapi';
import { readBodyCapped, type HttpResponse, type HttpTransport } from '../common/http';
import { CancelledError, GitShareError } from '../common/errors';
import { networkError, proxyAuthenticationError, timeoutError, unreadableAnswer } from '../api/errorMapping';
import { assertAllowedTransport } from '../common/transport';

/** An OAuth answer is small; anything bigger is not one. */
const MAX_OAUTH_BODY_BYTES = 1024 * 1024;

/** What oauth4webapi hands its custom fetch. */
export interface FetchInit {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  readonly redirect: 'manual';
  readonly signal?: AbortSignal;
}

type WhatwgFetch = (url: string, init: FetchInit) => Promise<Response>;

export interface OAuthHttpOptions {
  /** Per request; the default is 30 s. */
  readonly timeoutMs?: number;
  /** The extension host's HTTP. */
  readonly transport: HttpTransport;
}

export class OAuthHttp {
  /** Per request; the refresh lease of SessionManager must outlast it. */
  readonly timeoutMs: number;
  private readonly fetch: WhatwgFetch;

  constructor(options: OAuthHttpOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetch = asWhatwg(options.transport);
  }

  /** Runs one oauth4webapi request with our fetch, timeout and transport rule. */
  async call(
    what: string,
    signal: AbortSignal | undefined,
    request: (options: {
      [oauth.customFetch]: WhatwgFetch;
      [oauth.allowInsecureRequests]?: boolean;
      signal: AbortSignal;
    }) => Promise<Response>,
  ): Promise<Response> {
    try {
      return await request({
        [oauth.customFetch]: this.guardedFetch,
        [oauth.allowInsecureRequests]: true,
        signal: this.signal(signal),
      });
    } catch (error) {
      throw this.transportError(what, error, signal);
    }
  }

  /** One request built here rather than by oauth4webapi, under the same rule, timeout and wording. */
  async send(
    what: string,
    url: string,
    init: Omit<FetchInit, 'redirect' | 'signal'>,
    signal?: AbortSignal,
  ): Promise<Response> {
    try {
      return await this.guardedFetch(url, { ...init, redirect: 'manual', signal: this.signal(signal) });
    } catch (error) {
      throw this.transportError(what, error, signal);
    }
  }

  /**
   * oauth4webapi is told insecure requests are allowed so that loopback http works;
   * this fetch puts the real rule back: https, or http only to a loopback address.
   * Failures are named here, where the URL is known: which server, and what went wrong.
   */
  private readonly guardedFetch: WhatwgFetch = async (url, init) => {
    assertAllowedTransport(new URL(url));
    const request = `${init.method ?? 'GET'} ${new URL(url).pathname}`;
    let response: Response;
    try {
      response = await this.fetch(url, init);
    } catch (error) {
      if (error instanceof GitShareError) {
        throw error;
      }
      if (init.signal?.aborted) {
        const reason = init.signal.reason as { name?: string } | undefined;
        // The caller's own cancellation is told apart from the timeout in transportError.
        throw reason?.name === 'TimeoutError' ? timeoutError(url, request, this.timeoutMs) : error;
      }
      throw networkError(url, request, error);
    }
    if (response.status === 407) {
      await response.body?.cancel().catch(() => undefined);
      throw proxyAuthenticationError(request);
    }
    return response;
  };

  private signal(signal: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  private transportError(what: string, error: unknown, signal: AbortSignal | undefined): GitShareError {
    if (error instanceof GitShareError) {
      return error;
    }
    if (signal?.aborted) {
      return new CancelledError();
    }
    // Not from the network: oauth4webapi refusing what it was given, say. Named, never shown raw.
    return new GitShareError('protocol', unreadableAnswer(), { detail: `${what}: ${describe(error)}`, cause: error });
  }
}

/**
 * The transport turned into the WHATWG fetch oauth4webapi and the OAuth client
 * expect (`body.cancel()`, `clone()`): redirects never followed (a 3xx from an
 * OAuth endpoint is an error, not a hop), the body read here, capped.
 */
function asWhatwg(transport: HttpTransport): WhatwgFetch {
  return async (url, init) => {
    const response = await transport(url, {
      method: init.method,
      headers: init.headers,
      // oauth4webapi sends forms as URLSearchParams (their content type set) and JSON as text.
      body: init.body instanceof URLSearchParams ? init.body.toString() : (init.body as string | undefined),
      signal: init.signal,
    });
    const headers = new Headers();
    response.headers.forEach((value, name) => headers.append(name, value));
    const nullBody = response.status === 204 || response.status === 205 || response.status === 304 || !response.body;
    const body = nullBody ? null : await readCapped(response.body, MAX_OAUTH_BODY_BYTES);
    if (response.status < 200 || response.status > 599) {
      throw new GitShareError('protocol', unreadableAnswer(), {
        detail: `HTTP ${response.status} from ${new URL(url).pathname}`,
      });
    }
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  };
}

async function readCapped(body: HttpResponse['body'], limit: number): Promise<Uint8Array> {
  const bytes = await readBodyCapped(body, limit);
  if (!bytes) {
    throw new GitShareError('protocol', unreadableAnswer(), { detail: `an OAuth answer over ${limit} bytes` });
  }
  return bytes;
}

/** Frees an answer whose body is not needed (a WHATWG body: `cancel`, never a Node stream method). */
export async function discard(response: Response): Promise<void> {
  if (!response.bodyUsed) {
    await response.body?.cancel().catch(() => undefined);
  }
}

/** Name and message only: causes of oauth4webapi errors may hold response bodies. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`;
  }
  return String(error);
}
