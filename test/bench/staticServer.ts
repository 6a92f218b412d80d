/**
 * A minimal static file server (node:http, no framework, no auth) over one
 * folder, run as a child process: the yardstick that tells whether the
 * GitShare server is what limits curl. GET streams a file with
 * fs.createReadStream like the GitShare server does; PUT streams the body to a
 * file opened with `flush: true` (fsync on close), as the GitShare server does.
 *
 *   node out/test/bench/staticServer.js ROOT   → prints "listening on http://127.0.0.1:PORT"
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';

const root = path.resolve(process.argv[2] ?? '.');

function resolveInRoot(urlPath: string): string | undefined {
  const decoded = decodeURIComponent(urlPath.split('?')[0]);
  const full = path.resolve(root, '.' + decoded);
  return full.startsWith(root + path.sep) ? full : undefined;
}

const server = http.createServer((req, res) => {
  const file = resolveInRoot(req.url ?? '/');
  if (!file) {
    res.writeHead(400).end();
    return;
  }
  if (req.method === 'GET') {
    fs.stat(file, (error, stat) => {
      if (error || !stat.isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': stat.size });
      pipeline(fs.createReadStream(file), res).catch(() => res.destroy());
    });
  } else if (req.method === 'PUT') {
    pipeline(req, fs.createWriteStream(file, { flush: true })).then(
      () => res.writeHead(201).end(),
      () => res.writeHead(500).end(),
    );
  } else {
    res.writeHead(405).end();
  }
});
server.requestTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
