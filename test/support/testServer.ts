/**
 * The local GitShare server as every plain-Node suite starts it. Imports only
 * the server, so the server's own tests (compiled alone by
 * `test/server/tsconfig.json`) can use it too.
 */

import { startServer, type RunningServer, type ServerOptions } from '../server/index';

/** An in-process server on a free loopback port with the test-control API (faults, counters) switched on. */
export async function startTestServer(options: ServerOptions = {}): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', faults: true, ...options });
}
