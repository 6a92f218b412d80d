/**
 * `npm run test:desktop`: the same integration suite (test/integration/) in
 * desktop VS Code through @vscode/test-electron, for a developer's machine
 * where VS Code can be downloaded. (These build machines cannot download it;
 * there `npm test` uses code-server, see runIntegration.ts.)
 */
import { runTests } from '@vscode/test-electron';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeSandbox } from '../support/codeServer';
import { startLocalServer } from '../support/localServer';
import { repoRoot } from '../support/paths';

async function main(): Promise<number> {
  const sandbox = makeSandbox('desktop');
  const workspace = path.join(sandbox, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const server = await startLocalServer(path.join(sandbox, 'gitshare-data'));
  try {
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--user-data-dir', path.join(sandbox, 'user-data')],
      extensionTestsEnv: {
        GITSHARE_TEST_SERVER_URL: server.url,
        GITSHARE_TEST_SERVER_DATA: server.dataDir,
        GITSHARE_TEST_GREP: process.env.GITSHARE_TEST_GREP ?? '',
      },
    });
    return 0;
  } finally {
    await server.close();
    fs.rmSync(sandbox, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('Desktop integration tests failed or could not start:', error);
    process.exit(1);
  },
);
