/**
 * Ctrl-C during a test layer stops what the layer started: the local server, code-server (which
 * runs in a process group of its own and never sees the terminal's Ctrl-C) and Chromium. The
 * signal goes to the runner alone, the hardest case: nothing else is told.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../support/paths';

const MARKER = 'GITSHARE_INTERRUPT_PROBE';

function processesWithMarker(value: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) {
      continue;
    }
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`${MARKER}=${value}`)) {
        found.push(
          `${entry}: ${fs.readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' ').slice(0, 200)}`,
        );
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

describe('runner: Ctrl-C during the integration layer leaves nothing behind', function () {
  // Generous: on a fresh clone run alone (npm run test:unit) the first code-server install happens here.
  this.timeout(900_000);

  it('stops the local server, code-server and Chromium, and exits 130', async () => {
    const marker = randomUUID();
    const child = spawn(process.execPath, [path.join(repoRoot, 'out', 'test', 'runner', 'runIntegration.js')], {
      cwd: repoRoot,
      env: { ...process.env, [MARKER]: marker, GITSHARE_TEST_GREP: 'The extension in a real VS Code' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Interrupt once everything is up: the server, code-server, and Chromium showing the workbench.
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/code-server \(VS Code [\d.]+\): http/.test(output)) {
          child.stdout.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exited.then(() => reject(new Error(`the integration runner ended before code-server was up:\n${output}`)));
    });
    const running = processesWithMarker(marker);
    assert.ok(
      running.some((p) => /cli\.js/.test(p)),
      `the local server runs:\n${running.join('\n')}`,
    );
    assert.ok(
      running.some((p) => /code-server/.test(p)),
      `code-server runs:\n${running.join('\n')}`,
    );
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 130, output);
    assert.deepEqual(processesWithMarker(marker), [], 'processes left running after Ctrl-C');
  });
});
