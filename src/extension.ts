/**
 * The entry that VS Code's Node extension host loads (package.json `main`): the Node host's
 * adapters, handed to the activation every host shares (activate.ts).
 */
import type * as vscode from 'vscode';
import { activateGitShare } from './activate';
import { nodeLocalFiles } from './node/localFiles';
import { nodeNetwork } from './node/networkChecks';
import { nodeTransport } from './node/transport';
import type { TestSeam } from './workbench/testSeam';

export function activate(context: vscode.ExtensionContext): unknown {
  return activateGitShare(context, {
    transport: nodeTransport(),
    files: nodeLocalFiles,
    network: nodeNetwork,
    // The test-only code is a bundle of its own beside this one (esbuild.mjs), left out of the
    // .vsix: it is read from disk only here, only in ExtensionMode.Test.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file beside the bundle, on demand
    loadTestSeam: () => (require('./testing.js') as { testSeam(): TestSeam }).testSeam(),
  });
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
