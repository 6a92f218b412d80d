/**
 * scripts/systemDeps.mjs: what npm start / npm test need from the system, and what they say
 * when they cannot install it. No real package is installed or removed here: a package name that
 * exists nowhere stands for a missing one, and the install itself is switched off
 * (GITSHARE_INSTALL_SYSTEM_PACKAGES=0, or an injected method).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../support/paths';

type SystemDeps = typeof import('../../../scripts/systemDeps.mjs');

const modulePath = path.join(repoRoot, 'scripts', 'systemDeps.mjs');
const ABSENT = 'gitshare-test-absent-package';

describe('scripts/systemDeps: system packages for npm start and npm test', () => {
  let deps: SystemDeps;
  before(async () => {
    deps = (await import(pathToFileURL(modulePath).href)) as SystemDeps;
  });

  it('finds a package dpkg does not have, and not one it has', () => {
    const absent = { pkg: ABSENT, why: 'a test', dpkg: true };
    const dpkg = { pkg: 'dpkg', why: 'always on Debian', dpkg: true };
    assert.deepEqual(
      deps.missing([absent, dpkg]).map((r) => r.pkg),
      [ABSENT],
    );
  });

  it('npm test needs Chromium on top of what npm start needs', () => {
    const start = deps.requirementsFor('start').map((r) => r.pkg);
    const test = deps.requirementsFor('test').map((r) => r.pkg);
    assert.ok(test.includes('chromium'));
    // certutil: the e2e worker phase makes Chromium trust the local server's test CA.
    assert.ok(test.includes('libnss3-tools'));
    assert.ok(!start.includes('chromium'));
    for (const pkg of start) {
      assert.ok(test.includes(pkg), `${pkg} is needed by npm start but not checked by npm test`);
    }
  });

  it('installs as root, through sudo -n when that works, else not at all', () => {
    assert.equal(deps.installMethod({ uid: 0, hasApt: true, allowed: true }).kind, 'root');
    assert.deepEqual(deps.installMethod({ uid: 1000, hasApt: true, allowed: true, sudoWorks: () => true }), {
      kind: 'sudo',
      prefix: ['sudo', '-n'],
    });
    assert.equal(deps.installMethod({ uid: 1000, hasApt: true, allowed: true, sudoWorks: () => false }).kind, 'none');
    assert.equal(deps.installMethod({ uid: 0, hasApt: false, allowed: true }).kind, 'no-apt');
    assert.equal(deps.installMethod({ uid: 0, hasApt: true, allowed: false }).kind, 'none');
  });

  it('without a way to install, stops with the exact command and says why each package is needed', () => {
    const logged: string[] = [];
    const message = deps.ensureSystemDeps(
      [
        { pkg: ABSENT, why: 'because a test asks', dpkg: true },
        { pkg: 'dpkg', why: 'x', dpkg: true },
      ],
      {
        log: (line) => logged.push(line),
        method: { kind: 'none', prefix: [] },
      },
    );
    assert.ok(message, 'a missing package must stop the command');
    assert.match(message, new RegExp(`apt-get install -y ${ABSENT}$`, 'm'));
    assert.match(message, new RegExp(`${ABSENT}: because a test asks`));
    assert.doesNotMatch(message, /\bdpkg\b/, 'only what is missing is named');
    assert.deepEqual(logged, [], 'nothing was installed, so nothing says so');
  });

  it('says nothing and lets the command go on when everything is there', () => {
    const logged: string[] = [];
    assert.equal(
      deps.ensureSystemDeps([{ pkg: 'dpkg', why: 'x', dpkg: true }], {
        log: (line) => logged.push(line),
        method: { kind: 'none', prefix: [] },
      }),
      null,
    );
    assert.deepEqual(logged, []);
  });

  it('as a command: exits 1 at once with one short message when a package is missing and may not be installed', () => {
    const result = spawnSync(process.execPath, [modulePath, 'test'], {
      encoding: 'utf8',
      env: { ...process.env, GITSHARE_SYSTEM_DEPS: ABSENT, GITSHARE_INSTALL_SYSTEM_PACKAGES: '0' },
      timeout: 30_000,
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`apt-get install -y ${ABSENT}`));
    assert.ok(result.stderr.trim().split('\n').length <= 5, `short:\n${result.stderr}`);
  });
});
