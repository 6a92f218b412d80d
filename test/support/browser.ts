import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, chromium } from 'playwright-core';

/** Where Debian's chromium lives; CHROMIUM_PATH overrides. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => !!p,
  );
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      `No Chromium found (looked in ${candidates.join(', ')}). Install Debian's chromium package or set CHROMIUM_PATH.`,
    );
  }
  return found;
}

/**
 * A HOME for Chromium whose NSS database (`~/.pki/nssdb`, where Chromium on Linux reads the
 * certificate authorities a user added) trusts `caFile` for websites, as a person trusts a company
 * CA; made with NSS's certutil (Debian's libnss3-tools). So the browser reaches the local server's
 * `--tls` with the same certificate checks as any https site, rather than with checks switched off.
 */
export function homeTrusting(home: string, caFile: string): string {
  const db = `sql:${path.join(home, '.pki', 'nssdb')}`;
  fs.mkdirSync(path.join(home, '.pki', 'nssdb'), { recursive: true });
  execFileSync('certutil', ['-d', db, '-N', '--empty-password'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('certutil', ['-d', db, '-A', '-t', 'C,,', '-n', 'GitShare test CA', '-i', caFile], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return home;
}

/**
 * Headless Chromium with the flags this machine's closed network needs; `home` (see homeTrusting)
 * gives it the certificate authorities of that HOME; `args` are added to its command line.
 */
export function launchChromium(options: { home?: string; args?: readonly string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    ...(options.home ? { env: { ...process.env, HOME: options.home } } : {}),
    // Playwright's own signal handlers close the browser and exit at once, before the runner
    // can stop code-server (cleanupOnSignals in processes.ts closes the browser too).
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      // The workbench must keep running at full speed while a sign-in tab is in front.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      ...(options.args ?? []),
    ],
  });
}
