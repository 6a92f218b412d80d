/**
 * The web worker host's HTTP: the browser's own fetch. The browser does the proxy, the
 * certificates and the connections; what it hides from an extension it hides here too. Two things
 * only a browser does, handled here so the core needs not know:
 *
 * - CORS. A GitShare that does not answer for the page's origin makes fetch fail with the same
 *   TypeError as a dead network. When a request fails so, a `no-cors` probe of the same server
 *   tells the two apart: if the server answers the probe, it is there and only the origin is
 *   refused, and the request fails with the one message that says so (api/errorMapping.ts).
 * - Request bodies. A browser cannot stream one over HTTP/1.1, so a file goes up as one buffer
 *   (browser/localFiles.ts reads it whole). fetch tells nothing of an upload's progress; an
 *   XMLHttpRequest does, so a file is sent with one, its progress feeding the progress bar and
 *   the idle timeout as the Node host's stream does.
 */
import { concatBytes } from '../common/bytes';
import type { ByteStream, HttpHeaders, HttpRequest, HttpResponse, HttpTransport } from '../common/http';
import { corsError } from '../api/errorMapping';

/** A whole file as a request body, and who hears of its bytes as they leave. */
export class WholeBody implements AsyncIterable<Uint8Array> {
  constructor(
    readonly bytes: Uint8Array,
    readonly onSent: (bytes: number) => void,
  ) {}

  /** For a transport that reads bodies as streams: all of it at once. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    this.onSent(this.bytes.byteLength);
    yield this.bytes;
  }
}

/**
 * Headers a browser sets itself (Content-Length, Connection) or that would only add to the
 * preflight a GitShare must allow (User-Agent; contract section 4 lists what it allows).
 */
const LEFT_TO_THE_BROWSER = new Set(['content-length', 'connection', 'user-agent', 'host']);

/** How long the probe that tells a refused origin from a dead network may take. */
const PROBE_TIMEOUT_MS = 5_000;

type Fetch = (input: string, init: BrowserRequestInit) => Promise<Response>;
/** fetch's options as a browser takes them (this project's Node types lack `cache`). */
type BrowserRequestInit = RequestInit & { readonly cache?: 'no-store' | 'default' };

export interface BrowserTransportOptions {
  /** The browser's fetch; tests hand in their own. */
  readonly fetch?: Fetch;
  /** Sends a whole file with progress; by default an XMLHttpRequest where there is one, else fetch. */
  readonly sendWhole?: (url: string, request: HttpRequest, body: WholeBody) => Promise<HttpResponse>;
  /** This page's origin, for the message; by default the worker's. */
  readonly origin?: string;
}

export function browserTransport(options: BrowserTransportOptions = {}): HttpTransport {
  const fetchImpl: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init as RequestInit));
  const origin = options.origin ?? (globalThis as { location?: { origin?: string } }).location?.origin;
  const sendWhole =
    options.sendWhole ??
    (typeof (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest === 'function' ? sendWithProgress : undefined);

  return async (url, request) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!LEFT_TO_THE_BROWSER.has(name.toLowerCase())) {
        headers[name] = value;
      }
    }
    const sent: HttpRequest = { ...request, headers };
    try {
      if (request.body instanceof WholeBody && sendWhole) {
        return await sendWhole(url, sent, request.body);
      }
      const response = await fetchImpl(url, {
        method: request.method,
        headers,
        body: await wholeBody(request.body),
        redirect: 'manual',
        signal: request.signal,
        // No cookies (GitShare uses none, and a CORS answer need not allow them).
        credentials: 'omit',
        cache: cacheMode(request.method),
        mode: 'cors',
      });
      return asHttpResponse(response);
    } catch (error) {
      if (!request.signal?.aborted && error instanceof TypeError && (await answersNoCors(url, fetchImpl))) {
        throw corsError(url, `${request.method} ${new URL(url).pathname}`, origin, error);
      }
      throw error;
    }
  };
}

/**
 * No answer from the browser's cache: a listing or a file must be what GitShare has now. A GET or
 * HEAD could be answered from it (the contract promises no Cache-Control, and Chromium keeps an
 * answer with Last-Modified by heuristic), so it is `no-store`. Every other method is never
 * answered from a cache (Fetch standard), so it keeps the default mode: Chromium skips its cache
 * of CORS preflights for `no-store` and `no-cache` alike, and a second PUT to the same address
 * then cost a preflight of its own despite the server's Access-Control-Max-Age.
 */
function cacheMode(method: string): 'no-store' | 'default' {
  return method === 'GET' || method === 'HEAD' ? 'no-store' : 'default';
}

