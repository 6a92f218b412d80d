/**
 * The Node extension host's HTTP: node-fetch over Node's http and https modules, which VS Code's
 * proxy support patches (http.proxy, system proxies, the system's certificates). Bodies stream
 * both ways as Node streams.
 */
import { Readable } from 'node:stream';
import type { ByteStream, HttpTransport, RequestBody } from '../common/http';
import { fetch as lazyNodeFetch, type FetchLike } from './fetch';

/** `fetchImpl`: node-fetch, loaded on first use (fetch.ts); tests hand in a recording one. */
export function nodeTransport(fetchImpl: FetchLike = lazyNodeFetch): HttpTransport {
  return async (url, request) => {
    const response = await fetchImpl(url, {
      method: request.method,
      headers: {
        ...request.headers,
        // Said explicitly because in the extension host VS Code's proxy support puts a fresh
        // agent without keepAlive under every request (@vscode/proxy-agent's PacProxyAgent),
        // and Node then sends `Connection: close`: one TCP connection, and one round trip
        // more, per request. With the header, a direct connection goes back to the pool of
        // the agent underneath (Node's global agent, which keeps connections alive), and
        // proxy resolution (http.proxy, system proxies) still decides every request.
        Connection: 'keep-alive',
      },
      body: nodeBody(request.body),
      redirect: 'manual',
      signal: request.signal as never,
    });
    const body = response.body as unknown as Readable | null;
    return {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      body: body && byteStream(body),
    };
  };
}

function nodeBody(body: RequestBody | undefined): string | Buffer | Readable | undefined {
  if (body === undefined || typeof body === 'string' || body instanceof Readable) {
    return body;
  }
  if (body instanceof Uint8Array) {
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }
  return Readable.from(body, { objectMode: false });
}

/**
 * A Node stream read as the core reads a body. Cancel lets the rest flow away unread: a short
 * answer (a 401 before the replay, an error's body) then leaves its connection to the next request.
 */
export function byteStream(readable: Readable): ByteStream {
  return {
    [Symbol.asyncIterator]: () => readable[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>,
    cancel: () => void readable.resume(),
  };
}
