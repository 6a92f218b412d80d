/**
 * Loaded by VS Code as `extensionTestsPath` (see measure.ts): runs inside
 * the real extension host. Reports whether GitShare and the empty yardstick
 * extension were already active (both activate onStartupFinished) and, when
 * not, the time around `extension.activate()`; then opens VS Code's own Running Extensions editor,
 * whose activation time (code loading + the activate call, as VS Code
 * measures them) the bench reads from the page, and waits until it has.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { eventually } from '../../support/wait';
import { PROBE_MARKER, YARDSTICK_ID } from './marker';
const EXTENSION_ID = 'gitshare.gitshare-vscode';

async function activate(id: string): Promise<{ wasActive: boolean; aroundActivateMs?: number }> {
  const extension = vscode.extensions.getExtension(id);
  if (!extension) {
    throw new Error(`${id} is not installed in this window`);
  }
  if (extension.isActive) {
    return { wasActive: true };
  }
  const started = performance.now();
  await extension.activate();
  return { wasActive: false, aroundActivateMs: performance.now() - started };
}

export async function run(): Promise<void> {
  // The empty yardstick first: it pays for nothing that GitShare would then find ready.
  const yardstick = await activate(YARDSTICK_ID);
  const gitshare = await activate(EXTENSION_ID);
  await vscode.commands.executeCommand('workbench.action.showRuntimeExtensions');
  console.log(PROBE_MARKER + JSON.stringify({ ...gitshare, yardstick }));
  // The bench writes this file once it has read the editor (or gives up).
  const done = process.env.GITSHARE_BENCH_DONE_FILE;
  if (done) {
    // Given up on after a minute: the bench reports what it missed itself.
    await eventually(() => fs.existsSync(done), 'the bench to read the editor', 60_000, 100).catch(() => undefined);
  }
}