/** A body fetch can send: a stream is gathered first (the browser sends bodies whole). */
async function wholeBody(body: HttpRequest['body']): Promise<string | Uint8Array | undefined> {
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
    return body;
  }
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) {
    chunks.push(chunk);
  }
  return concatBytes(chunks);
}

/**
 * Whether the server answers at all when the browser asks without CORS (an opaque answer, which
 * resolves whatever its status): then it is reachable, and a failed CORS request was the origin's.
 */
async function answersNoCors(url: string, fetchImpl: Fetch): Promise<boolean> {
  try {
    await fetchImpl(new URL('/', url).href, {
      method: 'HEAD',
      mode: 'no-cors',
      credentials: 'omit',
      cache: 'no-store',
      // The Fetch standard fails a no-cors request that does not follow redirects before it is
      // sent: 'manual' here made every probe fail, and a server without CORS read as unreachable.
      redirect: 'follow',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return true;
  } catch {
    return false;
  }
}

function asHttpResponse(response: Response): HttpResponse {
  if (response.type === 'opaqueredirect') {
    // A redirect the browser keeps to itself: no Location to see. The core refuses a redirect it
    // cannot check, which is what a 3xx without Location makes it do.
    return { status: 302, statusText: 'Found', headers: new Headers(), body: null };
  }
  return {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    body: response.body ? readerStream(response.body) : null,
  };
}

/** A WHATWG stream read through its reader (async iteration of streams is not in every browser). */
export function readerStream(stream: ReadableStream<Uint8Array>): ByteStream {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return {
    async *[Symbol.asyncIterator]() {
      reader = stream.getReader();
      let done = false;
      try {
        for (;;) {
          const next = await reader.read();
          if (next.done) {
            done = true;
            return;
          }
          yield next.value;
        }
      } finally {
        if (!done) {
          void reader.cancel().catch(() => undefined);
        }
      }
    },
    cancel: () => void (reader ? reader.cancel() : stream.cancel()).catch(() => undefined),
  };
}

/** The parts of an XMLHttpRequest used here (the worker has it; this project's types do not). */
interface Xhr {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getAllResponseHeaders(): string;
  send(body: Uint8Array): void;
  abort(): void;
  responseType: string;
  readonly response: ArrayBuffer | null;
  readonly responseURL: string;
  readonly status: number;
  readonly statusText: string;
  readonly upload: { onprogress: ((event: { loaded: number }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

/** A whole file sent with an XMLHttpRequest, which reports the upload's progress. */
function sendWithProgress(url: string, request: HttpRequest, body: WholeBody): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const XhrClass = (globalThis as unknown as { XMLHttpRequest: new () => Xhr }).XMLHttpRequest;
    const xhr = new XhrClass();
    const signal = request.signal;
    const onAbort = () => xhr.abort();
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.open(request.method, url);
    xhr.responseType = 'arraybuffer';
    for (const [name, value] of Object.entries(request.headers)) {
      xhr.setRequestHeader(name, value);
    }
    let loaded = 0;
    xhr.upload.onprogress = (event) => {
      if (event.loaded > loaded) {
        body.onSent(event.loaded - loaded);
        loaded = event.loaded;
      }
    };
    xhr.onload = () => {
      done();
      if (xhr.responseURL && xhr.responseURL !== new URL(url).href) {
        // An XMLHttpRequest follows redirects; the core follows none of an upload's.
        resolve({ status: 302, statusText: 'Found', headers: new Headers(), body: null });
        return;
      }
      const bytes = new Uint8Array(xhr.response ?? new ArrayBuffer(0));
      resolve({
        status: xhr.status,
        statusText: xhr.statusText,
        headers: parseHeaders(xhr.getAllResponseHeaders()),
        body: onceStream(bytes),
      });
    };
    // As fetch fails: a TypeError, for the CORS probe above to look at (the core words it).
    xhr.onerror = () => {
      done();
      // eslint-disable-next-line gitshare/localized-text -- fetch's own words, logged, never shown
      reject(new TypeError('Failed to fetch'));
    };
    xhr.onabort = () => {
      done();
      reject(signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
    };
    if (signal?.aborted) {
      xhr.onabort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.send(body.bytes);
  });
}

function parseHeaders(raw: string): HttpHeaders {
  const headers = new Headers();
  for (const line of raw.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
  }
  return headers;
}

function onceStream(bytes: Uint8Array): ByteStream {
  let cancelled = false;
  return {
    async *[Symbol.asyncIterator]() {
      if (!cancelled && bytes.byteLength) {
        yield bytes;
      }
    },
    cancel: () => void (cancelled = true),
  };
}
