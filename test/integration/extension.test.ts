import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../src/common/constants';
import { activateForTest } from './helpers';

describe('The extension in a real VS Code', () => {
  it('activates and registers its commands', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await extension.activate();
    assert.equal(extension.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(Commands.showLog), 'GitShare: Show Log is registered');
  });

  it('contributes the GitShare view container with the Files view', async () => {
    // Focusing a view only succeeds when the workbench knows the container and the view.
    await vscode.commands.executeCommand('workbench.view.extension.gitshare');
    await vscode.commands.executeCommand('gitshare.files.focus');
  });

  it('returns only the test API (in ExtensionMode.Test; nothing in normal use)', async () => {
    const api = await activateForTest();
    assert.deepEqual(Object.keys(api).sort(), [
      'accounts',
      'clearShownErrors',
      'clickFilesViewRow',
      'filesViewLabels',
      'setInteraction',
      'shownErrors',
    ]);
    // Signed in, its accounts are names only: test/integration/files/files.test.ts.
  });
});
