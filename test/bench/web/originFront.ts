/**
 * Where TLS ends for the web figures: an https front that counts each request's `Origin` header
 * and passes the request on to the GitShare server over plain http. The shaping link is a TCP
 * proxy and passes TLS through, so it sits in front of this and cannot read headers itself; the
 * count is what proves a figure ran in the browser's web worker (its `fetch` sends the
 * workbench's origin, curl and Node send none). Run as a child process of its own:
 *
 *   node out/test/bench/web/originFront.js --target http://127.0.0.1:PORT --cert FILE --key FILE
 *     → prints "front listening on https://127.0.0.1:PORT control http://127.0.0.1:PORT"
 *
 * Control (plain http, loopback): GET /origins → {requests, origins: {origin: count}} since the
 * last POST /reset; requests without an Origin count under "none".
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

function main(): void {
  const argv = process.argv.slice(2);
  const value = (flag: string): string => {
    const i = argv.indexOf(flag);
    if (i < 0 || argv[i + 1] === undefined) {
      throw new Error(`${flag} is required`);
    }
    return argv[i + 1]!;
  };
  const target = new URL(value('--target'));
  const agent = new http.Agent({ keepAlive: true });
  let requests = 0;
  let origins: Record<string, number> = {};

  const front = https.createServer(
    { cert: fs.readFileSync(value('--cert')), key: fs.readFileSync(value('--key')) },
    (req, res) => {
      requests++;
      const origin = req.headers.origin ?? 'none';
      origins[origin] = (origins[origin] ?? 0) + 1;
      const upstream = http.request(
        {
          host: target.hostname,
          port: Number(target.port),
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.on('error', () => upstream.destroy());
      req.pipe(upstream);
    },
  );
  front.keepAliveTimeout = 60_000;

  const control = http.createServer((req, res) => {
    if (req.url === '/origins') {
      res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' });
      res.end(JSON.stringify({ requests, origins }));
    } else if (req.url === '/reset' && req.method === 'POST') {
      requests = 0;
      origins = {};
      res.writeHead(204, { Connection: 'close' }).end();
    } else {
      res.writeHead(404).end();
    }
  });

  front.listen(0, '127.0.0.1', () => {
    control.listen(0, '127.0.0.1', () => {
      const port = (front.address() as AddressInfo).port;
      const controlPort = (control.address() as AddressInfo).port;
      console.log(`front listening on https://127.0.0.1:${port} control http://127.0.0.1:${controlPort}`);
    });
  });
  process.on('SIGTERM', () => process.exit(0));
}

main();
