/**
 * `npm start`: the extension in VS Code against the local GitShare server,
 * with the demo account ready. Desktop VS Code (`code`) when it is on PATH,
 * otherwise code-server, printing the URL to open. Ctrl-C stops everything.
 *
 *   npm start -- [--port 8765] [--vscode-port 8080]
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCodeServer, RunningCodeServer, sandboxDirs, startCodeServer } from './codeServer';
import { LocalServer, startLocalServer } from './localServer';
import { cacheDir, repoRoot } from './paths';

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

async function main(): Promise<void> {
  const desktop = hasCode();
  const dataDir = path.join(repoRoot, '.gitshare-data');
  const port = option('--port', '8765');
  // Under code-server the server must not be on 127.0.0.1/localhost: code-server rewrites such
  // links through its /proxy/, which mangles redirect_uri (see ../shared/vscode-testing.md).
  const host = desktop ? '127.0.0.1' : '127.0.0.2';
  const server: LocalServer = await startLocalServer(dataDir, ['--host', host, '--port', port]);
  const profile = path.join(cacheDir, 'start', desktop ? 'desktop' : 'code-server');
  const workspace = path.join(profile, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });

  // What is running now, for Ctrl-C.
  const started: { code?: ChildProcess; codeServer?: RunningCodeServer } = {};
  const stop = async () => {
    started.code?.kill('SIGTERM');
    await started.codeServer?.stop();
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  console.log(`GitShare server: ${server.url}   (account: demo, password: demo; data in ${path.relative(repoRoot, dataDir)}/)`);
  if (desktop) {
    const { userDataDir, extensionsDir } = sandboxDirs(profile);
    writeUserSettings(userDataDir, server.url);
    const code = spawn('code', ['--wait', '--new-window', `--user-data-dir=${userDataDir}`, `--extensions-dir=${extensionsDir}`, `--extensionDevelopmentPath=${repoRoot}`, workspace], {
      stdio: 'inherit',
    });
    started.code = code;
    console.log('VS Code is open with the extension loaded. Ctrl-C here stops the server.');
    code.on('exit', () => void stop());
    return;
  }
  const install = await ensureCodeServer();
  // code-server honours the extensionDevelopmentPath payload only with the smoke-test driver on.
  const codeServer = await startCodeServer(install, {
    sandbox: profile,
    smokeTestDriver: true,
    settings: { 'gitshare.serverUrl': server.url },
    port: Number(option('--vscode-port', '8080')),
  });
  started.codeServer = codeServer;
  const payload = [['extensionDevelopmentPath', `vscode-remote://${codeServer.authority}${repoRoot}`]];
  console.log('No `code` on PATH: VS Code runs as code-server. Open this URL in a browser:\n');
  console.log(`  ${codeServer.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}\n`);
  console.log('Then GitShare in the activity bar → Sign in (demo / demo). Ctrl-C stops everything.');
}

main().catch((error) => {
  console.error('npm start failed:', error);
  process.exit(1);
});
