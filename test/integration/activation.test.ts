/**
 * Activation leaves the extension host's log clean: no warning that a bundled
 * library read `navigator` (VS Code logs "PendingMigrationError: navigator is
 * now a global in nodejs" for every such read in Node 21+ hosts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../src/common/constants';

/** Every log file of this VS Code (the harness points HOME into its sandbox, beside user-data). */
function allLogs(): { file: string; text: string }[] {
  const sandbox = process.env.HOME ? path.dirname(process.env.HOME) : '';
  const logs = path.join(sandbox, 'user-data', 'logs');
  assert.ok(sandbox && fs.existsSync(logs), `the log folder ${logs} exists`);
  return fs
    .readdirSync(logs, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.log'))
    .map((file) => ({ file, text: fs.readFileSync(path.join(logs, file), 'utf8') }));
}

describe('Activation in a real VS Code', () => {
  it('logs no PendingMigrationError about navigator in the extension host', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    const logs = allLogs();
    assert.ok(
      logs.some(({ file }) => /exthost/i.test(file)),
      `an extension host log among ${logs.map((l) => l.file).join(', ')}`,
    );
    const offending = logs.filter(({ text }) => /navigator is now a global/i.test(text)).map(({ file }) => file);
    assert.deepEqual(offending, []);
  });
});
