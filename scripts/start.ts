/**
 * `npm start`: the extension in VS Code against the local GitShare server,
 * with the demo account ready. Desktop VS Code (`code`) when it is on PATH,
 * otherwise code-server, printing the URL to open. Ctrl-C stops everything.
 *
 *   npm start -- [--port 8765] [--vscode-port 8080] [--code-server]
 *
 * --code-server: code-server even when `code` is on PATH.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCodeServer, RunningCodeServer, sandboxDirs, startCodeServer } from '../test/support/codeServer';
import { LocalServer, startLocalServer } from '../test/support/localServer';
import { cacheDir, repoRoot } from '../test/support/paths';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

function hasCode(): boolean {
  return spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
}

function writeUserSettings(userDataDir: string, serverUrl: string): void {
  const file = path.join(userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let settings: Record<string, unknown> = {};
  try {
    settings = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // A new profile.
  }
  settings['gitshare.serverUrl'] = serverUrl;
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
}

/**
 * What has been started so far, stopped in reverse order by `stopAll`: on Ctrl-C, when VS Code
 * closes, and when a later step fails, so a failed start leaves no server or code-server behind.
 */
const running: Array<{ what: string; stop: () => Promise<void> }> = [];
let stopping: Promise<void> | undefined;

function stopAll(): Promise<void> {
  stopping ??= (async () => {
    for (const item of running.splice(0).reverse()) {
      await item.stop().catch((error) => console.error(`Could not stop ${item.what}: ${String(error)}`));
    }
  })();
  return stopping;
}

function exitAfterStopping(code: number): void {
  void stopAll().then(() => process.exit(code));
}

/** One short line for a failed start; the details are in the log files it names. */
function shortReason(error: unknown, port: string): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/EADDRINUSE/.test(text)) {
    const address = /EADDRINUSE: address already in use (\S+)/.exec(text)?.[1] ?? `port ${port}`;
    return `${address} is already in use (another npm start?). Stop what holds it, or choose other ports: npm start -- --port N --vscode-port M`;
  }
  return text.split('\n')[0];
}

async function main(): Promise<void> {
  process.on('SIGINT', () => exitAfterStopping(130));
  process.on('SIGTERM', () => exitAfterStopping(143));
  const desktop = !process.argv.includes('--code-server') && hasCode();
  const dataDir = path.join(repoRoot, '.gitshare-data');
  const port = option('--port', '8765');
  // Install first (code-server's first install takes minutes), start the server after:
  // nothing runs while the one step that can fail for a long time is under way.
  const install = desktop ? undefined : await ensureCodeServer();
  // Under code-server the server must not be on 127.0.0.1/localhost: code-server rewrites such
  // links through its /proxy/, which mangles redirect_uri (see ../shared/vscode-testing.md).
  const host = desktop ? '127.0.0.1' : '127.0.0.2';
  // --cors: the extension may run in the browser's web worker host (remote.extensionKind "web"),
  // whose requests come from VS Code's page and need the server's leave (contract section 4).
  const server: LocalServer = await startLocalServer(dataDir, ['--host', host, '--port', port, '--cors']);
  running.push({ what: 'the GitShare server', stop: () => server.close() });
  const profile = path.join(cacheDir, 'start', desktop ? 'desktop' : 'code-server');
  const workspace = path.join(profile, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });

  console.log(
    `GitShare server: ${server.url}   (account: demo, password: demo; data in ${path.relative(repoRoot, dataDir)}/)`,
  );
  if (desktop) {
    const { userDataDir, extensionsDir } = sandboxDirs(profile);
    writeUserSettings(userDataDir, server.url);
    const code = spawn(
      'code',
      [
        '--wait',
        '--new-window',
        `--user-data-dir=${userDataDir}`,
        `--extensions-dir=${extensionsDir}`,
        `--extensionDevelopmentPath=${repoRoot}`,
        workspace,
      ],
      {
        stdio: 'inherit',
      },
    );
    running.push({ what: 'VS Code', stop: async () => void code.kill('SIGTERM') });
    code.on('error', (error) => {
      console.error(`npm start failed: could not run code: ${error.message}`);
      exitAfterStopping(1);
    });
    code.on('exit', () => exitAfterStopping(0));
    console.log('VS Code is open with the extension loaded. Ctrl-C here stops the server.');
    return;
  }
  // code-server honours the extensionDevelopmentPath payload only with the smoke-test driver on.
  const codeServer: RunningCodeServer = await startCodeServer(install!, {
    sandbox: profile,
    smokeTestDriver: true,
    settings: { 'gitshare.serverUrl': server.url },
    port: Number(option('--vscode-port', '8080')),
  });
  running.push({ what: 'code-server', stop: () => codeServer.stop() });
  codeServer.process.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`code-server stopped (${code ?? signal}); stopping the GitShare server too.`);
      exitAfterStopping(1);
    }
  });
  const payload = [['extensionDevelopmentPath', `vscode-remote://${codeServer.authority}${repoRoot}`]];
  const why = process.argv.includes('--code-server') ? '--code-server' : 'No `code` on PATH';
  console.log(`${why}: VS Code runs as code-server. Open this URL in a browser:\n`);
  console.log(
    `  ${codeServer.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}\n`,
  );
  console.log('Then GitShare in the activity bar → Sign in (demo / demo). Ctrl-C stops everything.');
}

main().catch(async (error) => {
  console.error(`npm start failed: ${shortReason(error, option('--port', '8765'))}`);
  await stopAll();
  process.exit(1);
});
