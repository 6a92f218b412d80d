/**
 * The entry that VS Code's web worker extension host loads (package.json `browser`): vscode.dev,
 * github.dev, a code-server that keeps extensions in the browser. The browser's adapters, handed
 * to the activation every host shares (activate.ts); the Node host's are in extension.ts.
 */
import type * as vscode from 'vscode';
import { activateGitShare } from './activate';
import { browserLocalFiles } from './browser/localFiles';
import { browserNetwork } from './browser/networkChecks';
import { browserTransport } from './browser/transport';

export function activate(context: vscode.ExtensionContext): unknown {
  return activateGitShare(context, {
    transport: browserTransport(),
    files: browserLocalFiles(),
    network: browserNetwork,
    loadTestSeam: () => {
      // The test-only code is a Node bundle beside the Node entry; the web worker host loads one
      // file and nothing beside it. The browser is tested end to end, through the .vsix.
      // eslint-disable-next-line gitshare/localized-text -- a programming error, never shown
      throw new Error('GitShare: the test seam runs in the Node extension host only');
    },
  });
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
