/**
 * An upload whose body ends early with a clean close (fewer bytes than its
 * Content-Length, then FIN) or with a broken chunk must not leave a
 * `.gitshare-upload-*` temp file behind (receiveBody in test/server/fileBodies.ts
 * notices an abort that happened before it attached its listeners).
 */

import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import { startServer, type RunningServer } from '../index';
import { signIn } from '../../support/serverHttp';
import { filesBelow } from '../../support/files';
import { pause } from '../../support/wait';

function send(server: RunningServer, bytes: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, server.host);
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.end(bytes);
    setTimeout(() => socket.destroy(), 1_000);
  });
}

describe('reliability: interrupted uploads leave no server temp file', function () {
  this.timeout(30_000);
  let server: RunningServer;
  let token: string;
  before(async () => {
    server = await startServer({ port: 0, faults: true });
    token = (await signIn(server)).tokens.access_token;
  });
  after(async () => {
    await server?.close();
  });

  const cases: Record<string, (token: string) => string> = {
    'a body shorter than its Content-Length, then a clean close': (t) =>
      `PUT /api/v1/files/short.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Length: 100\r\n\r\nonly ten b`,
    'a broken chunk': (t) =>
      `PUT /api/v1/files/badchunk.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n`,
  };
  for (const [what, bytes] of Object.entries(cases)) {
    it(what, async () => {
      await send(server, bytes(token));
      const temps = async () =>
        (await filesBelow(path.join(server.dataDir, 'files'))).filter((f) =>
          path.basename(f).startsWith('.gitshare-upload-'),
        );
      for (let i = 0; i < 30 && (await temps()).length; i++) {
        await pause(100);
      }
      assert.deepEqual(await temps(), []);
    });
  }
});
