/**
 * A small HTTP proxy in front of the local server, for the faults the server's
 * own fault switch cannot make: a response that ends cleanly (FIN, not a reset)
 * before its Content-Length, a body that stalls after some bytes, and answers
 * a hostile or broken server would give (a redirect to another origin, listing
 * entries with names the real server never allows).
 *
 * Each request asks `plan(request)` what to do; the default passes it through.
 */

import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProxyAction =
  | { readonly kind: 'pass' }
  /** Forward the upstream headers (Content-Length included), then only `afterBytes` of the body, then end the connection cleanly. */
  | { readonly kind: 'truncate'; readonly afterBytes: number }
  /** Forward the headers and `afterBytes` of the body, then send nothing more and keep the connection open. */
  | { readonly kind: 'stall'; readonly afterBytes: number }
  /** Answer without asking upstream. */
  | {
      readonly kind: 'respond';
      readonly status: number;
      readonly headers?: Record<string, string>;
      readonly body?: string;
    }
  /** Ask upstream, then hand its JSON body to `rewrite` and send what it returns. */
  | { readonly kind: 'rewriteJson'; readonly rewrite: (body: unknown) => unknown }
  /**
   * Answer without asking upstream: `start`, then `chunk` again and again, without
   * a Content-Length, until the client goes away (a body that never ends).
   */
  | { readonly kind: 'endless'; readonly status: number; readonly start: string; readonly chunk: string };

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly action: ProxyAction['kind'];
}

export class TestProxy {
  readonly seen: SeenRequest[] = [];
  /** Body bytes written by `endless` answers, all together. */
  endlessBytes = 0;
  plan: (req: http.IncomingMessage) => ProxyAction = () => ({ kind: 'pass' });
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server,
    private readonly upstream: URL,
    readonly url: string,
  ) {}

  /** Starts a proxy on `host` (default 127.0.0.1) forwarding to the origin `upstream`. */
  static async start(upstream: string, host = '127.0.0.1'): Promise<TestProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as AddressInfo;
    const proxy = new TestProxy(server, new URL(upstream), `http://${host}:${port}`);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => proxy.handle(req, res));
    server.on('connection', (socket: Socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
    });
    return proxy;
  }

  /** Faults one matching request, then passes everything through again. */
  once(match: (req: http.IncomingMessage) => boolean, action: ProxyAction): void {
    let used = false;
    this.plan = (req) => {
      if (!used && match(req)) {
        used = true;
        return action;
      }
      return { kind: 'pass' };
    };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const action = this.plan(req);
    this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, action: action.kind });
    if (action.kind === 'respond') {
      req.resume();
      res.writeHead(action.status, action.headers);
      res.end(action.body);
      return;
    }
    if (action.kind === 'endless') {
      req.resume();
      res.writeHead(action.status, { 'content-type': 'application/json' });
      const chunk = Buffer.from(action.chunk);
      const more = (): void => {
        // Writes until the socket's buffer is full, then waits for it to drain: as fast as the client reads.
        while (!res.destroyed && !res.writableEnded) {
          this.endlessBytes += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', more);
            return;
          }
        }
      };
      this.endlessBytes += Buffer.byteLength(action.start);
      res.write(action.start);
      more();
      return;
    }
    const upstreamReq = http.request(
      {
        host: this.upstream.hostname,
        port: this.upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.upstream.host },
        agent: false,
      },
      (upstreamRes) => this.answer(action, upstreamRes, res),
    );
    upstreamReq.on('error', () => res.socket?.destroy());
    req.pipe(upstreamReq);
  }

  private answer(
    action: Exclude<ProxyAction, { kind: 'respond' | 'endless' }>,
    upstreamRes: http.IncomingMessage,
    res: http.ServerResponse,
  ): void {
    const status = upstreamRes.statusCode ?? 502;
    if (action.kind === 'rewriteJson') {
      const chunks: Buffer[] = [];
      upstreamRes.on('data', (c: Buffer) => chunks.push(c));
      upstreamRes.on('end', () => {
        const body = Buffer.from(JSON.stringify(action.rewrite(JSON.parse(Buffer.concat(chunks).toString('utf8')))));
        const headers = { ...upstreamRes.headers, 'content-length': String(body.length) };
        delete headers['transfer-encoding'];
        res.writeHead(status, headers);
        res.end(body);
      });
      return;
    }
    res.writeHead(status, upstreamRes.headers);
    if (action.kind === 'pass') {
      upstreamRes.pipe(res);
      return;
    }
    // truncate / stall: count body bytes, stop at the limit.
    const limit = action.afterBytes;
    const truncate = action.kind === 'truncate';
    let sent = 0;
    if (limit === 0) {
      res.flushHeaders();
      upstreamRes.destroy();
      if (truncate) {
        res.socket?.end();
      }
      return;
    }
    upstreamRes.on('data', (chunk: Buffer) => {
      if (sent >= limit) {
        return;
      }
      const part = chunk.subarray(0, limit - sent);
      sent += part.length;
      res.write(part);
      if (sent >= limit) {
        upstreamRes.destroy();
        if (truncate) {
          // A clean end of the connection (FIN) before Content-Length bytes: no reset for the client to notice.
          const socket = res.socket;
          socket?.end();
        }
      }
    });
  }
}
