// What `npm start`, `npm test` and `npm run bench` need from the system besides Node and npm, and
// the one place that installs it: Debian packages through apt-get (as root, or with `sudo -n` when
// that works without a password). Anything else stops at once with the exact command to run,
// before anything has been started. `.ci/run` calls this file too, so CI and a person get the same.
// GITSHARE_INSTALL_SYSTEM_PACKAGES=0 never installs: it only names what is missing.
//
//   node scripts/systemDeps.mjs [start|test|bench]
//
// Plain JavaScript on purpose: it must run before anything is compiled (and in .ci/run before
// `npm ci`). The types for TypeScript are in systemDeps.d.mts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the output of every install (apt-get here, code-server's npm install in codeServer.ts) goes. */
export const installLog = path.join(root, '.test-output', 'install.log');

/** code-server's install is cached here (see codeServer.ts); its build tools are needed only until then. */
const codeServerPackage = path.join(
  root,
  '.cache',
  'vscode',
  'code-server',
  'node_modules',
  'code-server',
  'package.json',
);

/**
 * @typedef {object} Requirement
 * @property {string} pkg       the Debian package that provides it
 * @property {string} why       shown when it is missing
 * @property {string} [command] present when this command is on PATH (whoever installed it)
 * @property {string[]} [files] present when one of these files exists
 * @property {boolean} [dpkg]   present when dpkg says the package is installed
 */

/** Builds code-server's native modules (kerberos, argon2, node-pty …) on its first install. */
const codeServerBuild = [
  { pkg: 'libkrb5-dev', why: "code-server's kerberos module is compiled against it on first install", dpkg: true },
  { pkg: 'pkg-config', why: "finds Kerberos for code-server's first install", command: 'pkg-config' },
  { pkg: 'g++', why: "compiles code-server's native modules on first install", command: 'g++' },
  { pkg: 'make', why: "compiles code-server's native modules on first install", command: 'make' },
  { pkg: 'python3', why: "node-gyp runs on it to build code-server's native modules", command: 'python3' },
];

const browser = {
  pkg: 'chromium',
  why: 'the integration and e2e tests open the workbench in headless Chromium',
  files: [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean),
};

/** Makes Chromium trust the local server's test CA for the e2e worker phase (its https server). */
const nssTools = {
  pkg: 'libnss3-tools',
  why: "the e2e worker phase adds the local server's test CA to Chromium's certificate store",
  command: 'certutil',
};

/**
 * What each command needs. The build tools only while code-server is not in .cache yet.
 * @param {'start' | 'test' | 'bench'} purpose
 * @returns {Requirement[]}
 */
export function requirementsFor(purpose) {
  const build = fs.existsSync(codeServerPackage) ? [] : codeServerBuild;
  switch (purpose) {
    case 'start':
      return build;
    case 'test':
      return [...build, browser, nssTools];
    case 'bench':
      // The bench measures beside curl and drives code-server in Chromium for the activation time.
      return [...build, browser, { pkg: 'curl', why: 'the bench compares transfer speed with curl', command: 'curl' }];
    default:
      throw new Error(`Unknown purpose ${purpose}; expected start, test or bench`);
  }
}

function succeeds(command, args) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

function onPath(command) {
  return succeeds('sh', ['-c', `command -v '${command.replace(/'/g, '')}'`]);
}

/** dpkg's own answer: "install ok installed" (a removed package keeps "deinstall ok config-files"). */
export function dpkgInstalled(pkg) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === 'install ok installed';
}

/** @param {Requirement} req */
export function isPresent(req) {
  if (req.files?.some((file) => fs.existsSync(file))) {
    return true;
  }
  if (req.command && onPath(req.command)) {
    return true;
  }
  return req.dpkg === true && dpkgInstalled(req.pkg);
}

/** @param {Requirement[]} requirements */
export function missing(requirements) {
  return requirements.filter((req) => !isPresent(req));
}

/**
 * How to install: as root directly, through `sudo -n` when it needs no password, else not at all
 * (nor when GITSHARE_INSTALL_SYSTEM_PACKAGES=0).
 * @returns {{ kind: 'root' | 'sudo' | 'none' | 'no-apt', prefix: string[] }}
 */
