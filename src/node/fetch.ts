/**
 * node-fetch, loaded on first use. Importing it pulls in Node's crypto, zlib,
 * https, stream/web and worker_threads (about 70 ms), which would otherwise be
 * paid at activation even when no request is made (a restored session needs
 * none). esbuild turns the dynamic import into a lazily initialised module.
 */
import type { RequestInfo, RequestInit, Response } from 'node-fetch';

/** The one fetch type: node-fetch's shape, replaced only by tests. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

let nodeFetch: Promise<typeof import('node-fetch')> | undefined;

export async function fetch(url: RequestInfo, init?: RequestInit): Promise<Response> {
  nodeFetch ??= import('node-fetch');
  return (await nodeFetch).default(url, init);
}
