/**
 * Loaded by VS Code as `extensionTestsPath`: runs every test/integration/**\/*.test.js
 * with mocha inside the extension host. Used by both runners: code-server
 * (test/runner/runIntegration.ts) and desktop VS Code (test/runner/runDesktop.ts).
 */
import Mocha from 'mocha';
import * as path from 'node:path';
import { BEGIN_MARKER, judgeLayer, recordRun, RESULT_MARKER, SETUP_FAILED_MARKER } from '../runner/results';
import { findTests } from '../runner/testFiles';

/**
 * The runners hand the local server's address to the extension host through its environment.
 * Without it most suites skip themselves, so its absence (or a server the host cannot reach)
 * stops the run here, loudly, instead of a green run of skipped tests.
 */
async function serverProblem(): Promise<string | undefined> {
  const url = process.env.GITSHARE_TEST_SERVER_URL;
  const dataDir = process.env.GITSHARE_TEST_SERVER_DATA;
  if (!url || !dataDir) {
    return (
      `The local GitShare server's address did not reach the extension host (GITSHARE_TEST_SERVER_URL=${url || 'unset'}, ` +
      `GITSHARE_TEST_SERVER_DATA=${dataDir || 'unset'}); the runner must pass both in the host's environment.`
    );
  }
  try {
    await fetch(url, { signal: AbortSignal.timeout(20_000) });
    return undefined;
  } catch (error) {
    return `The extension host cannot reach the local GitShare server at ${url}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * The order the suites need (the sort is stable, so the rest keep theirs): activation's log is
 * read before anything else ran; the sessions suite starts signed out and then signs in
 * through the Accounts menu, the consent after which VS Code hands the session to later suites
 * (reliability/secrets asks for it silently).
 */
function runFirst(file: string): number {
  const relative = path.relative(__dirname, file).split(path.sep).join('/');
  return relative === 'activation.test.js' ? 0 : relative.startsWith('sessions/') ? 1 : 2;
}

export async function run(): Promise<void> {
  console.log(BEGIN_MARKER);
  const problem = await serverProblem();
  if (problem) {
    console.error(SETUP_FAILED_MARKER + problem);
    throw new Error(problem);
  }
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 60_000,
    color: false,
    reporter: 'spec',
    grep: process.env.GITSHARE_TEST_GREP || undefined,
  });
  const files = findTests(__dirname).sort((a, b) => runFirst(a) - runFirst(b));
  for (const file of files) {
    mocha.addFile(file);
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run(() => {
      const result = recording.result();
      console.log(RESULT_MARKER + JSON.stringify(result));
      // Judged here too, so the desktop runner (which sees only whether run() settles) is as strict.
      const problems = judgeLayer(result, files.length);
      if (problems.length > 0) {
        reject(new Error(`The integration layer failed: ${problems.join('; ')}`));
      } else {
        resolve();
      }
    });
    const recording = recordRun(runner, files.length);
  });
}
