/**
 * HTTP as the core sees it, whoever carries it: one request in, one answer out, redirects never
 * followed, the body a stream of bytes read at the reader's pace. Each extension host hands the
 * core its own transport (node/transport.ts: node-fetch through VS Code's proxy support;
 * browser/transport.ts: the browser's fetch), and everything above it (the API client, sign-in,
 * Check Connection) is the same code in both.
 */

import { concatBytes } from './bytes';

export interface HttpHeaders {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

/**
 * Bytes in memory, or a stream of them. A host that cannot stream a request body (a browser over
 * HTTP/1.1) gets whole bytes from its own adapters.
 */
export type RequestBody = string | Uint8Array | AsyncIterable<Uint8Array>;

export interface HttpRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  readonly signal?: AbortSignal;
}

/** An answer's body, read once, chunk by chunk. */
export interface ByteStream extends AsyncIterable<Uint8Array> {
  /** Drops what is not read yet (the connection may be closed). */
  cancel(): void;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: HttpHeaders;
  /** Null when the answer has no body. */
  readonly body: ByteStream | null;
}

/**
 * Sends one request and resolves with the answer's status and headers (the body still to read).
 * Redirects come back as they are: the caller decides whether to follow them. Rejects when no
 * answer came: the host's network error, or a GitShareError the host could name better (a
 * certificate, a browser refusing a cross-origin answer).
 */
export type HttpTransport = (url: string, request: HttpRequest) => Promise<HttpResponse>;

/** The whole body, at most `maxBytes` of it; undefined past that (the rest is dropped). */
export async function readBodyCapped(body: ByteStream | null, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!body) {
    return new Uint8Array();
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.byteLength;
    if (length > maxBytes) {
      body.cancel();
      return undefined;
    }
    chunks.push(chunk);
  }
  return concatBytes(chunks);
}
