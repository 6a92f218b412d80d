/**
 * A small forward proxy that records what passes through it, for the proxy tests: plain
 * forwarding of absolute-URI requests (http targets) and CONNECT tunnels (https targets, whose
 * content it cannot see). `requireAuth` makes it answer 407 to everything without the given
 * Proxy-Authorization, as a company proxy does.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  /** `GET`, `PUT`, … for forwarded requests; `CONNECT` for tunnels. */
  readonly method: string;
  /** The absolute URL (forwarded) or `host:port` (CONNECT). */
  readonly target: string;
  /** What the proxy answered: the upstream status, 200 for an open tunnel, 407, or 502. */
  readonly status: number;
}

export interface RecordingProxy {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string;
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

export interface RecordingProxyOptions {
  /** When set, every request without exactly this Proxy-Authorization gets 407. */
  readonly requireAuth?: string;
  readonly host?: string;
}

export async function startRecordingProxy(options: RecordingProxyOptions = {}): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const authorized = (req: http.IncomingMessage): boolean =>
    !options.requireAuth || req.headers['proxy-authorization'] === options.requireAuth;

  const server = http.createServer((req, res) => {
    const target = req.url ?? '';
    if (!authorized(req)) {
      requests.push({ method: req.method ?? '', target, status: 407 });
      req.resume();
      res
        .writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test proxy"', 'Content-Type': 'text/plain' })
        .end('Proxy authentication required');
      return;
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      requests.push({ method: req.method ?? '', target, status: 400 });
      res.writeHead(400).end('Not a proxy request');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || 80,
        method: req.method,
        path: url.pathname + url.search,
        headers,
      },
      (answer) => {
        requests.push({ method: req.method ?? '', target, status: answer.statusCode ?? 0 });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => {
      requests.push({ method: req.method ?? '', target, status: 502 });
      if (!res.headersSent) {
        res.writeHead(502).end();
      } else {
        res.destroy();
      }
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (!authorized(req)) {
      requests.push({ method: 'CONNECT', target, status: 407 });
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test proxy"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const colon = target.lastIndexOf(':');
    const upstream = net.connect(Number(target.slice(colon + 1)), target.slice(0, colon).replace(/^\[|\]$/g, ''));
    let connected = false;
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      connected = true;
      requests.push({ method: 'CONNECT', target, status: 200 });
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) {
        upstream.write(head);
      }
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('error', () => {
      if (!connected) {
        requests.push({ method: 'CONNECT', target, status: 502 });
      }
      client.destroy();
    });
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
