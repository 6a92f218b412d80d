/**
 * Loaded by VS Code as `extensionTestsPath` (see ../activation.ts): runs inside
 * the real extension host. Reports whether the extension was already active
 * (it activates onStartupFinished) and, when it was not, the time around
 * `extension.activate()`; then opens VS Code's own Running Extensions editor,
 * whose activation time (code loading + the activate call, as VS Code
 * measures them) the bench reads from the page, and waits until it has.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { PROBE_MARKER } from './marker';
const EXTENSION_ID = 'gitshare.gitshare-vscode';

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) {
    throw new Error(`${EXTENSION_ID} is not installed in this window`);
  }
  const wasActive = extension.isActive;
  let aroundActivateMs: number | undefined;
  if (!wasActive) {
    const started = performance.now();
    await extension.activate();
    aroundActivateMs = performance.now() - started;
  }
  await vscode.commands.executeCommand('workbench.action.showRuntimeExtensions');
  console.log(PROBE_MARKER + JSON.stringify({ wasActive, aroundActivateMs }));
  // The bench writes this file once it has read the editor (or gives up).
  const done = process.env.GITSHARE_BENCH_DONE_FILE;
  for (let waited = 0; done && waited < 60_000 && !fs.existsSync(done); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
