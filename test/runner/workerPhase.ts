/**
 * What the e2e worker phase runs and how it judges a test: the extension in the browser's web
 * worker extension host must be the one that talked to the server (runE2e.ts --worker).
 */
import type { RequestSeen } from '../server/faults';
import { TEST_CLIENT_USER_AGENT } from '../support/serverSession';

/**
 * The suites the worker phase runs again (the same files): signing in (the Accounts menu, a pasted
 * code) and out, the Files view, open/edit/save and the save conflict, editors following GitShare,
 * Go to File, upload and download of files and folders. The others need the Node host (proxies,
 * certificates, the test seam, a second server on plain http) or add nothing the browser changes.
 */
export const WORKER_SUITES = ['signIn', 'auth', 'files', 'live', 'transfers'];

/**
 * Why a worker-phase test did not prove it ran in the browser, or undefined when it did: the
 * requests the extension made during the test (all but the test's own: its API client's and plain
 * Node's, and the sign-in pages the browser tab navigates to) must be there, and each must carry the
 * workbench's Origin, which a browser's fetch sends and the Node extension host never does.
 */
export function notFromTheBrowser(requests: readonly RequestSeen[], origin: string): string | undefined {
  const fromExtension = requests.filter(
    (r) => r.userAgent !== TEST_CLIENT_USER_AGENT && r.userAgent !== 'node' && !r.route.includes('/oauth2/authorize'),
  );
  if (fromExtension.length === 0) {
    return 'the server saw no request from the extension during the test';
  }
  const strays = fromExtension.filter((r) => r.origin !== origin);
  if (strays.length > 0) {
    const list = strays
      .slice(0, 5)
      .map((r) => `${r.route} (Origin ${r.origin ?? 'none'}, User-Agent ${r.userAgent ?? 'none'})`);
    return `${strays.length} of ${fromExtension.length} requests did not come from the workbench at ${origin}: ${list.join('; ')}`;
  }
  return undefined;
}
