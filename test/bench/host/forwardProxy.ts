/**
 * A counting forward HTTP proxy for the `http.proxy` check (plain http targets
 * only, as absolute-URI requests; no CONNECT). `/stats` and `/reset` on the
 * proxy itself answer the bench. Runs in the bench's own process: it only has
 * to show that requests pass through it, not to be fast.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForwardProxy {
  readonly url: string;
  close(): Promise<void>;
}

export function startForwardProxy(): Promise<ForwardProxy> {
  let requests = 0;
  let connections = 0;
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    if (req.url === '/stats') {
      res
        .writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' })
        .end(JSON.stringify({ requests, connections }));
      return;
    }
    if (req.url === '/reset') {
      requests = 0;
      connections = 0;
      res.writeHead(204, { Connection: 'close' }).end();
      return;
    }
    if (!req.url?.startsWith('http://')) {
      res.writeHead(400).end();
      return;
    }
    requests++;
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = http.request(req.url, { method: req.method, headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', () => connections++);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((done) => {
            agent.destroy();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