export function installMethod({
  uid = process.getuid?.() ?? -1,
  hasApt = onPath('apt-get'),
  sudoWorks = () => onPath('sudo') && succeeds('sudo', ['-n', 'true']),
  allowed = process.env.GITSHARE_INSTALL_SYSTEM_PACKAGES !== '0',
} = {}) {
  if (!allowed) {
    return { kind: 'none', prefix: [] };
  }
  if (!hasApt) {
    return { kind: 'no-apt', prefix: [] };
  }
  if (uid === 0) {
    return { kind: 'root', prefix: [] };
  }
  if (sudoWorks()) {
    return { kind: 'sudo', prefix: ['sudo', '-n'] };
  }
  return { kind: 'none', prefix: [] };
}

/** The one line a person is told when this cannot install for them. */
export function manualInstruction(packages, kind) {
  const names = packages.join(' ');
  if (kind === 'no-apt') {
    return `Install these with your system's package manager (Debian names): ${names}`;
  }
  return `Run: ${process.getuid?.() === 0 ? '' : 'sudo '}apt-get install -y ${names}`;
}

function appendLog(text) {
  fs.mkdirSync(path.dirname(installLog), { recursive: true });
  fs.appendFileSync(installLog, text);
}

/** Runs one apt-get step with its output in the install log; true when it succeeded. */
function aptGet(prefix, args) {
  // Another apt-get (an unattended upgrade, a second checkout's npm test) may hold dpkg's lock:
  // wait for it a while instead of failing at once.
  const [command, ...rest] = [
    ...prefix,
    'env',
    'DEBIAN_FRONTEND=noninteractive',
    'apt-get',
    '-o',
    'DPkg::Lock::Timeout=300',
    ...args,
  ];
  appendLog(`\n$ ${[command, ...rest].join(' ')}\n`);
  const fd = fs.openSync(installLog, 'a');
  try {
    return spawnSync(command, rest, { stdio: ['ignore', fd, fd] }).status === 0;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Installs the Debian packages `requirements` lack. Returns null when all is there (or was
 * installed), else the one short message to stop with. Output of apt-get goes to `installLog`.
 * @param {Requirement[]} requirements
 * @param {{ log?: (line: string) => void, method?: ReturnType<typeof installMethod> }} [options]
 * @returns {string | null}
 */
export function ensureSystemDeps(requirements, { log = (line) => console.log(line), method } = {}) {
  const lacking = missing(requirements);
  if (lacking.length === 0) {
    return null;
  }
  const packages = [...new Set(lacking.map((req) => req.pkg))];
  const how = method ?? installMethod();
  if (how.kind === 'none' || how.kind === 'no-apt') {
    const reasons = lacking.map((req) => `  ${req.pkg}: ${req.why}`).join('\n');
    return `Missing system packages:\n${reasons}\n${manualInstruction(packages, how.kind)}\nthen run the command again.`;
  }
  const relLog = path.relative(process.cwd(), installLog) || installLog;
  log(
    `Installing Debian packages: ${packages.join(' ')} (apt-get${how.kind === 'sudo' ? ' through sudo' : ''}; log: ${relLog})…`,
  );
  appendLog(`\n=== ${new Date().toISOString()} installing ${packages.join(' ')}\n`);
  // A fresh machine may have no package lists yet: update once when the first try fails.
  let ok = aptGet(how.prefix, ['install', '-y', '-q', ...packages]);
  if (!ok) {
    ok = aptGet(how.prefix, ['update', '-q']) && aptGet(how.prefix, ['install', '-y', '-q', ...packages]);
  }
  const still = missing(lacking);
  if (!ok || still.length > 0) {
    const names = (still.length ? still : lacking).map((req) => req.pkg);
    return `Could not install ${names.join(' ')} with apt-get; its output is in ${relLog}.\n${manualInstruction(names, 'none')}`;
  }
  log(`Installed ${packages.join(' ')}.`);
  return null;
}

// Run as a script: check (and install) for one purpose; exit 1 with the message when it cannot.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const purpose = process.argv[2] ?? 'test';
  const requested = process.env.GITSHARE_SYSTEM_DEPS;
  // GITSHARE_SYSTEM_DEPS=pkg,pkg (dpkg names) replaces the list: how its own test asks
  // for a package that is not installed without touching the real ones.
  const requirements = requested
    ? requested
        .split(',')
        .filter(Boolean)
        .map((pkg) => ({ pkg, why: 'asked for in GITSHARE_SYSTEM_DEPS', dpkg: true }))
    : requirementsFor(purpose);
  const message = ensureSystemDeps(requirements);
  if (message) {
    console.error(message);
    process.exit(1);
  }
}
