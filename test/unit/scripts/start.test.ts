/**
 * `npm start` that fails part-way stops everything it had started and exits non-zero with one
 * short message. Run for real: `npm start` as a person types it, with a port held by this test.
 * Every process `npm start` starts inherits a marker in its environment; afterwards no process
 * with that marker may be left (a detached code-server included, which a process-group check
 * would miss).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { repoRoot } from '../../support/paths';

const MARKER = 'GITSHARE_START_PROBE';

/** Pids of live processes whose environment carries MARKER=value (zombies have an empty environ). */
function processesWithMarker(value: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) {
      continue;
    }
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (environ.split('\0').includes(`${MARKER}=${value}`)) {
        found.push(Number(entry));
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

function describeProcess(pid: number): string {
  try {
    return `${pid}: ${fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ')}`;
  } catch {
    return `${pid}`;
  }
}

/** Holds a port on `host` until closed. */
async function holdPort(host: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function npmStart(
  args: string[],
): Promise<{ code: number | null; output: string; stderr: string; marker: string }> {
  const marker = randomUUID();
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: repoRoot,
    env: { ...process.env, [MARKER]: marker },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  return { code, output, stderr, marker };
}

describe('scripts/start: a failed npm start leaves nothing behind', function () {
  // npm start builds the extension and compiles the tests first; under load that takes a while.
  // Generous: on a fresh clone run alone (npm run test:unit) the first code-server install happens here.
  this.timeout(900_000);

  it('exits non-zero with one short message when the GitShare server port is taken, and leaves no process', async () => {
    // Where npm start puts the server under code-server (127.0.0.2, see scripts/start.ts).
    const held = await holdPort('127.0.0.2');
    try {
      const run = await npmStart(['--code-server', '--port', String(held.port), '--vscode-port', '0']);
      assert.notEqual(run.code, 0, run.output);
      assert.match(
        run.stderr,
        new RegExp(`npm start failed: 127\\.0\\.0\\.2:${held.port} is already in use`),
        run.output,
      );
      assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
      const left = processesWithMarker(run.marker);
      assert.deepEqual(left.map(describeProcess), [], 'processes npm start left running');
    } finally {
      await held.close();
    }
  });

  it('stops the GitShare server it had started when code-server then cannot start', async () => {
    // code-server listens on 127.0.0.1; the GitShare server (127.0.0.2, a free port) is up by then.
    const held = await holdPort('127.0.0.1');
    try {
      const run = await npmStart(['--code-server', '--port', '0', '--vscode-port', String(held.port)]);
      assert.notEqual(run.code, 0, run.output);
      assert.match(
        run.output,
        /GitShare server: http:\/\/127\.0\.0\.2:\d+/,
        'the server had started before code-server failed',
      );
      assert.match(
        run.stderr,
        new RegExp(`npm start failed: 127\\.0\\.0\\.1:${held.port} is already in use`),
        run.output,
      );
      const left = processesWithMarker(run.marker);
      assert.deepEqual(left.map(describeProcess), [], 'processes npm start left running');
    } finally {
      await held.close();
    }
  });
});
